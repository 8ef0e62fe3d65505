// JSON, NULL-handling, math, regex and UUID functions.

#include <cmath>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

TEST(FunctionsJson, ExtractJsonField) {
    // ksqlDB docs example.
    const typed doc =
        str(R"({"log": {"cloud": "gcp836Csd", "app": "ksProcessor", "instance": 4}})");
    EXPECT_EQ(call("EXTRACTJSONFIELD", {doc, str("$.log.cloud")}), value("gcp836Csd"));
    EXPECT_EQ(call("EXTRACTJSONFIELD", {doc, str("$.log.instance")}), value("4"));
    EXPECT_TRUE(call("EXTRACTJSONFIELD", {doc, str("$.log.missing")}).is_null());
    const typed arr = str(R"({"a": {"b": [10, {"c": "x y"}, null]}, "k e y": true})");
    EXPECT_EQ(call("EXTRACTJSONFIELD", {arr, str("$.a.b[0]")}), value("10"));
    EXPECT_EQ(call("EXTRACTJSONFIELD", {arr, str("$.a.b[1].c")}), value("x y"));
    EXPECT_EQ(call("EXTRACTJSONFIELD", {arr, str("$.a.b[1]")}), value(R"({"c":"x y"})"));
    // A JSON null is Jackson's NullNode, whose toString() is "null".
    EXPECT_EQ(call("EXTRACTJSONFIELD", {arr, str("$.a.b[2]")}), value("null"));
    EXPECT_TRUE(call("EXTRACTJSONFIELD", {arr, str("$.a.b[7]")}).is_null());
    EXPECT_EQ(call("EXTRACTJSONFIELD", {arr, str("$['k e y']")}), value("true"));
    EXPECT_FALSE(try_call("EXTRACTJSONFIELD", {str("{not json"), str("$.a")}).ok());
    for (const char* bad : {R"({"a": 01})", "[1,]", R"({"a" 1})", "{\"a\":\"x\ty\"}", "[tru]",
                            R"(["\q"])", "", "  ", R"({"a":1)", "[-]", "[1.]", "[.5]"}) {
        EXPECT_FALSE(try_call("EXTRACTJSONFIELD", {str(bad), str("$")}).ok()) << bad;
    }
    EXPECT_FALSE(try_call("EXTRACTJSONFIELD", {doc, str("log.cloud")}).ok());
}

// ksqlDB's JsonPathTokenizer makes string tokens; an array takes a token
// that Integer.parseInt reads, an object takes any token as a key.
TEST(FunctionsJson, ExtractJsonFieldTokensAsKsql) {
    const typed doc = str(R"({"thing1":{"thing2":"hello"},"array":[101,102],"o":{"0":"zero"}})");
    EXPECT_EQ(call("EXTRACTJSONFIELD", {doc, str("$.array.1")}), value("102"));
    EXPECT_TRUE(call("EXTRACTJSONFIELD", {doc, str("$.array[-1]")}).is_null());
    EXPECT_TRUE(call("EXTRACTJSONFIELD", {doc, str("$.array.x")}).is_null());
    EXPECT_TRUE(call("EXTRACTJSONFIELD", {doc, str("$.array[2]")}).is_null());
    EXPECT_EQ(call("EXTRACTJSONFIELD", {doc, str("$.o[0]")}), value("zero"));
    EXPECT_EQ(call("EXTRACTJSONFIELD", {doc, str(R"($["thing1"].thing2)")}), value("hello"));
    EXPECT_TRUE(call("EXTRACTJSONFIELD", {doc, str("$.thing1.thing2.x")}).is_null());
    EXPECT_EQ(call("EXTRACTJSONFIELD", {doc, str("$")}),
              value(R"({"thing1":{"thing2":"hello"},"array":[101,102],"o":{"0":"zero"}})"));
    // Characters the tokenizer does not take outside quotes.
    EXPECT_FALSE(try_call("EXTRACTJSONFIELD", {doc, str("$.a-b")}).ok());
    EXPECT_FALSE(try_call("EXTRACTJSONFIELD", {doc, str("$.")}).ok());
    EXPECT_FALSE(try_call("EXTRACTJSONFIELD", {doc, str("$x")}).ok());
    // Jackson reads the first JSON value and ignores what follows
    // (ksqlDB's extract-json-field.json test).
    EXPECT_EQ(call("EXTRACTJSONFIELD", {str(R"({"name": "cdd"}})"), str("$.name")}), value("cdd"));
}

