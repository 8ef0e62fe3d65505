#include "streams/json_numbers.h"

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

std::optional<std::string> quote_unrepresentable(std::string_view json) {
    return quote_json_numbers(json, quote_numbers::unrepresentable);
}

TEST(JsonNumbers, QuotesOnlyWhatSimdjsonCannotHold) {
    EXPECT_EQ(quote_unrepresentable(
                  R"({"id":1,"big":123456789012345678901234,"neg":-99999999999999999999})"),
              R"({"id":1,"big":"123456789012345678901234","neg":"-99999999999999999999"})");
    EXPECT_EQ(quote_unrepresentable(R"([1e400,-2.5E+999,1.5,18446744073709551615])"),
              R"(["1e400","-2.5E+999",1.5,18446744073709551615])");
    // int64 and uint64 limits, ordinary doubles: nothing to do.
    EXPECT_FALSE(quote_unrepresentable(
        R"({"a":-9223372036854775808,"b":18446744073709551615,"c":1.7976931348623157e308})"));
}

TEST(JsonNumbers, DigitsInsideStringsAreNotNumbers) {
    EXPECT_FALSE(quote_unrepresentable(R"({"s":"123456789012345678901234567"})"));
    EXPECT_EQ(quote_unrepresentable(R"({"s\"99999999999999999999":"\\",)"
                                    R"("n":99999999999999999999})"),
              R"({"s\"99999999999999999999":"\\","n":"99999999999999999999"})");
}

TEST(JsonNumbers, KeepsTheRestOfTheTextAndSurvivesTruncation) {
    EXPECT_EQ(quote_unrepresentable(" [ 99999999999999999999 ] "),
              R"( [ "99999999999999999999" ] )");
    EXPECT_FALSE(quote_unrepresentable(R"({"s":"unterminated)"));
    EXPECT_FALSE(quote_unrepresentable(R"({"s":"\)"));
    EXPECT_EQ(quote_unrepresentable("99999999999999999999"), R"("99999999999999999999")");
    // What is no JSON number stays as it is, for the parser to refuse.
    EXPECT_FALSE(quote_unrepresentable(R"({"a":-,"b":0123456789012345678901,"c":1e})"));
    EXPECT_FALSE(quote_unrepresentable(R"([99999999999999999999.,-.5e400])"));
}

TEST(JsonNumbers, ForDecimalsAlsoFractionsADoubleMayRound) {
    EXPECT_EQ(quote_json_numbers(R"({"a":1234567890123456789.25,"b":0.000123456789012345,)"
                                 R"("c":12.5,"d":123456789012345678,"e":1.23456789012345e5})",
                                 quote_numbers::inexact),
              R"({"a":"1234567890123456789.25","b":0.000123456789012345,"c":12.5,)"
              R"("d":123456789012345678,"e":1.23456789012345e5})");
    EXPECT_EQ(quote_json_numbers("[-0.1234567890123456]", quote_numbers::inexact),
              R"(["-0.1234567890123456"])");
}

}  // namespace
}  // namespace cs::streams
