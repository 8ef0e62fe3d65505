// The JSON functions: ksqlDB's documented examples and the edges of its
// UDFs (UdfJsonMapper's Jackson settings).

#include <cmath>

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

TEST(FunctionsJsonValues, IsJsonStringAndArrayLength) {
    EXPECT_EQ(call("IS_JSON_STRING", {str("[1, 2, 3]")}), value(true));
    EXPECT_EQ(call("IS_JSON_STRING", {str("\"abc\"")}), value(true));
    EXPECT_EQ(call("IS_JSON_STRING", {str("abc")}), value(false));
    EXPECT_EQ(call("IS_JSON_STRING", {str("")}), value(false));
    EXPECT_EQ(call("IS_JSON_STRING", {null_of(sql_type::string())}), value(false));
    EXPECT_EQ(call("JSON_ARRAY_LENGTH", {str("[1, [1, [2]], 3]")}), value(int32_t{3}));
    EXPECT_EQ(call("JSON_ARRAY_LENGTH", {str("[]")}), value(int32_t{0}));
    EXPECT_TRUE(call("JSON_ARRAY_LENGTH", {str("{}")}).is_null());
    EXPECT_TRUE(call("JSON_ARRAY_LENGTH", {str("")}).is_null());
    EXPECT_TRUE(call("JSON_ARRAY_LENGTH", {null_of(sql_type::string())}).is_null());
    EXPECT_FALSE(try_call("JSON_ARRAY_LENGTH", {str("[1,")}).ok()) << "malformed: an error";
}

TEST(FunctionsJsonValues, KeysAndRecords) {
    EXPECT_EQ(call("JSON_KEYS", {str(R"({"a": "abc", "b": { "c": "a" }, "d": 1})")}),
              value::array({value("a"), value("b"), value("d")}));
    EXPECT_EQ(call("JSON_KEYS", {str(R"({"a": 1, "b": 2, "a": 3})")}),
              value::array({value("a"), value("b")}));
    EXPECT_TRUE(call("JSON_KEYS", {str("[]")}).is_null());
    EXPECT_EQ(
        call("JSON_RECORDS", {str(R"({"a": "abc", "b": { "c": "a" }, "d": 1e2, "e": null})")}),
        value::map({{"a", value("abc")},
                    {"b", value(R"({"c":"a"})")},
                    {"d", value("1E+2")},
                    {"e", value("null")}}));
    EXPECT_EQ(call("JSON_RECORDS", {str(R"({"a": 1, "a": "x"})")}),
              value::map({{"a", value("x")}}));
    EXPECT_TRUE(call("JSON_RECORDS", {str("5")}).is_null());
}

TEST(FunctionsJsonValues, Concat) {
    EXPECT_EQ(call("JSON_CONCAT", {str(R"({"a": 1})"), str(R"({"b": 2})")}),
              value(R"({"a":1,"b":2})"));
    EXPECT_EQ(call("JSON_CONCAT", {str(R"({"a": {"3": 4}})"), str(R"({"a": {"5": 6}})")}),
              value(R"({"a":{"5":6}})"));
    EXPECT_EQ(call("JSON_CONCAT", {str("[1, 2]"), str("[3, 4]")}), value("[1,2,3,4]"));
    EXPECT_EQ(call("JSON_CONCAT", {str(R"({"a": 1})"), str("[3, 4]")}), value(R"([{"a":1},3,4])"));
    EXPECT_EQ(call("JSON_CONCAT", {str("1e2"), str("2.50")}), value("[100,2.50]"));
    EXPECT_TRUE(call("JSON_CONCAT", {str("[1]"), null_of(sql_type::string())}).is_null());
    EXPECT_TRUE(call("JSON_CONCAT", {str("[1]"), str("")}).is_null());
    EXPECT_FALSE(try_call("JSON_CONCAT", {str("[1]"), str("{")}).ok());
}

TEST(FunctionsJsonValues, ArrayContains) {
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[1, 2, 3]"), i32(3)}), value(true));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[1, 2, 3]"), i64(4)}), value(false));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[1.0, 2]"), i32(1)}), value(false))
        << "an INTEGER only matches integral numbers";
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[1.0, 2]"), dbl(1.0)}), value(true));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str(R"(["a", [3], {"b": 3}])"), str("a")}), value(true));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str(R"([[3], {"b": 3}])"), i32(3)}), value(false))
        << "only top-level elements";
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[true]"), typed{value(true), sql_type::boolean()}}),
              value(true));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[1, null]"), null_of(sql_type::integer())}),
              value(true));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[1, 2, oops"), i32(1)}), value(true))
        << "read as a stream: what comes before the error counts";
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("{\"a\": 1}"), i32(1)}), value(false));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {str("[99999999999]"), i32(1)}), value(false));
    EXPECT_EQ(call("JSON_ARRAY_CONTAINS", {null_of(sql_type::string()), i32(1)}), value(false));
}

TEST(FunctionsJsonValues, ToJsonString) {
    EXPECT_EQ(call("TO_JSON_STRING", {i32(1)}), value("1"));
    EXPECT_EQ(call("TO_JSON_STRING", {str("a\"b")}), value(R"("a\"b")"));
    EXPECT_EQ(call("TO_JSON_STRING", {dbl(1)}), value("1.0"));
    EXPECT_EQ(call("TO_JSON_STRING", {dbl(NAN)}), value(R"("NaN")"));
    EXPECT_EQ(call("TO_JSON_STRING", {dec(150, 4, 2)}), value("1.50"));
    EXPECT_EQ(call("TO_JSON_STRING", {ts(1000)}), value(R"("1970-01-01T00:00:01.000")"));
    EXPECT_EQ(call("TO_JSON_STRING", {null_of(sql_type::string())}), value("null"));
    typed m{value::map({{"b", value(int32_t{2})}, {"a", value()}}),
            sql_type::map(sql_type::integer())};
    EXPECT_EQ(call("TO_JSON_STRING", {m}), value(R"({"a":null,"b":2})"));
    typed s{value::struct_(value_struct{{value(std::string("x")), value(int32_t{1})}}),
            sql_type::struct_({"Z", "A"}, {sql_type::string(), sql_type::integer()})};
    EXPECT_EQ(call("TO_JSON_STRING", {s}), value(R"({"A":1,"Z":"x"})"));
    typed a{value::array({value(int32_t{1}), value()}), sql_type::array(sql_type::integer())};
    EXPECT_EQ(call("TO_JSON_STRING", {a}), value("[1,null]"));
    typed b{value(bytes_value{"hi"}), sql_type::bytes()};
    EXPECT_EQ(call("TO_JSON_STRING", {b}), value(R"("aGk=")"));
}

}  // namespace
}  // namespace cs::streams
