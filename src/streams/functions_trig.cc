// Trigonometry and the other DOUBLE math functions of ksqlDB's udf/math:
// ACOS, ASIN, ATAN, ATAN2, COS, COSH, COT, SIN, SINH, TAN, TANH, DEGREES,
// RADIANS, CBRT, LOG, PI and RANDOM (Acos.java, ..., Random.java).
//   - Each takes INT, BIGINT or DOUBLE (a DECIMAL widens to DOUBLE) and
//     gives a DOUBLE with Java's Math semantics: ACOS(2) is NaN, COT(0) is
//     Infinity; NULL gives NULL.
//   - LOG(x) is the natural logarithm (Log.java calls Math.log, whatever its
//     description says); LOG(base, x) is ln(x) / ln(base), NaN for a base
//     <= 0 or 1.
//   - ATAN2(y, x) is the angle of the point (x, y).
//   - RANDOM() is uniform in [0.0, 1.0), a new number per call.

#include <cmath>
#include <numbers>
#include <random>

#include "streams/function_support.h"

namespace cs::streams::fn {

namespace {

double acos_of(double x) {
    return std::acos(x);
}
double asin_of(double x) {
    return std::asin(x);
}
double atan_of(double x) {
    return std::atan(x);
}
double cos_of(double x) {
    return std::cos(x);
}
double cosh_of(double x) {
    return std::cosh(x);
}
double cot_of(double x) {
    return 1 / std::tan(x);
}
double sin_of(double x) {
    return std::sin(x);
}
double sinh_of(double x) {
    return std::sinh(x);
}
double tan_of(double x) {
    return std::tan(x);
}
double tanh_of(double x) {
    return std::tanh(x);
}
// Java's Math.toDegrees / toRadians multiply by these constants.
double degrees_of(double x) {
    return x * 57.29577951308232;
}
double radians_of(double x) {
    return x * 0.017453292519943295;
}
// glibc's cbrt(27) is 3.0000000000000004 where Java's is 3.0: a whole
// cube root is given exactly.
double cbrt_of(double x) {
    const double r = std::cbrt(x);
    const double whole = std::nearbyint(r);
    return whole * whole * whole == x ? whole : r;
}
double ln_of(double x) {
    return std::log(x);
}

// A function of two numbers as DOUBLEs; NULL if either is NULL.
template <double (*F)(double, double)>
class binary_double final : public bound_function {
  public:
    binary_double(sql_type a, sql_type b) : a_(std::move(a)), b_(std::move(b)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null() || a[1].is_null()) {
            return value();
        }
        return value(F(to_double(a[0], a_), to_double(a[1], b_)));
    }

  private:
    sql_type a_, b_;
    sql_type ret_ = sql_type::double_();
};

double atan2_of(double y, double x) {
    return std::atan2(y, x);
}
double log_base(double base, double x) {
    if (base <= 0 || base == 1) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return std::log(x) / std::log(base);
}

result<value> pi(std::span<const value>, const sql_type&) {
    return value(std::numbers::pi);
}

result<value> random_double(std::span<const value>, const sql_type&) {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return value(std::uniform_real_distribution<double>(0.0, 1.0)(engine));
}

binder nullary(call_fn f) {
    return [f](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
        if (!t.empty()) {
            return no_match();
        }
        return make_simple(sql_type::double_(), f, false);
    };
}

}  // namespace

void register_trig_functions(registry& r) {
    add_unary<&acos_of>(r, "ACOS");
    add_unary<&asin_of>(r, "ASIN");
    add_unary<&atan_of>(r, "ATAN");
    add_unary<&cos_of>(r, "COS");
    add_unary<&cosh_of>(r, "COSH");
    add_unary<&cot_of>(r, "COT");
    add_unary<&sin_of>(r, "SIN");
    add_unary<&sinh_of>(r, "SINH");
    add_unary<&tan_of>(r, "TAN");
    add_unary<&tanh_of>(r, "TANH");
    add_unary<&degrees_of>(r, "DEGREES");
    add_unary<&radians_of>(r, "RADIANS");
    add_unary<&cbrt_of>(r, "CBRT");
    r.add("ATAN2", {"ATAN2(number y, number x) -> DOUBLE"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !numeric(t)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new binary_double<&atan2_of>(t[0], t[1]));
          });
    r.add("LOG",
          {"LOG(INTEGER | BIGINT | DECIMAL | DOUBLE) -> DOUBLE",
           "LOG(number base, number value) -> DOUBLE"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || t.size() > 2 || !numeric(t)) {
                  return no_match();
              }
              if (t.size() == 1) {
                  return std::unique_ptr<bound_function>(new unary_double<&ln_of>(t[0]));
              }
              return std::unique_ptr<bound_function>(new binary_double<&log_base>(t[0], t[1]));
          });
    r.add("PI", {"PI() -> DOUBLE"}, nullary(&pi));
    r.add("RANDOM", {"RANDOM() -> DOUBLE"}, nullary(&random_double));
}

}  // namespace cs::streams::fn