// Numbers are Jackson nodes with exact BigDecimals for non-integers, written
// with BigDecimal.toString().
TEST(FunctionsJson, ExtractJsonFieldKeepsNumberText) {
    auto at = [](const char* json) { return call("EXTRACTJSONFIELD", {str(json), str("$.n")}); };
    EXPECT_EQ(at(R"({"n": 1.23450})"), value("1.23450"));
    EXPECT_EQ(at(R"({"n": 1e2})"), value("1E+2"));
    EXPECT_EQ(at(R"({"n": 1.5E-3})"), value("0.0015"));
    EXPECT_EQ(at(R"({"n": 12e-9})"), value("1.2E-8"));
    EXPECT_EQ(at(R"({"n": -0.0})"), value("0.0"));
    EXPECT_EQ(at(R"({"n": -0})"), value("0"));
    EXPECT_EQ(at(R"({"n": 12345678901234567890123})"), value("12345678901234567890123"));
    EXPECT_EQ(at(R"({"n": [1.0, {"m": 2.50e1}, "a\u00e9\n"]})"),
              value("[1.0,{\"m\":25.0},\"a\xC3\xA9\\n\"]"));
}

TEST(FunctionsNull, CoalesceIfnullNullif) {
    const sql_type S = sql_type::string();
    EXPECT_EQ(call("COALESCE", {null_of(S), str("b"), str("c")}), value("b"));
    EXPECT_TRUE(call("COALESCE", {null_of(S), null_of(S)}).is_null());
    // Numeric arguments widen to the common type.
    EXPECT_EQ(return_type("COALESCE", {sql_type::integer(), sql_type::bigint()}),
              sql_type::bigint());
    EXPECT_EQ(call("COALESCE", {null_of(sql_type::bigint()), i32(5)}), value(int64_t{5}));
    EXPECT_EQ(call("IFNULL", {null_of(S), str("dflt")}), value("dflt"));
    EXPECT_EQ(call("IFNULL", {str("v"), str("dflt")}), value("v"));
    EXPECT_TRUE(call("NULLIF", {str("a"), str("a")}).is_null());
    EXPECT_EQ(call("NULLIF", {str("a"), str("b")}), value("a"));
    EXPECT_TRUE(call("NULLIF", {i32(1), i64(1)}).is_null());
    EXPECT_FALSE(bind_function("COALESCE", std::vector<sql_type>{S, sql_type::integer()}).ok());
}

TEST(FunctionsMath, AbsFloorCeil) {
    EXPECT_EQ(call("ABS", {i32(-3)}), value(int32_t{3}));
    EXPECT_EQ(call("ABS", {dbl(-2.5)}), value(2.5));
    EXPECT_EQ(call("ABS", {dec(-150, 3, 2)}), value(decimal_value{150, 2}));
    EXPECT_EQ(call("FLOOR", {dbl(-1.5)}), value(-2.0));
    EXPECT_EQ(call("CEIL", {dbl(-1.5)}), value(-1.0));
    // Floor.java / Ceil.java keep the input's precision and scale.
    EXPECT_EQ(call("FLOOR", {dec(-150, 3, 2)}), value(decimal_value{-200, 2}));
    EXPECT_EQ(call("CEIL", {dec(101, 3, 2)}), value(decimal_value{200, 2}));
    EXPECT_EQ(call("FLOOR", {dec(1235, 4, 2)}), value(decimal_value{1200, 2}));
    EXPECT_EQ(return_type("CEIL", {sql_type::decimal(3, 2)}), sql_type::decimal(3, 2));
    EXPECT_EQ(return_type("FLOOR", {sql_type::decimal(4, 2)}), sql_type::decimal(4, 2));
    EXPECT_EQ(return_type("FLOOR", {sql_type::integer()}), sql_type::integer());
    EXPECT_EQ(call("FLOOR", {i64(7)}), value(int64_t{7}));
}

