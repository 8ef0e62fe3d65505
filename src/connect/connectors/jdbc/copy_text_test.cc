#include "connect/connectors/jdbc/copy_text.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace cs::connect::jdbc {
namespace {

std::string row_of(std::vector<sql_param> v) {
    std::string out;
    append_copy_row(out, v);
    return out;
}

TEST(CopyText, EscapesDelimitersLineEndsAndBackslashes) {
    EXPECT_EQ(row_of({std::string("tab\there"), std::string("nl\nx\r"), std::string("a\\b")}),
              "tab\\there\tnl\\nx\\r\ta\\\\b\n");
    // A string that reads like the NULL marker or the end-of-data marker
    // stays a string; empty is not NULL.
    EXPECT_EQ(row_of({std::string("\\N"), std::string("\\."), std::string()}), "\\\\N\t\\\\.\t\n");
    EXPECT_EQ(row_of({std::string("zß€'\"")}), "zß€'\"\n");
}

TEST(CopyText, NullsScalarsAndBytea) {
    EXPECT_EQ(row_of({std::monostate{}, true, false, int64_t{-42}}), "\\N\tt\tf\t-42\n");
    EXPECT_EQ(row_of({2.5, std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::infinity(),
                      -std::numeric_limits<double>::infinity(), 1e300}),
              "2.5\tNaN\tInfinity\t-Infinity\t1e+300\n");
    EXPECT_EQ(row_of({blob{std::string("\x00\t\\\xff", 4)}, blob{}}), "\\\\x00095cff\t\\\\x\n");
}

TEST(CopyText, ParamTextIsWhatTheInsertPathSends) {
    EXPECT_EQ(param_text(true), "t");
    EXPECT_EQ(param_text(int64_t{7}), "7");
    EXPECT_EQ(param_text(0.1), "0.1");
    EXPECT_EQ(param_text(std::string("a\tb")), "a\tb");  // escaping is COPY's business
}

}  // namespace
}  // namespace cs::connect::jdbc
