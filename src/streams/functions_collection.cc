// Functions over arrays and maps, and GREATEST/LEAST over their arguments,
// as ksqlDB's (ArrayLength, ArrayContains, ArrayJoin, MapKeys, MapValues,
// Greatest, Least): ARRAY_LENGTH and MAP_* of NULL are NULL,
// ARRAY_CONTAINS of NULL is false, ARRAY_JOIN writes a NULL element as
// "null" with ',' unless told, GREATEST/LEAST skip NULLs (NULL only when
// every argument is).

#include "streams/cast.h"
#include "streams/function_support.h"
#include "streams/operators.h"

namespace cs::streams::fn {

namespace {

bool scalar(const sql_type& t) {
    return t.kind != type_kind::array && t.kind != type_kind::map && t.kind != type_kind::struct_;
}

result<value> array_length(std::span<const value> a, const sql_type&) {
    return value(static_cast<int32_t>(a[0].as_array().size()));
}

class array_contains final : public bound_function {
  public:
    array_contains(sql_type element, sql_type search)
        : element_(std::move(element)), search_(std::move(search)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value(false);
        }
        for (const value& e : a[0].as_array()) {
            if (e.is_null() || a[1].is_null()) {
                if (e.is_null() && a[1].is_null()) {
                    return value(true);
                }
                continue;
            }
            if (!scalar(element_)) {
                if (e == a[1]) {
                    return value(true);
                }
                continue;
            }
            auto c = compare_values(e, element_, a[1], search_);
            if (c && *c == 0) {
                return value(true);
            }
        }
        return value(false);
    }

  private:
    sql_type element_, search_;
    sql_type ret_ = sql_type::boolean();
};

class array_join final : public bound_function {
  public:
    explicit array_join(sql_type element) : element_(std::move(element)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value();
        }
        std::string delimiter = ",";
        if (a.size() > 1) {
            delimiter = a[1].is_null() ? "" : a[1].as_string();
        }
        std::string out;
        bool first = true;
        for (const value& e : a[0].as_array()) {
            if (!first) {
                out += delimiter;
            }
            first = false;
            if (e.is_null()) {
                out += "null";
                continue;
            }
            auto text = cast_value(e, element_, sql_type::string());
            if (!text) {
                return text.take_error();
            }
            out += text->as_string();
        }
        return value(std::move(out));
    }

  private:
    sql_type element_;
    sql_type ret_ = sql_type::string();
};

result<value> map_keys(std::span<const value> a, const sql_type&) {
    value_list keys;
    for (const auto& [k, v] : a[0].as_map()) {
        keys.emplace_back(k);
    }
    return value::array(std::move(keys));
}

result<value> map_values(std::span<const value> a, const sql_type&) {
    value_list values;
    for (const auto& [k, v] : a[0].as_map()) {
        values.push_back(v);
    }
    return value::array(std::move(values));
}

// GREATEST (want > 0) or LEAST (want < 0) of the non-NULL arguments, each
// widened to the common type first.
class extreme final : public bound_function {
  public:
    extreme(int want, sql_type ret, std::vector<sql_type> args)
        : want_(want), ret_(std::move(ret)), args_(std::move(args)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        value best;
        for (size_t i = 0; i < a.size(); ++i) {
            if (a[i].is_null()) {
                continue;
            }
            value v = a[i];
            if (!(args_[i] == ret_)) {
                auto w = cast_value(a[i], args_[i], ret_);
                if (!w) {
                    return w.take_error();
                }
                v = std::move(*w);
            }
            if (best.is_null()) {
                best = std::move(v);
                continue;
            }
            auto c = compare_values(v, ret_, best, ret_);
            if (!c) {
                return c.take_error();
            }
            if (*c * want_ > 0) {
                best = std::move(v);
            }
        }
        return best;
    }

  private:
    int want_;
    sql_type ret_;
    std::vector<sql_type> args_;
};

void add_extreme(registry& r, const char* name, int want) {
    r.add(name, {std::string(name) + "(T, T, ...)"},
          [want](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty()) {
                  return no_match();
              }
              sql_type common = t[0];
              for (const auto& x : t.subspan(1)) {
                  auto c = fn::common_type(common, x);
                  if (!c) {
                      return c.take_error();
                  }
                  common = *c;
              }
              if (!scalar(common) || common.kind == type_kind::boolean ||
                  !comparable(common, common)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(
                  new extreme(want, common, std::vector<sql_type>(t.begin(), t.end())));
          });
}

}  // namespace

void register_collection_functions(registry& r) {
    r.add("ARRAY_LENGTH", {"ARRAY_LENGTH(ARRAY) -> INTEGER"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !is(t[0], type_kind::array)) {
                  return no_match();
              }
              return make_simple(sql_type::integer(), &array_length);
          });
    r.add("ARRAY_CONTAINS", {"ARRAY_CONTAINS(ARRAY<T>, T) -> BOOLEAN"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::array)) {
                  return no_match();
              }
              const sql_type& element = t[0].children[0];
              bool ok = scalar(element) ? comparable(element, t[1]) : element == t[1];
              if (!ok) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new array_contains(element, t[1]));
          });
    r.add("ARRAY_JOIN",
          {"ARRAY_JOIN(ARRAY<primitive>) -> STRING", "ARRAY_JOIN(ARRAY<primitive>, STRING)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || t.size() > 2 || !is(t[0], type_kind::array) ||
                  !scalar(t[0].children[0]) || (t.size() == 2 && !is(t[1], type_kind::string))) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new array_join(t[0].children[0]));
          });
    r.add("MAP_KEYS", {"MAP_KEYS(MAP) -> ARRAY<STRING>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !is(t[0], type_kind::map)) {
                  return no_match();
              }
              return make_simple(sql_type::array(sql_type::string()), &map_keys);
          });
    r.add("MAP_VALUES", {"MAP_VALUES(MAP<STRING, V>) -> ARRAY<V>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !is(t[0], type_kind::map)) {
                  return no_match();
              }
              return make_simple(sql_type::array(t[0].children[0]), &map_values);
          });
    add_extreme(r, "GREATEST", 1);
    add_extreme(r, "LEAST", -1);
}

}  // namespace cs::streams::fn
