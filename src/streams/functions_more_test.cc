// LPAD/RPAD/REVERSE/INITCAP, SQRT/POWER/EXP/LN/SIGN, array and map
// functions, GREATEST/LEAST: ksqlDB's results for its documented examples
// and the edges its UDFs define.

#include <cmath>

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

typed arr(value_list items, sql_type element) {
    return {value::array(std::move(items)), sql_type::array(std::move(element))};
}

TEST(FunctionsMore, PadsCutAndReshapeStrings) {
    EXPECT_EQ(call("LPAD", {str("Foo"), i32(7), str("Bar")}), value("BarBFoo"));
    EXPECT_EQ(call("RPAD", {str("Foo"), i32(7), str("Bar")}), value("FooBarB"));
    EXPECT_EQ(call("LPAD", {str("FooBar"), i32(3), str("x")}), value("Foo"));  // cut
    EXPECT_EQ(call("RPAD", {str("FooBar"), i32(3), str("x")}), value("Foo"));
    EXPECT_EQ(call("LPAD", {str("h\xC3\xA9"), i32(4), str("\xC3\xBC")}),
              value("\xC3\xBC\xC3\xBCh\xC3\xA9"));  // characters, not bytes
    EXPECT_TRUE(call("LPAD", {str("a"), i32(3), str("")}).is_null());
    EXPECT_TRUE(call("RPAD", {str("a"), i32(-1), str("x")}).is_null());
    EXPECT_TRUE(call("LPAD", {null_of(sql_type::string()), i32(3), str("x")}).is_null());
    EXPECT_EQ(call("REVERSE", {str("ab\xC3\xA9")}), value("\xC3\xA9"
                                                          "ba"));
    EXPECT_EQ(call("INITCAP", {str("the HELLO  world")}), value("The Hello  World"));
}

TEST(FunctionsMore, PowersAndSignsAreDoublesAndIntegers) {
    EXPECT_EQ(call("SQRT", {i32(16)}), value(4.0));
    EXPECT_TRUE(std::isnan(call("SQRT", {dbl(-1)}).as_double()));
    EXPECT_EQ(call("POWER", {i32(2), i32(10)}), value(1024.0));
    EXPECT_EQ(call("POWER", {dec(150, 3, 2), i64(2)}), value(2.25));
    EXPECT_EQ(call("EXP", {i32(0)}), value(1.0));
    EXPECT_EQ(call("LN", {dbl(1)}), value(0.0));
    EXPECT_EQ(call("LN", {dbl(0)}), value(-INFINITY));
    EXPECT_EQ(call("SIGN", {dbl(-2.5)}), value(int32_t{-1}));
    EXPECT_EQ(call("SIGN", {i64(0)}), value(int32_t{0}));
    EXPECT_EQ(call("SIGN", {dec(1, 3, 2)}), value(int32_t{1}));
    EXPECT_TRUE(call("SQRT", {null_of(sql_type::double_())}).is_null());
    EXPECT_FALSE(try_call("SQRT", {str("4")}).ok());
}

TEST(FunctionsMore, GeoDistance) {
    // GeoDistanceTest.java's points: Palo Alto to London, London to Cape Town.
    EXPECT_NEAR(call("GEO_DISTANCE", {dbl(37.4439), dbl(-122.1663), dbl(51.5257), dbl(-0.1122)})
                    .as_double(),
                8634.6528, 0.5);
    EXPECT_NEAR(call("GEO_DISTANCE",
                     {dbl(37.4439), dbl(-122.1663), dbl(51.5257), dbl(-0.1122), str(" MI ")})
                    .as_double(),
                5365.66, 0.5);
    EXPECT_NEAR(
        call("GEO_DISTANCE", {dbl(51.5257), dbl(-0.1122), dbl(-33.9323), dbl(18.4197), str("km")})
            .as_double(),
        9673.4042, 0.5);
    EXPECT_EQ(call("GEO_DISTANCE", {i32(0), i32(0), i32(0), i32(0)}), value(0.0));
    EXPECT_FALSE(try_call("GEO_DISTANCE", {dbl(91), dbl(0), dbl(0), dbl(0)}).ok());
    EXPECT_FALSE(try_call("GEO_DISTANCE", {dbl(0), dbl(0), dbl(0), dbl(0), str("furlongs")}).ok());
    EXPECT_TRUE(
        call("GEO_DISTANCE", {null_of(sql_type::double_()), dbl(0), dbl(0), dbl(0)}).is_null());
}

TEST(FunctionsMore, ArraysAndMaps) {
    auto a = arr({value(int32_t{1}), value(), value(int32_t{3})}, sql_type::integer());
    EXPECT_EQ(call("ARRAY_LENGTH", {a}), value(int32_t{3}));
    EXPECT_TRUE(call("ARRAY_LENGTH", {null_of(sql_type::array(sql_type::integer()))}).is_null());
    EXPECT_EQ(call("ARRAY_CONTAINS", {a, i32(3)}), value(true));
    EXPECT_EQ(call("ARRAY_CONTAINS", {a, i64(3)}), value(true));  // numbers compare as numbers
    EXPECT_EQ(call("ARRAY_CONTAINS", {a, i32(2)}), value(false));
    EXPECT_EQ(call("ARRAY_CONTAINS", {null_of(sql_type::array(sql_type::integer())), i32(2)}),
              value(false));
    EXPECT_EQ(call("ARRAY_JOIN", {a}), value("1,null,3"));
    EXPECT_EQ(call("ARRAY_JOIN", {a, str(" | ")}), value("1 | null | 3"));
    EXPECT_EQ(call("ARRAY_JOIN", {arr({value(1.5), value(2.0)}, sql_type::double_())}),
              value("1.5,2.0"));
    typed m{value::map({{"a", value(int64_t{1})}, {"b", value(int64_t{2})}}),
            sql_type::map(sql_type::bigint())};
    EXPECT_EQ(call("MAP_KEYS", {m}), value::array({value("a"), value("b")}));
    EXPECT_EQ(call("MAP_VALUES", {m}), value::array({value(int64_t{1}), value(int64_t{2})}));
}

TEST(FunctionsMore, GreatestAndLeastSkipNulls) {
    EXPECT_EQ(
        call("GREATEST", {i32(2147483647), i32(-2147483647), null_of(sql_type::integer()), i32(5)}),
        value(int32_t{2147483647}));
    EXPECT_EQ(call("LEAST", {i32(4), i32(-2), i32(7)}), value(int32_t{-2}));
    EXPECT_EQ(call("GREATEST", {i32(1), dbl(2.5)}), value(2.5));  // widened to DOUBLE
    EXPECT_EQ(call("LEAST", {str("pear"), str("apple")}), value("apple"));
    EXPECT_TRUE(
        call("GREATEST", {null_of(sql_type::integer()), null_of(sql_type::integer())}).is_null());
    EXPECT_FALSE(try_call("GREATEST", {i32(1), str("a")}).ok());
}

}  // namespace
}  // namespace cs::streams
