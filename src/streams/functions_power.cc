// SQRT, POWER, EXP, LN and SIGN, as ksqlDB's (Sqrt.java, Power.java,
// Exp.java, Ln.java, Sign.java): DOUBLE results from any number, with
// Java's Math semantics (SQRT(-1) is NaN, LN(0) is -Infinity); SIGN is an
// INTEGER -1, 0 or 1.

#include <algorithm>
#include <cmath>

#include "streams/function_support.h"
#include "streams/operators.h"

namespace cs::streams::fn {

namespace {

bool numeric(std::span<const sql_type> t) {
    return std::all_of(t.begin(), t.end(), [](const sql_type& x) { return x.is_numeric(); });
}

// A function of DOUBLEs over whatever numbers it is given.
template <double (*F)(double)>
class unary_double final : public bound_function {
  public:
    explicit unary_double(sql_type arg) : arg_(std::move(arg)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value();
        }
        return value(F(to_double(a[0], arg_)));
    }

  private:
    sql_type arg_;
    sql_type ret_ = sql_type::double_();
};

double sqrt_of(double x) {
    return std::sqrt(x);
}
double exp_of(double x) {
    return std::exp(x);
}
double ln_of(double x) {
    return std::log(x);
}

class power_function final : public bound_function {
  public:
    power_function(sql_type base, sql_type exponent)
        : base_(std::move(base)), exponent_(std::move(exponent)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null() || a[1].is_null()) {
            return value();
        }
        return value(std::pow(to_double(a[0], base_), to_double(a[1], exponent_)));
    }

  private:
    sql_type base_, exponent_;
    sql_type ret_ = sql_type::double_();
};

class sign_function final : public bound_function {
  public:
    explicit sign_function(sql_type arg) : arg_(std::move(arg)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value();
        }
        const double d = to_double(a[0], arg_);
        return value(int32_t{d > 0 ? 1 : (d < 0 ? -1 : 0)});
    }

  private:
    sql_type arg_;
    sql_type ret_ = sql_type::integer();
};

template <double (*F)(double)>
void add_unary(registry& r, const char* name) {
    r.add(name, {std::string(name) + "(INTEGER | BIGINT | DECIMAL | DOUBLE) -> DOUBLE"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !numeric(t)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new unary_double<F>(t[0]));
          });
}

}  // namespace

void register_power_functions(registry& r) {
    add_unary<&sqrt_of>(r, "SQRT");
    add_unary<&exp_of>(r, "EXP");
    add_unary<&ln_of>(r, "LN");
    r.add("POWER", {"POWER(number base, number exponent) -> DOUBLE"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !numeric(t)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new power_function(t[0], t[1]));
          });
    r.add("SIGN", {"SIGN(INTEGER | BIGINT | DECIMAL | DOUBLE) -> INTEGER"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !numeric(t)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new sign_function(t[0]));
          });
}

}  // namespace cs::streams::fn
