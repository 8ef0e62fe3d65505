// Math functions: ABS, ROUND, TRUNC, FLOOR, CEIL with ksqlDB's return types.
// TRUNC drops digits toward zero (RoundingMode.DOWN).
// ROUND breaks ties toward positive infinity, as ksqlDB documents (Java's
// Math.round; for DECIMAL, HALF_UP on positive and HALF_DOWN on negative
// values): ROUND(2.5) = 3, ROUND(-2.5) = -2.

#include <cmath>

#include <fmt/format.h>

#include "streams/decimal.h"
#include "streams/function_support.h"
#include "streams/value_text.h"

namespace cs::streams::fn {

namespace {

result<value> abs_int(std::span<const value> a, const sql_type&) {
    const int32_t v = a[0].as_int();
    // Java's Math.abs(Integer.MIN_VALUE) is MIN_VALUE.
    return value(v < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(v)) : v);
}
result<value> abs_bigint(std::span<const value> a, const sql_type&) {
    const int64_t v = a[0].as_bigint();
    return value(v < 0 ? static_cast<int64_t>(0ull - static_cast<uint64_t>(v)) : v);
}
result<value> abs_double(std::span<const value> a, const sql_type&) {
    return value(std::fabs(a[0].as_double()));
}
result<value> abs_decimal(std::span<const value> a, const sql_type&) {
    decimal_value d = a[0].as_decimal();
    d.unscaled = d.unscaled < 0 ? -d.unscaled : d.unscaled;
    return value(d);
}
result<value> identity(std::span<const value> a, const sql_type&) {
    return a[0];
}
result<value> int_to_bigint(std::span<const value> a, const sql_type&) {
    return value(static_cast<int64_t>(a[0].as_int()));
}

enum class mode { round, floor, ceil, trunc };

// v rounded to `places` fraction digits (places may be negative).
int128 round_unscaled(int128 unscaled, int32_t drop, mode m) {
    if (drop <= 0) {
        return unscaled;
    }
    if (drop > decimal::max_precision) {
        // Everything is dropped: the result is 0, or +-1 unit at that position.
        if (m == mode::floor && unscaled < 0) {
            return -1;
        }
        if (m == mode::ceil && unscaled > 0) {
            return 1;
        }
        return 0;
    }
    const int128 d = decimal::pow10(drop);
    int128 q = unscaled / d;
    const int128 r = unscaled % d;
    switch (m) {
        case mode::floor:
            return r < 0 ? q - 1 : q;
        case mode::ceil:
            return r > 0 ? q + 1 : q;
        case mode::trunc:
            return q;  // integer division truncates toward zero
        case mode::round:
            // Ties toward positive infinity.
            if (r > 0 && r * 2 >= d) {
                ++q;
            } else if (r < 0 && -r * 2 > d) {
                --q;
            }
            return q;
    }
    return q;
}

// Rounds d to `places` digits, giving a value at `out_scale`.
decimal_value round_decimal(const decimal_value& d, int32_t places, int32_t out_scale, mode m) {
    const int128 q = round_unscaled(d.unscaled, d.scale - places, m);
    // q has max(places, ...) fraction digits = min(places, d.scale); rescale.
    const int32_t q_scale = std::min(places, d.scale);
    decimal_value out{q, q_scale};
    if (out_scale > q_scale) {
        out.unscaled = q * decimal::pow10(out_scale - q_scale);
    } else if (out_scale < q_scale) {
        out.unscaled = q / decimal::pow10(q_scale - out_scale);
    }
    out.scale = out_scale;
    return out;
}

template <mode M>
result<value> decimal_fn(std::span<const value> a, const sql_type& ret) {
    const int32_t places = a.size() > 1 ? a[1].as_int() : 0;
    return value(round_decimal(a[0].as_decimal(), places, ret.scale, M));
}

// Java's (long) of an integral double: NaN 0, saturating.
value java_long(double r) {
    if (std::isnan(r)) {
        return value(int64_t{0});
    }
    if (r >= 9.2233720368547758e18) {
        return value(std::numeric_limits<int64_t>::max());
    }
    if (r <= -9.2233720368547758e18) {
        return value(std::numeric_limits<int64_t>::min());
    }
    return value(static_cast<int64_t>(r));
}

// Math.round(double): floor(x + 0.5), with NaN -> 0 and saturation.
result<value> round_double(std::span<const value> a, const sql_type&) {
    return java_long(std::floor(a[0].as_double() + 0.5));
}

// ROUND(DOUBLE, places): through the decimal digits of Double.toString, as
// ksqlDB does with BigDecimal.valueOf, so ROUND(1.005, 2) is 1.01.
result<value> round_double_places(std::span<const value> a, const sql_type&) {
    const double d = a[0].as_double();
    if (std::isnan(d) || std::isinf(d)) {
        return value(d);
    }
    auto parsed = decimal::parse(double_text(d));
    if (!parsed) {
        return value(d);
    }
    const int32_t places = a[1].as_int();
    const decimal_value r = round_decimal(*parsed, places, std::max(places, 0), mode::round);
    return value(decimal::to_double(r));
}

// Trunc.java: (long) of a double (toward zero, NaN 0, saturating).
result<value> trunc_double(std::span<const value> a, const sql_type&) {
    return java_long(std::trunc(a[0].as_double()));
}

// TRUNC(DOUBLE, places): BigDecimal.valueOf(d).setScale(places, DOWN).
result<value> trunc_double_places(std::span<const value> a, const sql_type&) {
    const double d = a[0].as_double();
    if (!std::isfinite(d)) {
        return error{errc::invalid_argument,
                     fmt::format("TRUNC: {} has no decimal value", double_text(d))};
    }
    auto parsed = decimal::parse(double_text(d));
    if (!parsed) {
        return parsed.take_error();
    }
    const int32_t places = a[1].as_int();
    return value(
        decimal::to_double(round_decimal(*parsed, places, std::max(places, 0), mode::trunc)));
}

template <class Int>
Int pow10_int(int32_t n) {
    Int p = 1;
    for (int32_t i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

// ROUND(INTEGER|BIGINT, places): negative places round to tens, hundreds...
template <class Int>
result<value> round_int_places(std::span<const value> a, const sql_type&) {
    const Int v = std::is_same_v<Int, int32_t> ? static_cast<Int>(a[0].as_int())
                                               : static_cast<Int>(a[0].as_bigint());
    const int32_t places = a[1].as_int();
    if (places >= 0) {
        return value(v);
    }
    if (-places >= std::numeric_limits<Int>::digits10 + 1) {
        return value(Int{0});
    }
    const int128 r = round_unscaled(v, -places, mode::round) * pow10_int<int128>(-places);
    return value(static_cast<Int>(r));
}

template <mode M>
result<value> double_fn(std::span<const value> a, const sql_type&) {
    return value(M == mode::floor ? std::floor(a[0].as_double()) : std::ceil(a[0].as_double()));
}

std::unique_ptr<bound_function> bind_int_identity(const sql_type& t) {
    return make_simple(t, &identity);
}

// The functions of ROUND or TRUNC by argument type.
struct rounding_fns {
    call_fn int_places;     // (INTEGER, places); nullptr: no such overload
    call_fn bigint_places;  // (BIGINT, places)
    call_fn dbl;            // (DOUBLE) -> BIGINT
    call_fn dbl_places;     // (DOUBLE, places) -> DOUBLE
    call_fn dec;            // (DECIMAL[, places])
};

// Round.java's and Trunc.java's types: INTEGER and BIGINT give a BIGINT
// (with places, their own type), DOUBLE a BIGINT (with places, a DOUBLE),
// DECIMAL(p, s) a DECIMAL(p - s, 0) (with places, DECIMAL(p, s)). Here
// DECIMAL(p - s, 0) has at least 1 digit (ksqlDB rejects DECIMAL(0, 0)); a
// carry (9.5 -> 10) can exceed that precision, as in ksqlDB.
binder rounding_binder(rounding_fns f) {
    return [f](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
        if (t.empty() || t.size() > 2 || (t.size() == 2 && !is(t[1], type_kind::integer))) {
            return no_match();
        }
        const bool places = t.size() == 2;
        switch (t[0].kind) {
            case type_kind::integer:
            case type_kind::bigint: {
                const bool is_int = t[0].kind == type_kind::integer;
                if (places) {
                    call_fn g = is_int ? f.int_places : f.bigint_places;
                    return g == nullptr ? result<std::unique_ptr<bound_function>>(no_match())
                                        : make_simple(t[0], g);
                }
                return is_int ? make_simple(sql_type::bigint(), &int_to_bigint)
                              : bind_int_identity(t[0]);
            }
            case type_kind::double_:
                return places ? make_simple(sql_type::double_(), f.dbl_places)
                              : make_simple(sql_type::bigint(), f.dbl);
            case type_kind::decimal: {
                const int32_t p = t[0].precision, s = t[0].scale;
                const sql_type ret = places ? t[0] : sql_type::decimal(std::max(p - s, 1), 0);
                return make_simple(ret, f.dec);
            }
            default:
                return no_match();
        }
    };
}

}  // namespace

void register_math_functions(registry& r) {
    r.add("ABS", {"ABS(INTEGER)", "ABS(BIGINT)", "ABS(DOUBLE)", "ABS(DECIMAL)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1) {
                  return no_match();
              }
              switch (t[0].kind) {
                  case type_kind::integer:
                      return make_simple(t[0], &abs_int);
                  case type_kind::bigint:
                      return make_simple(t[0], &abs_bigint);
                  case type_kind::double_:
                      return make_simple(t[0], &abs_double);
                  case type_kind::decimal:
                      return make_simple(t[0], &abs_decimal);
                  default:
                      return no_match();
              }
          });
    r.add("ROUND",
          {"ROUND(INTEGER)", "ROUND(BIGINT)", "ROUND(DOUBLE) -> BIGINT", "ROUND(DECIMAL)",
           "ROUND(INTEGER, INTEGER)", "ROUND(BIGINT, INTEGER)", "ROUND(DOUBLE, INTEGER)",
           "ROUND(DECIMAL, INTEGER)"},
          rounding_binder({&round_int_places<int32_t>, &round_int_places<int64_t>, &round_double,
                           &round_double_places, &decimal_fn<mode::round>}));
    r.add("TRUNC",
          {"TRUNC(INTEGER) -> BIGINT", "TRUNC(BIGINT)", "TRUNC(DOUBLE) -> BIGINT",
           "TRUNC(DOUBLE, INTEGER) -> DOUBLE", "TRUNC(DECIMAL)", "TRUNC(DECIMAL, INTEGER)"},
          rounding_binder(
              {nullptr, nullptr, &trunc_double, &trunc_double_places, &decimal_fn<mode::trunc>}));
    auto floor_ceil = [&r](const char* name, call_fn dbl, call_fn dec) {
        r.add(name,
              {std::string(name) + "(INTEGER)", std::string(name) + "(BIGINT)",
               std::string(name) + "(DOUBLE)", std::string(name) + "(DECIMAL)"},
              [dbl, dec](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (t.size() != 1) {
                      return no_match();
                  }
                  switch (t[0].kind) {
                      case type_kind::integer:
                      case type_kind::bigint:
                          return bind_int_identity(t[0]);
                      case type_kind::double_:
                          return make_simple(t[0], dbl);
                      case type_kind::decimal:
                          // Floor.java / Ceil.java: the input's precision and
                          // scale (FLOOR(12.35) is 12.00).
                          return make_simple(t[0], dec);
                      default:
                          return no_match();
                  }
              });
    };
    floor_ceil("FLOOR", &double_fn<mode::floor>, &decimal_fn<mode::floor>);
    floor_ceil("CEIL", &double_fn<mode::ceil>, &decimal_fn<mode::ceil>);
}

}  // namespace cs::streams::fn
