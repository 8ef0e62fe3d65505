#include "streams/operators.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "streams/decimal.h"
#include "streams/iso_timestamp.h"
#include "streams/sql_time_types.h"
#include "streams/value_text.h"

namespace cs::streams {

namespace {

int rank(type_kind k) {
    switch (k) {
        case type_kind::integer:
            return 0;
        case type_kind::bigint:
            return 1;
        case type_kind::decimal:
            return 2;
        case type_kind::double_:
            return 3;
        default:
            return -1;
    }
}

// An integral operand as a DECIMAL type (ksqlDB: INT is DECIMAL(10, 0),
// BIGINT is DECIMAL(19, 0)).
sql_type as_decimal_type(const sql_type& t) {
    if (t.kind == type_kind::integer) {
        return sql_type::decimal(10, 0);
    }
    if (t.kind == type_kind::bigint) {
        return sql_type::decimal(19, 0);
    }
    return t;
}

decimal_value to_decimal(const value& v, const sql_type& t) {
    switch (t.kind) {
        case type_kind::integer:
            return {v.as_int(), 0};
        case type_kind::bigint:
            return {v.as_bigint(), 0};
        default:
            return v.as_decimal();
    }
}

int64_t to_bigint(const value& v, const sql_type& t) {
    return t.kind == type_kind::integer ? v.as_int() : v.as_bigint();
}

template <class Int>
result<Int> integer_op(arith_op op, Int a, Int b) {
    using U = std::make_unsigned_t<Int>;
    // Java integer arithmetic wraps; do it in unsigned to avoid C++ UB.
    switch (op) {
        case arith_op::add:
            return static_cast<Int>(static_cast<U>(a) + static_cast<U>(b));
        case arith_op::sub:
            return static_cast<Int>(static_cast<U>(a) - static_cast<U>(b));
        case arith_op::mul:
            return static_cast<Int>(static_cast<U>(a) * static_cast<U>(b));
        case arith_op::div:
        case arith_op::mod:
            if (b == 0) {
                return error{errc::invalid_argument,
                             fmt::format("Division by zero: {} {} 0", a, arith_op_symbol(op))};
            }
            if (b == -1) {  // MIN / -1 overflows in C++; Java wraps to MIN, and MIN % -1 is 0
                return op == arith_op::div ? static_cast<Int>(U{0} - static_cast<U>(a)) : Int{0};
            }
            return op == arith_op::div ? static_cast<Int>(a / b) : static_cast<Int>(a % b);
    }
    return Int{0};
}

error overflow(const decimal_value& a, arith_op op, const decimal_value& b, const sql_type& t) {
    return error{errc::invalid_argument,
                 fmt::format("Numeric field overflow: {} {} {} does not fit {}", decimal_text(a),
                             arith_op_symbol(op), decimal_text(b), t.to_string())};
}

// a * 10^n with overflow detection.
bool scale_up(int128 a, int32_t n, int128& out) {
    if (n > decimal::max_precision) {
        return a == 0 ? (out = 0, true) : false;
    }
    return !__builtin_mul_overflow(a, decimal::pow10(n), &out);
}

// |a| / |b| to `extra` more fraction digits, HALF_UP; sign applied after.
bool divide_half_up(int128 a, int128 b, int32_t extra, int128& out) {
    using u128 = decimal::uint128;
    const bool negative = (a < 0) != (b < 0);
    const u128 ua = a < 0 ? u128(0) - static_cast<u128>(a) : static_cast<u128>(a);
    const u128 ub = b < 0 ? u128(0) - static_cast<u128>(b) : static_cast<u128>(b);
    // Long division one decimal digit at a time; the remainder times ten must
    // fit 128 bits, which holds for divisors below 2^124 (~2.1e37).
    if (ub >= (u128(1) << 124)) {
        return false;
    }
    u128 q = ua / ub;
    u128 r = ua % ub;
    const u128 limit = static_cast<u128>(decimal::pow10(decimal::max_precision));
    for (int32_t i = 0; i < extra; ++i) {
        r *= 10;
        q = q * 10 + r / ub;
        r %= ub;
        if (q >= limit) {
            return false;
        }
    }
    if (r * 2 >= ub) {
        ++q;
    }
    out = negative ? -static_cast<int128>(q) : static_cast<int128>(q);
    return true;
}

result<value> decimal_op(arith_op op, const decimal_value& a, const decimal_value& b,
                         const sql_type& t) {
    decimal_value exact;
    switch (op) {
        case arith_op::add:
        case arith_op::sub:
        case arith_op::mod: {
            const int32_t scale = std::max(a.scale, b.scale);
            int128 x = 0;
            int128 y = 0;
            if (!scale_up(a.unscaled, scale - a.scale, x) ||
                !scale_up(b.unscaled, scale - b.scale, y)) {
                return overflow(a, op, b, t);
            }
            if (op == arith_op::mod) {
                if (y == 0) {
                    return error{errc::invalid_argument,
                                 fmt::format("Division by zero: {} % 0", decimal_text(a))};
                }
                exact = {x % y, scale};
            } else if (__builtin_add_overflow(x, op == arith_op::sub ? -y : y, &exact.unscaled)) {
                return overflow(a, op, b, t);
            }
            exact.scale = scale;
            break;
        }
        case arith_op::mul:
            if (__builtin_mul_overflow(a.unscaled, b.unscaled, &exact.unscaled)) {
                return overflow(a, op, b, t);
            }
            exact.scale = a.scale + b.scale;
            break;
        case arith_op::div: {
            if (b.unscaled == 0) {
                return error{errc::invalid_argument,
                             fmt::format("Division by zero: {} / 0", decimal_text(a))};
            }
            // a/b = (ua / ub) * 10^(b.scale - a.scale); want t.scale fraction digits.
            const int32_t extra = t.scale - a.scale + b.scale;
            int128 x = a.unscaled;
            int128 y = b.unscaled;
            int32_t digits = extra;
            if (extra < 0) {
                if (!scale_up(y, -extra, y)) {
                    return overflow(a, op, b, t);
                }
                digits = 0;
            }
            int128 q = 0;
            if (!divide_half_up(x, y, digits, q)) {
                return overflow(a, op, b, t);
            }
            exact = {q, t.scale};
            break;
        }
    }
    auto r = decimal::rescale(exact, t.scale, t.precision);
    if (!r) {
        return overflow(a, op, b, t);
    }
    return value(*r);
}

template <class T>
int three_way(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

double to_double(const value& v, const sql_type& t) {
    switch (t.kind) {
        case type_kind::integer:
            return v.as_int();
        case type_kind::bigint:
            return static_cast<double>(v.as_bigint());
        case type_kind::decimal:
            return decimal::to_double(v.as_decimal());
        default:
            return v.as_double();
    }
}

const char* arith_op_symbol(arith_op op) {
    switch (op) {
        case arith_op::add:
            return "+";
        case arith_op::sub:
            return "-";
        case arith_op::mul:
            return "*";
        case arith_op::div:
            return "/";
        case arith_op::mod:
            return "%";
    }
    return "?";
}

std::optional<sql_type> common_type(const sql_type& a, const sql_type& b) {
    if (a == b) {
        return a;
    }
    if (!a.is_numeric() || !b.is_numeric()) {
        return std::nullopt;
    }
    if (a.kind == type_kind::double_ || b.kind == type_kind::double_) {
        return sql_type::double_();
    }
    if (a.kind == type_kind::decimal || b.kind == type_kind::decimal) {
        const sql_type x = as_decimal_type(a);
        const sql_type y = as_decimal_type(b);
        const int32_t scale = std::max(x.scale, y.scale);
        const int32_t int_digits = std::max(x.precision - x.scale, y.precision - y.scale);
        return sql_type::decimal(std::min(38, int_digits + scale), scale);
    }
    return rank(a.kind) > rank(b.kind) ? a : b;
}

result<sql_type> arithmetic_type(arith_op op, const sql_type& a, const sql_type& b) {
    if (op == arith_op::add && a.kind == type_kind::string && b.kind == type_kind::string) {
        return sql_type::string();
    }
    if (!a.is_numeric() || !b.is_numeric()) {
        return error{errc::invalid_argument,
                     fmt::format("Unsupported arithmetic types. {} {} {}", a.to_string(),
                                 arith_op_symbol(op), b.to_string())};
    }
    const int top = std::max(rank(a.kind), rank(b.kind));
    if (top == rank(type_kind::double_)) {
        return sql_type::double_();
    }
    if (top < rank(type_kind::decimal)) {
        return top == 0 ? sql_type::integer() : sql_type::bigint();
    }
    // ksqlDB's DecimalUtil rules (as in SQL Server / Hive).
    const sql_type l = as_decimal_type(a);
    const sql_type r = as_decimal_type(b);
    const int32_t p1 = l.precision, s1 = l.scale, p2 = r.precision, s2 = r.scale;
    int32_t precision = 0;
    int32_t scale = 0;
    switch (op) {
        case arith_op::add:
        case arith_op::sub:
            scale = std::max(s1, s2);
            precision = scale + std::max(p1 - s1, p2 - s2) + 1;
            break;
        case arith_op::mul:
            precision = p1 + p2 + 1;
            scale = s1 + s2;
            break;
        case arith_op::div:
            scale = std::max(6, s1 + p2 + 1);
            precision = p1 - s1 + s2 + scale;
            break;
        case arith_op::mod:
            scale = std::max(s1, s2);
            precision = std::min(p1 - s1, p2 - s2) + scale;
            break;
    }
    // DECIMAL holds at most 38 digits: cap precision, then scale.
    precision = std::min(precision, decimal::max_precision);
    scale = std::min(scale, precision);
    return sql_type::decimal(precision, scale);
}

result<value> arithmetic(arith_op op, const value& a, const sql_type& ta, const value& b,
                         const sql_type& tb, const sql_type& result_type) {
    if (a.is_null() || b.is_null()) {
        return value();
    }
    switch (result_type.kind) {
        case type_kind::string:
            return value(a.as_string() + b.as_string());
        case type_kind::integer: {
            auto r = integer_op<int32_t>(op, a.as_int(), b.as_int());
            if (!r) {
                return r.take_error();
            }
            return value(*r);
        }
        case type_kind::bigint: {
            auto r = integer_op<int64_t>(op, to_bigint(a, ta), to_bigint(b, tb));
            if (!r) {
                return r.take_error();
            }
            return value(*r);
        }
        case type_kind::double_: {
            const double x = to_double(a, ta);
            const double y = to_double(b, tb);
            switch (op) {
                case arith_op::add:
                    return value(x + y);
                case arith_op::sub:
                    return value(x - y);
                case arith_op::mul:
                    return value(x * y);
                case arith_op::div:
                    return value(x / y);  // IEEE, as Java: x/0.0 is ±Infinity or NaN
                case arith_op::mod:
                    return value(std::fmod(x, y));
            }
            break;
        }
        case type_kind::decimal:
            return decimal_op(op, to_decimal(a, ta), to_decimal(b, tb), result_type);
        default:
            break;
    }
    return error{errc::invalid_argument,
                 fmt::format("Unsupported arithmetic types. {} {} {}", ta.to_string(),
                             arith_op_symbol(op), tb.to_string())};
}

namespace {

bool is_temporal(type_kind k) {
    return k == type_kind::timestamp || k == type_kind::date || k == type_kind::time;
}

// ComparisonUtil: TIME with TIME, DATE and TIMESTAMP with each other, and
// any of them with a STRING (the text of a time, date or timestamp).
bool temporal_comparable(type_kind a, type_kind b) {
    if (a == type_kind::string) {
        std::swap(a, b);
    }
    if (a == type_kind::time) {
        return b == type_kind::time || b == type_kind::string;
    }
    return b == type_kind::string || b == type_kind::date || b == type_kind::timestamp;
}

// Both sides of a temporal comparison on one scale (SqlToJavaVisitor's
// visitTimeComparisonExpression): TIME if either is a TIME, else
// milliseconds if either is a TIMESTAMP, else days. A STRING is parsed as
// that scale's text.
result<int64_t> temporal_key(const value& v, const sql_type& t, type_kind scale) {
    switch (t.kind) {
        case type_kind::time:
            return int64_t{v.as_time().millis};
        case type_kind::date:
            return scale == type_kind::timestamp ? date_to_millis(v.as_date())
                                                 : int64_t{v.as_date().days};
        case type_kind::timestamp:
            return v.as_timestamp().millis;
        default:
            break;
    }
    const std::string& s = v.as_string();
    if (scale == type_kind::time) {
        auto r = parse_sql_time(s);
        if (!r) {
            return r.take_error();
        }
        return int64_t{r->millis};
    }
    if (scale == type_kind::date) {
        auto r = parse_sql_date(s);
        if (!r) {
            return r.take_error();
        }
        return int64_t{r->days};
    }
    return parse_iso_timestamp(s);
}

}  // namespace

bool comparable(const sql_type& a, const sql_type& b) {
    if (a.is_numeric() && b.is_numeric()) {
        return true;
    }
    if (is_temporal(a.kind) || is_temporal(b.kind)) {
        return temporal_comparable(a.kind, b.kind);
    }
    switch (a.kind) {
        case type_kind::string:
        case type_kind::boolean:
        case type_kind::bytes:
            return a.kind == b.kind;
        default:
            return false;
    }
}

result<int> compare_values(const value& a, const sql_type& ta, const value& b, const sql_type& tb) {
    if (!comparable(ta, tb)) {
        return error{errc::invalid_argument,
                     fmt::format("Cannot compare {} to {}", ta.to_string(), tb.to_string())};
    }
    if (a.is_null() || b.is_null()) {
        return error{errc::invalid_argument, "Cannot compare NULL values"};
    }
    if (ta.is_numeric()) {
        const int ra = rank(ta.kind);
        const int rb = rank(tb.kind);
        if (std::max(ra, rb) == rank(type_kind::double_)) {
            const double x = to_double(a, ta);
            const double y = to_double(b, tb);
            if (std::isnan(x) || std::isnan(y)) {
                // Java's Double.compare: NaN is greater than everything, equal to itself.
                return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
            }
            return three_way(x, y);
        }
        if (std::max(ra, rb) == rank(type_kind::decimal)) {
            return decimal::compare(to_decimal(a, ta), to_decimal(b, tb));
        }
        return three_way(to_bigint(a, ta), to_bigint(b, tb));
    }
    if (is_temporal(ta.kind) || is_temporal(tb.kind)) {
        const auto has = [&](type_kind k) { return ta.kind == k || tb.kind == k; };
        const type_kind scale = has(type_kind::time)        ? type_kind::time
                                : has(type_kind::timestamp) ? type_kind::timestamp
                                                            : type_kind::date;
        auto x = temporal_key(a, ta, scale);
        if (!x) {
            return x.take_error();
        }
        auto y = temporal_key(b, tb, scale);
        if (!y) {
            return y.take_error();
        }
        return three_way(*x, *y);
    }
    switch (ta.kind) {
        case type_kind::string: {
            const int c = a.as_string().compare(b.as_string());
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        case type_kind::boolean:
            return three_way(a.as_bool(), b.as_bool());
        case type_kind::bytes: {
            const int c = a.as_bytes().data.compare(b.as_bytes().data);
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        default:
            break;
    }
    return error{errc::invalid_argument,
                 fmt::format("Cannot compare {} to {}", ta.to_string(), tb.to_string())};
}

}  // namespace cs::streams
