#include "streams/cast.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

value cast_ok(const value& v, const sql_type& from, const sql_type& to) {
    auto r = cast_value(v, from, to);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return r.ok() ? *r : value();
}

error cast_err(const value& v, const sql_type& from, const sql_type& to) {
    auto r = cast_value(v, from, to);
    EXPECT_FALSE(r.ok());
    return r.ok() ? error{} : r.err();
}

const sql_type S = sql_type::string();
const sql_type I = sql_type::integer();
const sql_type L = sql_type::bigint();
const sql_type D = sql_type::double_();

TEST(Cast, StringToNumbers) {
    EXPECT_EQ(cast_ok("42", S, I), value(int32_t{42}));
    EXPECT_EQ(cast_ok(" -7 ", S, I), value(int32_t{-7}));
    EXPECT_EQ(cast_ok("9000000000", S, L), value(int64_t{9000000000}));
    EXPECT_EQ(cast_ok("1.5", S, D), value(1.5));
    EXPECT_EQ(cast_ok("1e3", S, D), value(1000.0));
    const error e = cast_err("abc", S, I);
    EXPECT_EQ(e.code, errc::invalid_argument);
    // The message names the value and the target type (it goes to the DLQ headers).
    EXPECT_NE(e.message.find("'abc'"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("INTEGER"), std::string::npos) << e.message;
    EXPECT_FALSE(cast_value("9000000000", S, I).ok());
    EXPECT_FALSE(cast_value("1.5", S, I).ok());
    EXPECT_FALSE(cast_value("", S, L).ok());
    EXPECT_FALSE(cast_value("x1", S, D).ok());
}

TEST(Cast, StringToBooleanAndTimestamp) {
    EXPECT_EQ(cast_ok("true", S, sql_type::boolean()), value(true));
    EXPECT_EQ(cast_ok("FALSE", S, sql_type::boolean()), value(false));
    EXPECT_EQ(cast_ok("yes", S, sql_type::boolean()), value(true));
    EXPECT_FALSE(cast_value("maybe", S, sql_type::boolean()).ok());
    EXPECT_EQ(cast_ok("2021-05-04T12:00:00.123", S, sql_type::timestamp()),
              value(timestamp_ms{1620129600123}));
    EXPECT_EQ(cast_ok("2021-05-04", S, sql_type::timestamp()), value(timestamp_ms{1620086400000}));
    EXPECT_EQ(cast_ok("2021-05-04T14:00:00+02:00", S, sql_type::timestamp()),
              value(timestamp_ms{1620129600000}));
    EXPECT_FALSE(cast_value("2021-13-01", S, sql_type::timestamp()).ok());
    EXPECT_FALSE(cast_value("yesterday", S, sql_type::timestamp()).ok());
}

TEST(Cast, NumericNarrowingAsJava) {
    // (int) of a double truncates toward zero and saturates; NaN is 0.
    EXPECT_EQ(cast_ok(2.9, D, I), value(int32_t{2}));
    EXPECT_EQ(cast_ok(-2.9, D, I), value(int32_t{-2}));
    EXPECT_EQ(cast_ok(1e20, D, I), value(std::numeric_limits<int32_t>::max()));
    EXPECT_EQ(cast_ok(std::nan(""), D, L), value(int64_t{0}));
    // long -> int keeps the low 32 bits.
    EXPECT_EQ(cast_ok(int64_t{4294967297}, L, I), value(int32_t{1}));
    EXPECT_EQ(cast_ok(int32_t{5}, I, D), value(5.0));
    EXPECT_EQ(cast_ok(decimal_value{-1999, 3}, sql_type::decimal(4, 3), I), value(int32_t{-1}));
    EXPECT_EQ(cast_ok(decimal_value{1234, 2}, sql_type::decimal(4, 2), D), value(12.34));
}

TEST(Cast, DecimalRoundsHalfUpAndChecksPrecision) {
    const sql_type d52 = sql_type::decimal(5, 2);
    EXPECT_EQ(cast_ok("1.005", S, d52), value(decimal_value{101, 2}));
    EXPECT_EQ(cast_ok("-1.005", S, d52), value(decimal_value{-101, 2}));
    EXPECT_EQ(cast_ok("1.004", S, d52), value(decimal_value{100, 2}));
    EXPECT_EQ(cast_ok(1.5, D, d52), value(decimal_value{150, 2}));
    EXPECT_EQ(cast_ok(0.125, D, sql_type::decimal(3, 2)), value(decimal_value{13, 2}));
    EXPECT_EQ(cast_ok(int32_t{123}, I, d52), value(decimal_value{12300, 2}));
    EXPECT_EQ(cast_ok(decimal_value{12345, 3}, sql_type::decimal(5, 3), d52),
              value(decimal_value{1235, 2}));
    // 1000.00 needs 6 digits.
    const error e = cast_err(int32_t{1000}, I, d52);
    EXPECT_NE(e.message.find("DECIMAL(5, 2)"), std::string::npos) << e.message;
    EXPECT_FALSE(cast_value("999.999", S, d52).ok());  // rounds to 1000.00
    EXPECT_FALSE(cast_value(std::nan(""), D, d52).ok());
    EXPECT_FALSE(cast_value("1.2.3", S, d52).ok());
}

TEST(Cast, AnythingToString) {
    EXPECT_EQ(cast_ok(1.0, D, S), value("1.0"));
    EXPECT_EQ(cast_ok(int32_t{7}, I, S), value("7"));
    EXPECT_EQ(cast_ok(true, sql_type::boolean(), S), value("true"));
    EXPECT_EQ(cast_ok(decimal_value{150, 2}, sql_type::decimal(3, 2), S), value("1.50"));
    EXPECT_EQ(cast_ok(timestamp_ms{0}, sql_type::timestamp(), S), value("1970-01-01T00:00:00.000"));
    EXPECT_EQ(cast_ok(value::array({1, 2}), sql_type::array(I), S), value("[1, 2]"));
}

TEST(Cast, NullAndNestedAndRules) {
    EXPECT_TRUE(cast_ok(value(), S, I).is_null());
    EXPECT_EQ(cast_ok(value::array({"1", "2"}), sql_type::array(S), sql_type::array(I)),
              value::array({int32_t{1}, int32_t{2}}));
    EXPECT_FALSE(cast_value(value::array({"x"}), sql_type::array(S), sql_type::array(I)).ok());
    const sql_type from = sql_type::struct_({"A", "B"}, {S, I});
    const sql_type to = sql_type::struct_({"B", "C"}, {L, S});
    EXPECT_EQ(cast_ok(value::struct_({{"a", int32_t{2}}}), from, to),
              value::struct_({{int64_t{2}, value()}}));
    EXPECT_TRUE(can_cast(I, D));
    EXPECT_TRUE(can_cast(S, sql_type::timestamp()));
    EXPECT_FALSE(can_cast(sql_type::boolean(), I));
    EXPECT_FALSE(can_cast(sql_type::bytes(), S));
    EXPECT_FALSE(can_cast(L, sql_type::timestamp()));
    EXPECT_FALSE(can_cast(sql_type::array(I), sql_type::map(I)));
    EXPECT_FALSE(cast_value(true, sql_type::boolean(), I).ok());
}

}  // namespace
}  // namespace cs::streams
