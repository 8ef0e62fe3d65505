// Array and map functions as ksqlDB's UDFs define them (ArrayConcat,
// ArrayDistinct, ArrayExcept, ArrayIntersect, ArrayUnion, ArrayMax, ArrayMin,
// ArrayRemove, ArraySort, Slice, Entries, GenerateSeries, AsMap, MapUnion):
//   - set-like functions keep the first occurrence and the left array's
//     order, treat NULL as a value, and are NULL when an input array is
//     (ARRAY_CONCAT only when both are);
//   - ARRAY_MAX/MIN skip NULL elements (NULL for an empty array); ARRAY_SORT
//     puts NULLs last in both directions and is NULL for a direction other
//     than ASC[ENDING]/DESC[ENDING];
//   - SLICE is 1-based and inclusive, NULL when out of range, an error when
//     the start is past the end;
//   - GENERATE_SERIES fails the record for a zero step or one pointing away
//     from the end (ksqlDB's KsqlFunctionException).
// Elements compare as values of the element type (numbers as numbers,
// strings by code point, false < true).

#include <algorithm>

#include <fmt/format.h>

#include "base/ascii.h"
#include "streams/cast.h"
#include "streams/function_support.h"
#include "streams/operators.h"

namespace cs::streams::fn {

namespace {

bool contains(const value_list& list, const value& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

value_list distinct(const value_list& in) {
    value_list out;
    for (const value& v : in) {
        if (!contains(out, v)) {
            out.push_back(v);
        }
    }
    return out;
}

result<value> array_concat(std::span<const value> a, const sql_type&) {
    if (a[0].is_null() && a[1].is_null()) {
        return value();
    }
    value_list out;
    for (const value& side : a) {
        if (!side.is_null()) {
            const auto& l = side.as_array();
            out.insert(out.end(), l.begin(), l.end());
        }
    }
    return value::array(std::move(out));
}

result<value> array_distinct(std::span<const value> a, const sql_type&) {
    return value::array(distinct(a[0].as_array()));
}

result<value> array_except(std::span<const value> a, const sql_type&) {
    value_list out;
    for (const value& v : distinct(a[0].as_array())) {
        if (!contains(a[1].as_array(), v)) {
            out.push_back(v);
        }
    }
    return value::array(std::move(out));
}

result<value> array_intersect(std::span<const value> a, const sql_type&) {
    value_list out;
    for (const value& v : distinct(a[0].as_array())) {
        if (contains(a[1].as_array(), v)) {
            out.push_back(v);
        }
    }
    return value::array(std::move(out));
}

result<value> array_union(std::span<const value> a, const sql_type&) {
    value_list both = a[0].as_array();
    const auto& r = a[1].as_array();
    both.insert(both.end(), r.begin(), r.end());
    return value::array(distinct(both));
}

// ARRAY_MAX (want > 0) / ARRAY_MIN (want < 0).
class array_extreme final : public bound_function {
  public:
    array_extreme(int want, sql_type element) : want_(want), ret_(std::move(element)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value();
        }
        const value* best = nullptr;
        for (const value& v : a[0].as_array()) {
            if (v.is_null()) {
                continue;
            }
            if (best == nullptr) {
                best = &v;
                continue;
            }
            auto c = compare_values(v, ret_, *best, ret_);
            if (!c) {
                return c.take_error();
            }
            if (*c * want_ > 0) {
                best = &v;
            }
        }
        return best == nullptr ? value() : *best;
    }

  private:
    int want_;
    sql_type ret_;
};

class array_sort final : public bound_function {
  public:
    explicit array_sort(sql_type array) : ret_(std::move(array)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value();
        }
        int dir = 1;
        if (a.size() > 1) {
            if (a[1].is_null()) {
                return value();
            }
            const std::string d = ascii_upper(a[1].as_string());
            if (d == "DESC" || d == "DESCENDING") {
                dir = -1;
            } else if (d != "ASC" && d != "ASCENDING") {
                return value();
            }
        }
        value_list out = a[0].as_array();
        const sql_type& e = ret_.children[0];
        std::stable_sort(out.begin(), out.end(), [&](const value& x, const value& y) {
            if (x.is_null() || y.is_null()) {
                return !x.is_null() && y.is_null();  // NULLs last
            }
            auto c = compare_values(x, e, y, e);
            return c && *c * dir < 0;
        });
        return value::array(std::move(out));
    }