TEST(FunctionsMath, TruncDropsDigitsTowardZero) {
    EXPECT_EQ(call("TRUNC", {dbl(1.789)}), value(int64_t{1}));
    EXPECT_EQ(call("TRUNC", {dbl(-1.789)}), value(int64_t{-1}));
    EXPECT_EQ(call("TRUNC", {dbl(NAN)}), value(int64_t{0}));
    EXPECT_EQ(call("TRUNC", {i32(7)}), value(int64_t{7}));
    EXPECT_EQ(call("TRUNC", {i64(-7)}), value(int64_t{-7}));
    EXPECT_EQ(call("TRUNC", {dbl(1.789), i32(2)}), value(1.78));
    EXPECT_EQ(call("TRUNC", {dbl(-1.789), i32(1)}), value(-1.7));
    EXPECT_EQ(call("TRUNC", {dbl(1789.5), i32(-2)}), value(1700.0));
    EXPECT_FALSE(try_call("TRUNC", {dbl(INFINITY), i32(1)}).ok());
    EXPECT_EQ(call("TRUNC", {dec(-1789, 4, 2)}), value(decimal_value{-17, 0}));
    EXPECT_EQ(return_type("TRUNC", {sql_type::decimal(4, 2)}), sql_type::decimal(2, 0));
    // With places the scale stays (ksql#6235): 17.89 -> 17.80.
    EXPECT_EQ(call("TRUNC", {dec(1789, 4, 2), i32(1)}), value(decimal_value{1780, 2}));
    EXPECT_EQ(return_type("TRUNC", {sql_type::decimal(4, 2), sql_type::integer()}),
              sql_type::decimal(4, 2));
    EXPECT_FALSE(try_call("TRUNC", {i32(7), i32(1)}).ok());
    EXPECT_TRUE(call("TRUNC", {null_of(sql_type::double_())}).is_null());
}

TEST(FunctionsMath, RoundTiesTowardPositiveInfinity) {
    EXPECT_EQ(call("ROUND", {dbl(2.5)}), value(int64_t{3}));
    EXPECT_EQ(call("ROUND", {dbl(-2.5)}), value(int64_t{-2}));
    EXPECT_EQ(call("ROUND", {dbl(-2.6)}), value(int64_t{-3}));
    EXPECT_EQ(return_type("ROUND", {sql_type::double_()}), sql_type::bigint());
    EXPECT_EQ(call("ROUND", {dbl(1.005), i32(2)}), value(1.01));
    EXPECT_EQ(call("ROUND", {dbl(123.456), i32(-1)}), value(120.0));
    EXPECT_EQ(call("ROUND", {dbl(-1.25), i32(1)}), value(-1.2));
    EXPECT_EQ(call("ROUND", {dec(125, 3, 2)}), value(decimal_value{1, 0}));
    EXPECT_EQ(call("ROUND", {dec(150, 3, 2)}), value(decimal_value{2, 0}));
    EXPECT_EQ(call("ROUND", {dec(-150, 3, 2)}), value(decimal_value{-1, 0}));
    // Round.java: ROUND(DECIMAL(p, s)) is DECIMAL(p - s, 0); with places the
    // input's type; ROUND(INTEGER) is a BIGINT.
    EXPECT_EQ(return_type("ROUND", {sql_type::decimal(3, 2)}), sql_type::decimal(1, 0));
    EXPECT_EQ(return_type("ROUND", {sql_type::decimal(4, 2)}), sql_type::decimal(2, 0));
    EXPECT_EQ(return_type("ROUND", {sql_type::decimal(5, 3), sql_type::integer()}),
              sql_type::decimal(5, 3));
    EXPECT_EQ(return_type("ROUND", {sql_type::integer()}), sql_type::bigint());
    EXPECT_EQ(return_type("ROUND", {sql_type::bigint()}), sql_type::bigint());
    EXPECT_EQ(call("ROUND", {dec(12345, 5, 3), i32(1)}), value(decimal_value{12300, 3}));
    EXPECT_EQ(call("ROUND", {i32(1250), i32(-2)}), value(int32_t{1300}));
    EXPECT_EQ(call("ROUND", {i32(7)}), value(int64_t{7}));
}

