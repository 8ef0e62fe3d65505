#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

TEST(FunctionsString, SubstringFollowsKsqlClamp) {
    // The seed query: SUBSTRING(Server_Time, 0, 10) is the date part.
    EXPECT_EQ(call("SUBSTRING", {str("2019-04-01 12:00:00"), i32(0), i32(10)}),
              value("2019-04-01"));
    EXPECT_EQ(call("SUBSTRING", {str("2019-04-01 12:00:00"), i32(1), i32(10)}),
              value("2019-04-01"));
    // ksqlDB docs: SUBSTRING("stream", 1, 4) = "stre"; two args run to the end.
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(1), i32(4)}), value("stre"));
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(3)}), value("ream"));
    // Negative positions count from the end.
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(-3)}), value("eam"));
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(-3), i32(2)}), value("ea"));
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(-10), i32(2)}), value("st"));
    // Past the end, negative or huge lengths.
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(10)}), value(""));
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(2), i32(-1)}), value(""));
    EXPECT_EQ(call("SUBSTRING", {str("stream"), i32(2), i32(2147483647)}), value("tream"));
    // Characters, not bytes.
    EXPECT_EQ(call("SUBSTRING", {str("h\xC3\xA9llo"), i32(2), i32(2)}), value("\xC3\xA9l"));
    EXPECT_TRUE(call("SUBSTRING", {null_of(sql_type::string()), i32(1)}).is_null());
}

TEST(FunctionsString, BindErrorsListSignatures) {
    auto f = bind_function("SUBSTRING", std::vector<sql_type>{sql_type::integer()});
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.err().code, errc::invalid_argument);
    EXPECT_NE(f.err().message.find("SUBSTRING(STRING, INTEGER, INTEGER)"), std::string::npos)
        << f.err().message;
    auto g = bind_function("NO_SUCH_FUNCTION", std::vector<sql_type>{});
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.err().code, errc::not_found);
}

TEST(FunctionsString, ConcatSkipsNulls) {
    EXPECT_EQ(call("CONCAT", {str("a"), str("b"), str("c")}), value("abc"));
    EXPECT_EQ(call("CONCAT", {str("a"), null_of(sql_type::string()), str("c")}), value("ac"));
    // ksqlDB docs: CONCAT_WS(', ', 'apple', 'banana', NULL, 'date') -> 'apple, banana, date'.
    EXPECT_EQ(call("CONCAT_WS", {str(", "), str("apple"), str("banana"),
                                 null_of(sql_type::string()), str("date")}),
              value("apple, banana, date"));
    EXPECT_TRUE(call("CONCAT_WS", {null_of(sql_type::string()), str("a")}).is_null());
}

TEST(FunctionsString, CaseTrimReplaceLen) {
    EXPECT_EQ(call("UCASE", {str("Hello World")}), value("HELLO WORLD"));
    EXPECT_EQ(call("LCASE", {str("Hello World")}), value("hello world"));
    EXPECT_EQ(call("TRIM", {str(" \t hi there \n")}), value("hi there"));
    EXPECT_EQ(call("REPLACE", {str("a-b-c"), str("-"), str("+")}), value("a+b+c"));
    EXPECT_EQ(call("REPLACE", {str("abc"), str(""), str("-")}), value("-a-b-c-"));
    EXPECT_EQ(call("LEN", {str("h\xC3\xA9llo")}), value(int32_t{5}));
    EXPECT_TRUE(call("LEN", {null_of(sql_type::string())}).is_null());
    EXPECT_TRUE(call("REPLACE", {str("a"), null_of(sql_type::string()), str("b")}).is_null());
}

TEST(FunctionsString, SplitKeepsEmptyTokens) {
    EXPECT_EQ(call("SPLIT", {str("a,b,c"), str(",")}), value::array({"a", "b", "c"}));
    EXPECT_EQ(call("SPLIT", {str(",a,,b,"), str(",")}), value::array({"", "a", "", "b", ""}));
    EXPECT_EQ(call("SPLIT", {str("abc"), str("")}), value::array({"a", "b", "c"}));
    EXPECT_EQ(call("SPLIT", {str("a::b"), str("::")}), value::array({"a", "b"}));
    EXPECT_EQ(return_type("SPLIT", {sql_type::string(), sql_type::string()}),
              sql_type::array(sql_type::string()));
}

