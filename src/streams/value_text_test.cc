#include "streams/value_text.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

TEST(ValueText, DoubleAsJavaDoubleToString) {
    EXPECT_EQ(double_text(1.0), "1.0");
    EXPECT_EQ(double_text(-2.5), "-2.5");
    EXPECT_EQ(double_text(0.1), "0.1");
    EXPECT_EQ(double_text(100.0), "100.0");
    EXPECT_EQ(double_text(1234567.0), "1234567.0");
    EXPECT_EQ(double_text(1.0e7), "1.0E7");
    EXPECT_EQ(double_text(1.5e10), "1.5E10");
    EXPECT_EQ(double_text(0.001), "0.001");
    EXPECT_EQ(double_text(0.0001), "1.0E-4");
    EXPECT_EQ(double_text(1.2345e-5), "1.2345E-5");
    EXPECT_EQ(double_text(0.0), "0.0");
    EXPECT_EQ(double_text(-0.0), "-0.0");
    EXPECT_EQ(double_text(std::nan("")), "NaN");
    EXPECT_EQ(double_text(std::numeric_limits<double>::infinity()), "Infinity");
    EXPECT_EQ(double_text(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(ValueText, DecimalKeepsScale) {
    EXPECT_EQ(decimal_text({150, 2}), "1.50");
    EXPECT_EQ(decimal_text({-5, 3}), "-0.005");
    EXPECT_EQ(decimal_text({0, 2}), "0.00");
    EXPECT_EQ(decimal_text({42, 0}), "42");
}

TEST(ValueText, TimestampIsIsoWithMillis) {
    EXPECT_EQ(timestamp_text({0}), "1970-01-01T00:00:00.000");
    EXPECT_EQ(timestamp_text({1620129600123}), "2021-05-04T12:00:00.123");
    EXPECT_EQ(timestamp_text({-1}), "1969-12-31T23:59:59.999");
}

TEST(ValueText, NestedValues) {
    EXPECT_EQ(value_text(value::array({1, 2, 3}), sql_type::array(sql_type::integer())),
              "[1, 2, 3]");
    EXPECT_EQ(
        value_text(value::map({{"a", 1.0}, {"b", value()}}), sql_type::map(sql_type::double_())),
        "{a=1.0, b=null}");
    const sql_type st = sql_type::struct_(
        {"A", "B", "C"}, {sql_type::integer(), sql_type::string(), sql_type::boolean()});
    EXPECT_EQ(value_text(value::struct_({{1, "x", value()}}), st), "Struct{A=1,B=x}");
    EXPECT_EQ(value_text(value(), sql_type::string()), "null");
    EXPECT_EQ(value_text(value(true), sql_type::boolean()), "true");
    EXPECT_EQ(value_text(value(int64_t{-7}), sql_type::bigint()), "-7");
    EXPECT_EQ(value_text(value(bytes_value{"hello"}), sql_type::bytes()), "aGVsbG8=");
    EXPECT_EQ(base64_text("ab"), "YWI=");
    EXPECT_EQ(base64_text("a"), "YQ==");
}

}  // namespace
}  // namespace cs::streams

namespace cs::streams {
namespace {

// assign() copies a value; a STRING reuses the target's storage only while
// it is not far larger than needed, so a reused row never pins a large one.
TEST(ValueAssign, CopiesAndDoesNotKeepALargeStringForASmallOne) {
    value v(std::string(1 << 20, 'x'));
    v.assign(value("small"));
    EXPECT_EQ(v, value("small"));
    EXPECT_LT(v.as_string().capacity(), 1000u);
    v.assign(value(int64_t{7}));
    EXPECT_EQ(v, value(int64_t{7}));
    v.assign(value());
    EXPECT_TRUE(v.is_null());
    value w(std::string(200, 'a'));
    const char* storage = w.as_string().data();
    w.assign(value(std::string(180, 'b')));
    EXPECT_EQ(w.as_string().data(), storage);  // similar size: the same storage
    EXPECT_EQ(w, value(std::string(180, 'b')));
}

}  // namespace
}  // namespace cs::streams
