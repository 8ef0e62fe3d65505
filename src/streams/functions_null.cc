// NULL handling functions: COALESCE, IFNULL, NULLIF. Arguments of different
// numeric types are widened to their common type (fn::common_type).

#include "streams/cast.h"
#include "streams/function_support.h"

namespace cs::streams::fn {

namespace {

// Returns the first non-NULL argument, converted to the common type.
class coalesce_function final : public bound_function {
  public:
    coalesce_function(sql_type ret, std::vector<sql_type> args)
        : ret_(std::move(ret)), args_(std::move(args)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> args) const override {
        for (size_t i = 0; i < args.size(); ++i) {
            if (!args[i].is_null()) {
                return args_[i] == ret_ ? args[i] : cast_value(args[i], args_[i], ret_);
            }
        }
        return value();
    }

  private:
    sql_type ret_;
    std::vector<sql_type> args_;
};

// NULLIF(a, b): NULL when a equals b, else a.
class nullif_function final : public bound_function {
  public:
    explicit nullif_function(std::vector<sql_type> args) : args_(std::move(args)) {}
    const sql_type& return_type() const override { return args_[0]; }
    result<value> call(std::span<const value> args) const override {
        if (args[0].is_null() || args[1].is_null()) {
            return args[0];
        }
        if (args_[0] == args_[1]) {
            return args[0] == args[1] ? value() : args[0];
        }
        // Different numeric types: compare in the common type.
        auto common = common_type(args_[0], args_[1]);
        auto a = cast_value(args[0], args_[0], *common);
        auto b = cast_value(args[1], args_[1], *common);
        if (!a || !b) {
            return args[0];
        }
        return *a == *b ? value() : args[0];
    }

  private:
    std::vector<sql_type> args_;
};

result<std::unique_ptr<bound_function>> bind_coalesce(std::span<const sql_type> t) {
    if (t.empty()) {
        return no_match();
    }
    sql_type ret = t[0];
    for (size_t i = 1; i < t.size(); ++i) {
        auto c = common_type(ret, t[i]);
        if (!c) {
            return c.take_error();
        }
        ret = std::move(*c);
    }
    return std::unique_ptr<bound_function>(std::make_unique<coalesce_function>(
        std::move(ret), std::vector<sql_type>(t.begin(), t.end())));
}

}  // namespace

void register_null_functions(registry& r) {
    r.add("COALESCE", {"COALESCE(T, T, ...)"}, &bind_coalesce);
    r.add("IFNULL", {"IFNULL(T, T)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2) {
                  return no_match();
              }
              return bind_coalesce(t);
          });
    r.add("NULLIF", {"NULLIF(T, T)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2) {
                  return no_match();
              }
              auto c = common_type(t[0], t[1]);
              if (!c) {
                  return c.take_error();
              }
              return std::unique_ptr<bound_function>(
                  std::make_unique<nullif_function>(std::vector<sql_type>(t.begin(), t.end())));
          });
}

}  // namespace cs::streams::fn