TEST(FunctionsString, InstrMatchesKsqlDocs) {
    const typed s = str("CORPORATE FLOOR");
    EXPECT_EQ(call("INSTR", {s, str("OR")}), value(int32_t{2}));
    EXPECT_EQ(call("INSTR", {s, str("OR"), i32(3)}), value(int32_t{5}));
    EXPECT_EQ(call("INSTR", {s, str("OR"), i32(3), i32(2)}), value(int32_t{14}));
    EXPECT_EQ(call("INSTR", {s, str("OR"), i32(-3)}), value(int32_t{5}));
    EXPECT_EQ(call("INSTR", {s, str("OR"), i32(-3), i32(2)}), value(int32_t{2}));
    EXPECT_EQ(call("INSTR", {s, str("MISSING")}), value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {s, str("OR"), i32(1), i32(4)}), value(int32_t{0}));
}

// Instr.java: NULL strings give 0, |position| > length gives 0, and the
// search runs on Apache Commons' substring/ordinalIndexOf (a reversed copy
// for negative positions).
TEST(FunctionsString, InstrEdgesAsKsql) {
    const typed null_str = null_of(sql_type::string());
    EXPECT_EQ(call("INSTR", {null_str, str("x")}), value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {str("x"), null_str, i32(1)}), value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {str(""), str("")}), value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {str("abc"), str("")}), value(int32_t{1}));
    EXPECT_EQ(call("INSTR", {str("abc"), str(""), i32(3), i32(7)}), value(int32_t{3}));
    EXPECT_EQ(call("INSTR", {str("abc"), str(""), i32(4)}), value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {str("abc"), str(""), i32(-1)}), value(int32_t{4}));
    EXPECT_EQ(call("INSTR", {str("abc"), str("c"), i32(0)}), value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {str("aaa"), str("aa"), i32(1), i32(2)}), value(int32_t{2}));
    EXPECT_EQ(call("INSTR", {str("aaa"), str("aa"), i32(-1), i32(2)}), value(int32_t{1}));
    EXPECT_EQ(call("INSTR", {str("CORPORATE FLOOR"), str("OR"), i32(-1)}), value(int32_t{14}));
    EXPECT_EQ(call("INSTR", {str("CORPORATE FLOOR"), str("ATE"), i32(-3), i32(2)}),
              value(int32_t{0}));
    EXPECT_EQ(call("INSTR", {str("h\xC3\xA9llo h\xC3\xA9"), str("\xC3\xA9"), i32(-1)}),
              value(int32_t{8}));
    EXPECT_EQ(call("INSTR", {str("h\xC3\xA9llo h\xC3\xA9"), str("l"), i32(2), i32(2)}),
              value(int32_t{4}));
}

TEST(FunctionsString, MaskFamilyMatchesKsqlDocs) {
    const typed s = str("AbCd#$123xy Z");
    EXPECT_EQ(call("MASK", {s}), value("XxXx--nnnxx-X"));
    EXPECT_EQ(call("MASK", {s, str("*"), str("-"), str("!"), str("$")}), value("*-*-$$!!!--$*"));
    EXPECT_EQ(call("MASK_LEFT", {s, i32(5)}), value("XxXx-$123xy Z"));
    EXPECT_EQ(call("MASK_RIGHT", {s, i32(5)}), value("AbCd#$12nxx-X"));
    EXPECT_EQ(call("MASK_KEEP_LEFT", {s, i32(5)}), value("AbCd#-nnnxx-X"));
    EXPECT_EQ(call("MASK_KEEP_RIGHT", {s, i32(5)}), value("XxXx--nn3xy Z"));
    // A NULL replacement leaves that class as it is.
    EXPECT_EQ(call("MASK", {s, null_of(sql_type::string())}), value("AxCx--nnnxx-Z"));
}

