// SQRT, POWER, EXP, LN, SIGN and GEO_DISTANCE, as ksqlDB's (Sqrt.java,
// Power.java, Exp.java, Ln.java, Sign.java, GeoDistance.java): DOUBLE results from any number, with
// Java's Math semantics (SQRT(-1) is NaN, LN(0) is -Infinity); SIGN is an
// INTEGER -1, 0 or 1.

#include <algorithm>
#include <cmath>

#include "base/ascii.h"
#include "streams/function_support.h"
#include "streams/operators.h"

namespace cs::streams::fn {

namespace {

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

// GeoDistance.java: the great-circle distance by the haversine formula,
// with an Earth radius of 6371 km or 3959 miles.
class geo_distance final : public bound_function {
  public:
    explicit geo_distance(std::vector<sql_type> args) : args_(std::move(args)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        for (size_t i = 0; i < 4; ++i) {
            if (a[i].is_null()) {
                return value();
            }
        }
        const double lat1 = to_double(a[0], args_[0]), lon1 = to_double(a[1], args_[1]);
        const double lat2 = to_double(a[2], args_[2]), lon2 = to_double(a[3], args_[3]);
        if (lat1 < -90 || lat2 < -90 || lat1 > 90 || lat2 > 90) {
            return error{errc::invalid_argument,
                         "valid latitude values for GeoDistance function are in the range of -90 "
                         "to 90 decimal degrees"};
        }
        if (lon1 < -180 || lon2 < -180 || lon1 > 180 || lon2 > 180) {
            return error{errc::invalid_argument,
                         "valid longitude values for GeoDistance function are in the range of "
                         "-180 to +180 decimal degrees"};
        }
        double radius = 6371;
        if (a.size() > 4 && !a[4].is_null()) {
            std::string unit = ascii_lower(a[4].as_string());
            unit.erase(0, unit.find_first_not_of(" \t\n\r"));
            unit.erase(unit.find_last_not_of(" \t\n\r") + 1);
            if (unit == "mi" || unit == "mile" || unit == "miles") {
                radius = 3959;
            } else if (!unit.empty() && unit != "km" && unit != "kilometer" &&
                       unit != "kilometers" && unit != "kilometre" && unit != "kilometres") {
                return error{errc::invalid_argument,
                             "GeoDistance function units parameter must be one of mi, mile, "
                             "miles, km, kilometer, kilometers, kilometre or kilometres"};
            }
        }
        constexpr double to_radians = 3.14159265358979323846 / 180;
        auto haversin = [](double x) { return std::pow(std::sin(x / 2), 2); };
        const double h = haversin((lat2 - lat1) * to_radians) +
                         haversin((lon2 - lon1) * to_radians) * std::cos(lat1 * to_radians) *
                             std::cos(lat2 * to_radians);
        return value(2 * std::asin(std::sqrt(h)) * radius);
    }

  private:
    std::vector<sql_type> args_;
    sql_type ret_ = sql_type::double_();
};

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
    r.add("GEO_DISTANCE",
          {"GEO_DISTANCE(lat1, lon1, lat2, lon2) -> DOUBLE",
           "GEO_DISTANCE(lat1, lon1, lat2, lon2, STRING unit)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if ((t.size() != 4 && t.size() != 5) || !numeric(t.first(4)) ||
                  (t.size() == 5 && !is(t[4], type_kind::string))) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(
                  new geo_distance(std::vector<sql_type>(t.begin(), t.end())));
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
