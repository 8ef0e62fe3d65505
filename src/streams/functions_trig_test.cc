// ACOS ... TANH, DEGREES, RADIANS, CBRT, LOG, PI, RANDOM, MD5 and JSON_ITEMS:
// ksqlDB's results (its UDF unit tests and math.json / md5.json /
// json_items.json query-validation tests).

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

TEST(FunctionsTrig, InverseFunctionsAndTheirEdges) {
    EXPECT_DOUBLE_EQ(call("ACOS", {dbl(0.5)}).as_double(), 1.0471975511965979);
    EXPECT_DOUBLE_EQ(call("ACOS", {i32(1)}).as_double(), 0.0);
    EXPECT_DOUBLE_EQ(call("ASIN", {i64(1)}).as_double(), std::numbers::pi / 2);
    EXPECT_DOUBLE_EQ(call("ATAN", {dec(100, 3, 2)}).as_double(), std::numbers::pi / 4);
    EXPECT_TRUE(std::isnan(call("ACOS", {i32(2)}).as_double()));
    EXPECT_TRUE(std::isnan(call("ASIN", {dbl(-1.1)}).as_double()));
    EXPECT_TRUE(call("ACOS", {null_of(sql_type::integer())}).is_null());
    EXPECT_FALSE(try_call("ACOS", {str("1")}).ok());
}

TEST(FunctionsTrig, Atan2TakesYThenX) {
    EXPECT_DOUBLE_EQ(call("ATAN2", {i32(1), i32(0)}).as_double(), std::numbers::pi / 2);
    EXPECT_DOUBLE_EQ(call("ATAN2", {dbl(0), dbl(-1)}).as_double(), std::numbers::pi);
    EXPECT_DOUBLE_EQ(call("ATAN2", {i64(-1), i64(-1)}).as_double(), -3 * std::numbers::pi / 4);
    EXPECT_TRUE(call("ATAN2", {null_of(sql_type::double_()), dbl(1)}).is_null());
    EXPECT_FALSE(try_call("ATAN2", {dbl(1)}).ok());
}

TEST(FunctionsTrig, CircularAndHyperbolic) {
    EXPECT_DOUBLE_EQ(call("COS", {dbl(std::numbers::pi)}).as_double(), -1.0);
    EXPECT_DOUBLE_EQ(call("SIN", {dbl(std::numbers::pi / 2)}).as_double(), 1.0);
    EXPECT_DOUBLE_EQ(call("TAN", {dbl(std::numbers::pi / 4)}).as_double(), 0.9999999999999999);
    EXPECT_DOUBLE_EQ(call("COT", {dbl(std::numbers::pi / 4)}).as_double(), 1.0000000000000002);
    EXPECT_EQ(call("COT", {i32(0)}), value(INFINITY));  // 1 / tan(0)
    EXPECT_DOUBLE_EQ(call("COSH", {i32(0)}).as_double(), 1.0);
    EXPECT_DOUBLE_EQ(call("SINH", {i32(1)}).as_double(), 1.1752011936438014);
    EXPECT_DOUBLE_EQ(call("TANH", {i64(1)}).as_double(), 0.7615941559557649);
    EXPECT_TRUE(call("SIN", {null_of(sql_type::bigint())}).is_null());
}

TEST(FunctionsTrig, DegreesRadiansCbrtPi) {
    EXPECT_EQ(call("DEGREES", {dbl(std::numbers::pi)}), value(180.0));
    EXPECT_EQ(call("DEGREES", {i32(1)}), value(57.29577951308232));
    EXPECT_EQ(call("RADIANS", {i32(180)}), value(std::numbers::pi));
    EXPECT_EQ(call("CBRT", {i32(27)}), value(3.0));
    EXPECT_EQ(call("CBRT", {dbl(-8)}), value(-2.0));
    EXPECT_EQ(call("PI", {}), value(3.141592653589793));
    EXPECT_EQ(return_type("PI", {}), sql_type::double_());
    EXPECT_FALSE(try_call("PI", {i32(1)}).ok());
}

TEST(FunctionsTrig, LogIsNaturalOrOfABase) {
    EXPECT_DOUBLE_EQ(call("LOG", {dbl(std::numbers::e)}).as_double(), 1.0);
    EXPECT_EQ(call("LOG", {i32(1)}), value(0.0));
    EXPECT_EQ(call("LOG", {i32(0)}), value(-INFINITY));
    EXPECT_TRUE(std::isnan(call("LOG", {i32(-1)}).as_double()));
    EXPECT_DOUBLE_EQ(call("LOG", {i32(2), i32(8)}).as_double(), 3.0);
    EXPECT_DOUBLE_EQ(call("LOG", {i64(10), i64(1000)}).as_double(), 2.9999999999999996);
    EXPECT_TRUE(std::isnan(call("LOG", {dbl(1), dbl(5)}).as_double()));   // base 1
    EXPECT_TRUE(std::isnan(call("LOG", {dbl(0), dbl(5)}).as_double()));   // base 0
    EXPECT_TRUE(std::isnan(call("LOG", {dbl(-2), dbl(5)}).as_double()));  // base < 0
    EXPECT_TRUE(call("LOG", {null_of(sql_type::integer()), i32(5)}).is_null());
    EXPECT_FALSE(try_call("LOG", {i32(1), i32(2), i32(3)}).ok());
}

TEST(FunctionsTrig, RandomIsInTheUnitIntervalAndChanges) {
    auto f = bind_function("RANDOM", {});
    ASSERT_TRUE(f.ok());
    bool differs = false;
    double first = (*f)->call({})->as_double();
    for (int i = 0; i < 100; ++i) {
        double d = (*f)->call({})->as_double();
        EXPECT_GE(d, 0.0);
        EXPECT_LT(d, 1.0);
        differs = differs || d != first;
    }
    EXPECT_TRUE(differs);
}

TEST(FunctionsHash, Md5IsLowerCaseHex) {
    // md5.json's expected digests.
    EXPECT_EQ(call("MD5", {str("r1")}), value("7c92cf1eee8d99cc85f8355a3d6e4b86"));
    EXPECT_EQ(call("MD5", {str("")}), value("d41d8cd98f00b204e9800998ecf8427e"));
    EXPECT_EQ(call("MD5", {str("  ")}), value("23b58def11b45727d3351702515f86af"));
    EXPECT_TRUE(call("MD5", {null_of(sql_type::string())}).is_null());
    EXPECT_FALSE(try_call("MD5", {i32(1)}).ok());
}

TEST(FunctionsJsonItems, ArrayElementsAsJsonText) {
    EXPECT_EQ(call("JSON_ITEMS", {str(R"([{"type": "A", "n": 1}, "s", 2.50, 1e2, null, [true]])")}),
              value::array({value(R"({"type":"A","n":1})"), value(R"("s")"), value("2.50"),
                            value("1E+2"), value("null"), value("[true]")}));
    EXPECT_EQ(call("JSON_ITEMS", {str("[]")}), value::array({}));
    EXPECT_EQ(return_type("JSON_ITEMS", {sql_type::string()}), sql_type::array(sql_type::string()));
    EXPECT_TRUE(call("JSON_ITEMS", {null_of(sql_type::string())}).is_null());
    // Jackson's readValue(List<JsonNode>) fails on anything but an array.
    EXPECT_FALSE(try_call("JSON_ITEMS", {str(R"({"a": 1})")}).ok());
    EXPECT_FALSE(try_call("JSON_ITEMS", {str("")}).ok());
    EXPECT_FALSE(try_call("JSON_ITEMS", {str("[1,")}).ok());
}

}  // namespace
}  // namespace cs::streams