// ksqlDB's Masker classifies each character with Character.getType.
TEST(FunctionsString, MaskClassifiesUnicodeCharacters) {
    const typed s = str("h\xC3\xA9llo W\xC3\xB6rld \xC3\x89\xD9\xA3");  // héllo Wörld É٣
    EXPECT_EQ(call("MASK", {s}), value("xxxxx-Xxxxx-Xn"));
    EXPECT_EQ(call("MASK_LEFT", {str("h\xC3\xA9llo"), i32(2)}), value("xxllo"));
    EXPECT_EQ(call("MASK_RIGHT", {str("h\xC3\xA9llo"), i32(4)}), value("hxxxx"));
    EXPECT_EQ(call("MASK_KEEP_LEFT", {str("\xC3\xA9t\xC3\xA9"), i32(1)}), value("\xC3\xA9xx"));
    // Titlecase letters and symbols are "other"; emoji are one character here.
    EXPECT_EQ(call("MASK", {str("\xC7\x85\xE2\x82\xAC\xF0\x9F\x98\x80")}), value("---"));
    // A NULL mask keeps the character as it is, whatever its encoding.
    const typed null_str = null_of(sql_type::string());
    EXPECT_EQ(call("MASK", {str("\xC3\xA9\xC3\x9C\xF0\x9F\x98\x80"), null_str, null_str, null_str,
                            null_str}),
              value("\xC3\xA9\xC3\x9C\xF0\x9F\x98\x80"));
    // Mask characters may be any single character.
    EXPECT_EQ(call("MASK", {str("aB1."), str("\xC3\x9C"), str("\xC3\xA9"), str("\xE2\x82\xAC"),
                            str("\xC2\xB7")}),
              value("\xC3\xA9\xC3\x9C\xE2\x82\xAC\xC2\xB7"));
}

// Masker.getMaskCharacter and validateParams throw: the record goes to the DLQ.
TEST(FunctionsString, MaskRejectsBadArguments) {
    const typed s = str("abc");
    const typed null_str = null_of(sql_type::string());
    EXPECT_FALSE(try_call("MASK", {s, str("**"), null_str, null_str, null_str}).ok());
    EXPECT_FALSE(try_call("MASK", {s, str(""), null_str, null_str, null_str}).ok());
    EXPECT_FALSE(try_call("MASK_LEFT", {s, i32(1), null_str, str("ab"), null_str, null_str}).ok());
    for (const char* f : {"MASK_LEFT", "MASK_RIGHT", "MASK_KEEP_LEFT", "MASK_KEEP_RIGHT"}) {
        EXPECT_FALSE(try_call(f, {s, i32(-1)}).ok()) << f;
        EXPECT_FALSE(try_call(f, {null_str, i32(-1)}).ok()) << f;
        EXPECT_EQ(call(f, {s, i32(0)}),
                  value(std::string(f).find("KEEP") != std::string::npos ? "xxx" : "abc"))
            << f;
    }
}

TEST(FunctionsString, FunctionNamesAreSortedAndComplete) {
    const auto names = function_names();
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    for (const char* n : {"SUBSTRING",
                          "CONCAT",
                          "CONCAT_WS",
                          "UCASE",
                          "LCASE",
                          "TRIM",
                          "REPLACE",
                          "LEN",
                          "SPLIT",
                          "REGEXP_EXTRACT",
                          "REGEXP_REPLACE",
                          "INSTR",
                          "COALESCE",
                          "IFNULL",
                          "NULLIF",
                          "ABS",
                          "ROUND",
                          "FLOOR",
                          "CEIL",
                          "PARSE_TIMESTAMP",
                          "FORMAT_TIMESTAMP",
                          "UNIX_TIMESTAMP",
                          "FROM_UNIXTIME",
                          "TIMESTAMPTOSTRING",
                          "STRINGTOTIMESTAMP",
                          "URL_EXTRACT_HOST",
                          "URL_EXTRACT_PATH",
                          "URL_EXTRACT_QUERY",
                          "URL_EXTRACT_PARAMETER",
                          "URL_EXTRACT_PROTOCOL",
                          "EXTRACTJSONFIELD",
                          "UUID",
                          "MASK"}) {
        EXPECT_TRUE(std::binary_search(names.begin(), names.end(), std::string(n))) << n;
    }
    EXPECT_FALSE(function_signatures("SUBSTRING").empty());
}

}  // namespace
}  // namespace cs::streams