TEST(FunctionsRegex, ExtractAndReplace) {
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("\\d+"), str("abc 123 def 456")}), value("123"));
    EXPECT_EQ(
        call("REGEXP_EXTRACT", {str("(\\w+)@(\\w+)\\.com"), str("mail bob@example.com"), i32(2)}),
        value("example"));
    EXPECT_TRUE(call("REGEXP_EXTRACT", {str("\\d+"), str("no digits")}).is_null());
    // RegexpExtract.java: a group beyond the pattern's groups is NULL, a
    // negative one an error (Matcher.group throws).
    EXPECT_TRUE(call("REGEXP_EXTRACT", {str("(a)"), str("a"), i32(3)}).is_null());
    EXPECT_TRUE(call("REGEXP_EXTRACT", {str("(a)"), str("b"), i32(2)}).is_null());
    EXPECT_FALSE(try_call("REGEXP_EXTRACT", {str("(a)"), str("a"), i32(-1)}).ok());
    EXPECT_FALSE(try_call("REGEXP_EXTRACT", {str("(unclosed"), str("a")}).ok());
    EXPECT_EQ(call("REGEXP_REPLACE", {str("quick brown fox"), str("q.*ck"), str("slow")}),
              value("slow brown fox"));
    EXPECT_EQ(call("REGEXP_REPLACE", {str("a1b22c333"), str("\\d+"), str("#")}), value("a#b#c#"));
    EXPECT_EQ(call("REGEXP_REPLACE", {str("john smith"), str("(\\w+) (\\w+)"), str("$2, $1")}),
              value("smith, john"));
    EXPECT_EQ(call("REGEXP_REPLACE", {str("a.b"), str("\\."), str("\\$")}), value("a$b"));
    EXPECT_FALSE(try_call("REGEXP_REPLACE", {str("ab"), str("a"), str("$9")}).ok());
}

// Java regexes match characters, not bytes: '.' and classes take one
// character, and an empty match falls between characters.
TEST(FunctionsRegex, MatchesCharactersNotBytes) {
    const typed s = str("h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x98\x80!");  // héllo wörld 😀!
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("h.l"), s}), value("h\xC3\xA9l"));
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("w[^ ]r"), s}), value("w\xC3\xB6r"));
    EXPECT_EQ(call("REGEXP_EXTRACT", {str(" (.)!"), s, i32(1)}), value("\xF0\x9F\x98\x80"));
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("[\xC3\xA9\xC3\xB6]+"), s}), value("\xC3\xA9"));
    EXPECT_EQ(call("REGEXP_REPLACE", {str("h\xC3\xA9!"), str(""), str(".")}),
              value(".h.\xC3\xA9.!."));
    EXPECT_EQ(call("REGEXP_REPLACE", {s, str("[^a-z ]"), str("_")}), value("h_llo w_rld __"));
    EXPECT_EQ(call("REGEXP_REPLACE", {str("\xC3\xA9t\xC3\xA9"), str("(.)t"), str("[$1]")}),
              value("[\xC3\xA9]\xC3\xA9"));
    // \w and \d are ASCII-only, as in Java without UNICODE_CHARACTER_CLASS.
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("\\w+"), s}), value("h"));
}

// Java's inline flags at the start of a pattern.
TEST(FunctionsRegex, LeadingInlineFlags) {
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("(?i)hello"), str("say HeLLo")}), value("HeLLo"));
    EXPECT_EQ(call("REGEXP_REPLACE", {str("aAbB"), str("(?i)[a]"), str("x")}), value("xxbB"));
    // ASCII only, as Java's CASE_INSENSITIVE without UNICODE_CASE.
    EXPECT_TRUE(call("REGEXP_EXTRACT", {str("(?i)\xC3\xA9"), str("\xC3\x89")}).is_null());
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("(?m)^b$"), str("a\nb\nc")}), value("b"));
    EXPECT_TRUE(call("REGEXP_EXTRACT", {str("^b$"), str("a\nb\nc")}).is_null());
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("(?im)^B$"), str("a\nb\nc")}), value("b"));
    EXPECT_EQ(call("REGEXP_EXTRACT", {str("(?:a)(b)"), str("ab"), i32(1)}), value("b"));
    // Flags Java has and std::regex lacks are an error, not ignored.
    EXPECT_FALSE(try_call("REGEXP_EXTRACT", {str("(?s)a.b"), str("a\nb")}).ok());
    EXPECT_FALSE(try_call("REGEXP_EXTRACT", {str("a(?i)b"), str("aB")}).ok());
}

TEST(FunctionsMisc, UuidIsRandomVersion4) {
    const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const value v = call("UUID", {});
        ASSERT_TRUE(std::regex_match(v.as_string(), shape)) << v.as_string();
        seen.insert(v.as_string());
    }
    EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace cs::streams