  private:
    sql_type ret_;
};

result<value> array_remove(std::span<const value> a, const sql_type&) {
    if (a[0].is_null()) {
        return value();
    }
    value_list out;
    for (const value& v : a[0].as_array()) {
        if (!(v == a[1])) {
            out.push_back(v);
        }
    }
    return value::array(std::move(out));
}

result<value> slice(std::span<const value> a, const sql_type&) {
    if (a[0].is_null()) {
        return value();
    }
    const auto& in = a[0].as_array();
    int64_t from = a[1].is_null() ? 0 : int64_t{a[1].as_int()} - 1;
    int64_t to = a[2].is_null() ? static_cast<int64_t>(in.size()) : a[2].as_int();
    if (from < 0 || to > static_cast<int64_t>(in.size())) {
        return value();
    }
    if (from > to) {  // Java's subList throws here, and ksqlDB lets it
        return error{errc::invalid_argument,
                     fmt::format("SLICE: start {} is after end {}", from + 1, to)};
    }
    return value::array(value_list(in.begin() + from, in.begin() + to));
}

class entries final : public bound_function {
  public:
    explicit entries(sql_type ret) : ret_(std::move(ret)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null() || a[1].is_null()) {
            return value();
        }
        value_map m = a[0].as_map();
        if (a[1].as_bool()) {
            std::stable_sort(m.begin(), m.end(),
                             [](const auto& x, const auto& y) { return x.first < y.first; });
        }
        value_list out;
        for (auto& [k, v] : m) {
            out.push_back(value::struct_(value_struct{{value(k), std::move(v)}}));
        }
        return value::array(std::move(out));
    }

  private:
    sql_type ret_;
};

// INTEGER arguments give ARRAY<INTEGER>; any BIGINT makes it ARRAY<BIGINT>.
class generate_series final : public bound_function {
  public:
    explicit generate_series(std::vector<sql_type> args)
        : args_(std::move(args)),
          wide_(std::any_of(args_.begin(), args_.end(),
                            [](const sql_type& t) { return is(t, type_kind::bigint); })),
          ret_(sql_type::array(wide_ ? sql_type::bigint() : sql_type::integer())) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        for (const value& v : a) {
            if (v.is_null()) {
                return value();
            }
        }
        int64_t start = int_arg(a[0], args_[0]);
        int64_t end = int_arg(a[1], args_[1]);
        int64_t step = a.size() > 2 ? int_arg(a[2], args_[2]) : (end - start > 0 ? 1 : -1);
        if (step == 0) {
            return error{errc::invalid_argument, "GENERATE_SERIES step cannot be zero"};
        }
        int64_t diff = end - start;
        if ((diff > 0 && step < 0) || (diff < 0 && step > 0)) {
            return error{errc::invalid_argument, "GENERATE_SERIES step has wrong sign"};
        }
        uint64_t size = 1 + static_cast<uint64_t>(diff / step);
        constexpr uint64_t max_size = 1'000'000;
        if (size > max_size) {
            return error{
                errc::invalid_argument,
                fmt::format("GENERATE_SERIES would make {} elements (at most {})", size, max_size)};
        }
        value_list out;
        out.reserve(size);
        for (uint64_t i = 0; i < size; ++i) {
            int64_t v = start + static_cast<int64_t>(i) * step;
            out.push_back(wide_ ? value(v) : value(static_cast<int32_t>(v)));
        }
        return value::array(std::move(out));
    }

  private:
    std::vector<sql_type> args_;
    bool wide_;
    sql_type ret_;
};

result<value> as_map(std::span<const value> a, const sql_type&) {
    const auto& keys = a[0].as_array();
    const auto& values = a[1].as_array();
    value_map out;
    for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].is_null()) {
            continue;  // a MAP key is never NULL
        }
        map_put(out, keys[i].as_string(), i < values.size() ? values[i] : value());
    }
    return value::map(std::move(out));
}

result<value> map_union(std::span<const value> a, const sql_type&) {
    if (a[0].is_null() && a[1].is_null()) {
        return value();
    }
    value_map out = a[0].is_null() ? value_map{} : a[0].as_map();
    if (!a[1].is_null()) {
        for (const auto& [k, v] : a[1].as_map()) {
            map_put(out, k, v);
        }
    }
    return value::map(std::move(out));
}

bool orderable(const sql_type& t) {
    return t.kind != type_kind::array && t.kind != type_kind::map && t.kind != type_kind::struct_ &&
           t.kind != type_kind::bytes && comparable(t, t);
}

