#include "base/strings.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(Strings, SplitListTrimsAndDropsEmptyItems) {
    using v = std::vector<std::string>;
    EXPECT_EQ(split_list(""), v{});
    EXPECT_EQ(split_list(" , ,"), v{});
    EXPECT_EQ(split_list("a"), v{"a"});
    EXPECT_EQ(split_list("user_id,timestamp"), (v{"user_id", "timestamp"}));
    EXPECT_EQ(split_list(" a ,\tb,,c "), (v{"a", "b", "c"}));
    EXPECT_EQ(split_list("x;y", ';'), (v{"x", "y"}));
}

TEST(Strings, TrimBlanks) {
    EXPECT_EQ(trim_blanks(" \t a b \t"), "a b");
    EXPECT_EQ(trim_blanks("   "), "");
}

TEST(Strings, HexDigitAndUtf8) {
    EXPECT_EQ(hex_digit('7'), 7);
    EXPECT_EQ(hex_digit('b'), 11);
    EXPECT_EQ(hex_digit('F'), 15);
    EXPECT_EQ(hex_digit('g'), -1);
    std::string out;
    for (uint32_t cp : {0x41U, 0xE9U, 0x20ACU, 0x1F600U}) {
        append_utf8(out, cp);
    }
    EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(Strings, ParseInt64TakesTheWholeStringOrNothing) {
    EXPECT_EQ(parse_int64("2000"), 2000);
    EXPECT_EQ(parse_int64("-5"), -5);
    EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(parse_int64(""), std::nullopt);
    EXPECT_EQ(parse_int64("12ms"), std::nullopt);
    EXPECT_EQ(parse_int64(" 12"), std::nullopt);
    EXPECT_EQ(parse_int64("+12"), std::nullopt);
    EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
}

TEST(Strings, JsonEscapedChar) {
    EXPECT_EQ(json_escaped_char('n'), '\n');
    EXPECT_EQ(json_escaped_char('b'), '\b');
    EXPECT_EQ(json_escaped_char('/'), '/');
    EXPECT_EQ(json_escaped_char('"'), '"');
    EXPECT_EQ(json_escaped_char('u'), '\0');
    EXPECT_EQ(json_escaped_char('q'), '\0');
}

}  // namespace
}  // namespace cs
