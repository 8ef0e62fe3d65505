// CHR, ELT, FIELD, SPLIT_TO_MAP, URL_ENCODE_PARAM/URL_DECODE_PARAM,
// REGEXP_EXTRACT_ALL and REGEXP_SPLIT_TO_ARRAY: ksqlDB's documented examples
// and its UDFs' edges.

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

value strings(std::initializer_list<const char*> items) {
    value_list out;
    for (const char* s : items) {
        out.push_back(s ? value(std::string(s)) : value());
    }
    return value::array(std::move(out));
}

TEST(FunctionsText, Chr) {
    EXPECT_EQ(call("CHR", {i32(75)}), value("K"));
    EXPECT_EQ(call("CHR", {i32(22909)}), value("\xE5\xA5\xBD"));
    EXPECT_EQ(call("CHR", {i32(128512)}), value("\xF0\x9F\x98\x80"));
    EXPECT_TRUE(call("CHR", {i32(-1)}).is_null());
    EXPECT_TRUE(call("CHR", {i32(0x110000)}).is_null());
    EXPECT_EQ(call("CHR", {str("\\u004b")}), value("K"));
    EXPECT_EQ(call("CHR", {str("\\u597d")}), value("\xE5\xA5\xBD"));
    EXPECT_EQ(call("CHR", {str("\\ud83d\\ude00")}), value("\xF0\x9F\x98\x80"));
    EXPECT_EQ(call("CHR", {str("\\u004bx\\n")}), value("Kx\n"));
    EXPECT_TRUE(call("CHR", {str("004b")}).is_null());
    EXPECT_TRUE(call("CHR", {str("\\u04b")}).is_null()) << "shorter than 6 characters";
    EXPECT_FALSE(try_call("CHR", {str("\\u04bxyz")}).ok()) << "not 4 hex digits";
    EXPECT_TRUE(call("CHR", {null_of(sql_type::integer())}).is_null());
}

TEST(FunctionsText, EltAndField) {
    EXPECT_EQ(call("ELT", {i32(2), str("a"), str("b"), str("c")}), value("b"));
    EXPECT_TRUE(call("ELT", {i32(0), str("a")}).is_null());
    EXPECT_TRUE(call("ELT", {i32(2), str("a")}).is_null());
    EXPECT_TRUE(call("ELT", {null_of(sql_type::integer()), str("a")}).is_null());
    EXPECT_EQ(call("FIELD", {str("b"), str("a"), str("b"), str("b")}), value(int32_t{2}));
    EXPECT_EQ(call("FIELD", {str("z"), str("a")}), value(int32_t{0}));
    EXPECT_EQ(call("FIELD", {null_of(sql_type::string()), str("a")}), value(int32_t{0}));
    EXPECT_EQ(call("FIELD", {str("a"), null_of(sql_type::string()), str("a")}), value(int32_t{2}));
}

TEST(FunctionsText, SplitToMap) {
    EXPECT_EQ(
        call("SPLIT_TO_MAP", {str("apple:green/banana:yellow/cherry:red"), str("/"), str(":")}),
        value::map(
            {{"apple", value("green")}, {"banana", value("yellow")}, {"cherry", value("red")}}));
    EXPECT_EQ(call("SPLIT_TO_MAP", {str("a=1;;b;c=3=x;a=4;"), str(";"), str("=")}),
              value::map({{"a", value("4")}, {"c", value("3")}}));
    EXPECT_EQ(call("SPLIT_TO_MAP", {str("k="), str(";"), str("=")}),
              value::map({{"k", value("")}}));
    EXPECT_TRUE(call("SPLIT_TO_MAP", {str("a=1"), str("="), str("=")}).is_null());
    EXPECT_TRUE(call("SPLIT_TO_MAP", {str("a=1"), str(""), str("=")}).is_null());
    EXPECT_TRUE(call("SPLIT_TO_MAP", {null_of(sql_type::string()), str(";"), str("=")}).is_null());
}

TEST(FunctionsText, UrlParams) {
    EXPECT_EQ(call("URL_ENCODE_PARAM", {str("foo bar&b=c/é*~")}),
              value("foo+bar%26b%3Dc%2F%C3%A9*%7E"));
    EXPECT_EQ(call("URL_DECODE_PARAM", {str("foo+bar%26b%3Dc%2F%C3%A9*%7e")}),
              value("foo bar&b=c/é*~"));
    EXPECT_FALSE(try_call("URL_DECODE_PARAM", {str("100%")}).ok());
    EXPECT_FALSE(try_call("URL_DECODE_PARAM", {str("%zz")}).ok());
    EXPECT_TRUE(call("URL_ENCODE_PARAM", {null_of(sql_type::string())}).is_null());
}

TEST(FunctionsText, RegexpExtractAll) {
    EXPECT_EQ(call("REGEXP_EXTRACT_ALL", {str("\\d+"), str("test1 and test22")}),
              strings({"1", "22"}));
    EXPECT_EQ(call("REGEXP_EXTRACT_ALL", {str("([a-z]+)(\\d)?"), str("ab1 cd"), i32(2)}),
              strings({"1", nullptr}));
    EXPECT_EQ(call("REGEXP_EXTRACT_ALL", {str("x"), str("abc")}), strings({}));
    EXPECT_TRUE(call("REGEXP_EXTRACT_ALL", {str("(a)"), str("abc"), i32(2)}).is_null());
    EXPECT_FALSE(try_call("REGEXP_EXTRACT_ALL", {str("(a)"), str("abc"), i32(-1)}).ok());
    EXPECT_FALSE(try_call("REGEXP_EXTRACT_ALL", {str("(a"), str("abc")}).ok());
}

TEST(FunctionsText, RegexpSplitToArray) {
    EXPECT_EQ(call("REGEXP_SPLIT_TO_ARRAY", {str("aabcda"), str("(bc|d)")}),
              strings({"aa", "", "a"}));
    EXPECT_EQ(call("REGEXP_SPLIT_TO_ARRAY", {str(",a,,b,"), str(",")}),
              strings({"", "a", "", "b", ""}))
        << "Guava keeps every piece";
    EXPECT_EQ(call("REGEXP_SPLIT_TO_ARRAY", {str("abc"), str("")}), strings({"a", "b", "c"}));
    // Java's Matcher finds the empty match right after "1" and after "22".
    EXPECT_EQ(call("REGEXP_SPLIT_TO_ARRAY", {str("a1b22c"), str("\\d*")}),
              strings({"a", "", "b", "", "c"}))
        << "a pattern matching nothing splits as Java's Pattern.split";
    EXPECT_EQ(call("REGEXP_SPLIT_TO_ARRAY", {str("xyz"), str(",")}), strings({"xyz"}));
    EXPECT_EQ(call("REGEXP_SPLIT_TO_ARRAY", {str(""), str(",")}), strings({""}));
    EXPECT_TRUE(call("REGEXP_SPLIT_TO_ARRAY", {str("a"), null_of(sql_type::string())}).is_null());
}

}  // namespace
}  // namespace cs::streams