// Registers NAME(ARRAY<T>, ARRAY<T>) -> ARRAY<T>.
void add_pair(registry& r, const char* name, call_fn f, bool null_propagates) {
    r.add(name, {fmt::format("{}(ARRAY<T>, ARRAY<T>) -> ARRAY<T>", name)},
          [f, null_propagates](
              std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::array) || !(t[0] == t[1])) {
                  return no_match();
              }
              return make_simple(t[0], f, null_propagates);
          });
}

}  // namespace

void register_array_functions(registry& r) {
    add_pair(r, "ARRAY_CONCAT", &array_concat, false);
    add_pair(r, "ARRAY_EXCEPT", &array_except, true);
    add_pair(r, "ARRAY_INTERSECT", &array_intersect, true);
    add_pair(r, "ARRAY_UNION", &array_union, true);
    r.add("ARRAY_DISTINCT", {"ARRAY_DISTINCT(ARRAY<T>) -> ARRAY<T>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !is(t[0], type_kind::array)) {
                  return no_match();
              }
              return make_simple(t[0], &array_distinct);
          });
    for (auto [name, want] : {std::pair{"ARRAY_MAX", 1}, std::pair{"ARRAY_MIN", -1}}) {
        r.add(
            name, {fmt::format("{}(ARRAY<primitive>) -> primitive", name)},
            [want](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                if (t.size() != 1 || !is(t[0], type_kind::array) || !orderable(t[0].children[0])) {
                    return no_match();
                }
                return std::unique_ptr<bound_function>(new array_extreme(want, t[0].children[0]));
            });
    }
    r.add("ARRAY_SORT",
          {"ARRAY_SORT(ARRAY<primitive>) -> ARRAY", "ARRAY_SORT(ARRAY<primitive>, STRING)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || t.size() > 2 || !is(t[0], type_kind::array) ||
                  !orderable(t[0].children[0]) || (t.size() == 2 && !is(t[1], type_kind::string))) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new array_sort(t[0]));
          });
    r.add("ARRAY_REMOVE", {"ARRAY_REMOVE(ARRAY<T>, T) -> ARRAY<T>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::array) || !(t[0].children[0] == t[1])) {
                  return no_match();
              }
              return make_simple(t[0], &array_remove, false);
          });
    r.add("SLICE", {"SLICE(ARRAY<T>, INTEGER, INTEGER) -> ARRAY<T>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !is(t[0], type_kind::array) || !is(t[1], type_kind::integer) ||
                  !is(t[2], type_kind::integer)) {
                  return no_match();
              }
              return make_simple(t[0], &slice, false);
          });
    r.add(
        "ENTRIES",
        {"ENTRIES(MAP<STRING, INTEGER|BIGINT|DOUBLE|BOOLEAN|STRING>, BOOLEAN) -> ARRAY<STRUCT<K, "
         "V>>"},
        [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
            // ksqlDB has ENTRIES for these value types only.
            static constexpr type_kind values[] = {type_kind::integer, type_kind::bigint,
                                                   type_kind::double_, type_kind::boolean,
                                                   type_kind::string};
            if (t.size() != 2 || !is(t[0], type_kind::map) || !is(t[1], type_kind::boolean) ||
                std::find(std::begin(values), std::end(values), t[0].children[0].kind) ==
                    std::end(values)) {
                return no_match();
            }
            sql_type entry = sql_type::struct_({"K", "V"}, {sql_type::string(), t[0].children[0]});
            return std::unique_ptr<bound_function>(new entries(sql_type::array(entry)));
        });
    r.add("GENERATE_SERIES",
          {"GENERATE_SERIES(INTEGER, INTEGER[, INTEGER]) -> ARRAY<INTEGER>",
           "GENERATE_SERIES(BIGINT, BIGINT[, BIGINT]) -> ARRAY<BIGINT>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() < 2 || t.size() > 3) {
                  return no_match();
              }
              if (!std::all_of(t.begin(), t.end(), is_integral)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(
                  new generate_series(std::vector<sql_type>(t.begin(), t.end())));
          });
    r.add("AS_MAP", {"AS_MAP(ARRAY<STRING>, ARRAY<V>) -> MAP<STRING, V>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::array) || !is(t[1], type_kind::array) ||
                  !is(t[0].children[0], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::map(t[1].children[0]), &as_map);
          });
    r.add("MAP_UNION", {"MAP_UNION(MAP<STRING, V>, MAP<STRING, V>) -> MAP<STRING, V>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::map) || !(t[0] == t[1])) {
                  return no_match();
              }
              return make_simple(t[0], &map_union, false);
          });
}

}  // namespace cs::streams::fn
