// Array and map functions: ksqlDB's documented examples and the edges its
// UDFs define (NULL inputs, NULL elements, duplicates, directions, ranges).

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

typed ints(std::initializer_list<std::optional<int32_t>> items) {
    value_list out;
    for (auto i : items) {
        out.push_back(i ? value(*i) : value());
    }
    return {value::array(std::move(out)), sql_type::array(sql_type::integer())};
}

typed strs(std::initializer_list<const char*> items) {
    value_list out;
    for (const char* s : items) {
        out.push_back(s ? value(std::string(s)) : value());
    }
    return {value::array(std::move(out)), sql_type::array(sql_type::string())};
}

typed null_ints() {
    return null_of(sql_type::array(sql_type::integer()));
}

TEST(FunctionsArray, SetLikeFunctionsKeepFirstOccurrencesInOrder) {
    EXPECT_EQ(call("ARRAY_DISTINCT", {ints({1, 1, 2, 3, 1, 2})}).as_array(),
              ints({1, 2, 3}).v.as_array());
    EXPECT_EQ(call("ARRAY_DISTINCT", {strs({"foo", nullptr, "foo", nullptr})}),
              strs({"foo", nullptr}).v);
    EXPECT_EQ(call("ARRAY_EXCEPT", {ints({1, 2, 3, 1, 4}), ints({2, 4})}), ints({1, 3}).v);
    EXPECT_EQ(call("ARRAY_INTERSECT", {ints({1, 2, 3, 2}), ints({2, 3, 5})}), ints({2, 3}).v);
    EXPECT_EQ(call("ARRAY_UNION", {ints({1, 2, 2}), ints({3, 1, 4})}), ints({1, 2, 3, 4}).v);
    EXPECT_EQ(call("ARRAY_UNION", {ints({1, std::nullopt}), ints({std::nullopt, 2})}),
              ints({1, std::nullopt, 2}).v);
    for (const char* f : {"ARRAY_EXCEPT", "ARRAY_INTERSECT", "ARRAY_UNION"}) {
        EXPECT_TRUE(call(f, {ints({1}), null_ints()}).is_null()) << f;
        EXPECT_TRUE(call(f, {null_ints(), ints({1})}).is_null()) << f;
    }
    EXPECT_FALSE(try_call("ARRAY_UNION", {ints({1}), strs({"a"})}).ok());
}

TEST(FunctionsArray, ConcatIsNullOnlyWhenBothAre) {
    EXPECT_EQ(call("ARRAY_CONCAT", {ints({1, 2}), ints({2, 3})}), ints({1, 2, 2, 3}).v);
    EXPECT_EQ(call("ARRAY_CONCAT", {null_ints(), ints({3})}), ints({3}).v);
    EXPECT_EQ(call("ARRAY_CONCAT", {ints({1}), null_ints()}), ints({1}).v);
    EXPECT_TRUE(call("ARRAY_CONCAT", {null_ints(), null_ints()}).is_null());
}

TEST(FunctionsArray, MaxMinSkipNulls) {
    EXPECT_EQ(call("ARRAY_MAX", {ints({-1, 2, std::nullopt, 0})}), value(int32_t{2}));
    EXPECT_EQ(call("ARRAY_MIN", {ints({-1, 2, std::nullopt, 0})}), value(int32_t{-1}));
    EXPECT_EQ(call("ARRAY_MAX", {strs({"foo", "Food", "bar"})}), value("foo"));
    EXPECT_EQ(call("ARRAY_MIN", {strs({"foo", "Food", "bar"})}), value("Food"));
    EXPECT_TRUE(call("ARRAY_MAX", {ints({})}).is_null());
    EXPECT_TRUE(call("ARRAY_MIN", {ints({std::nullopt})}).is_null());
    EXPECT_TRUE(call("ARRAY_MAX", {null_ints()}).is_null());
    typed bools{value::array({value(false), value(true)}), sql_type::array(sql_type::boolean())};
    EXPECT_EQ(call("ARRAY_MAX", {bools}), value(true));
}

TEST(FunctionsArray, SortPutsNullsLastBothWays) {
    EXPECT_EQ(call("ARRAY_SORT", {ints({2, std::nullopt, -1, 3})}),
              ints({-1, 2, 3, std::nullopt}).v);
    EXPECT_EQ(call("ARRAY_SORT", {ints({2, std::nullopt, -1, 3}), str("desc")}),
              ints({3, 2, -1, std::nullopt}).v);
    EXPECT_EQ(call("ARRAY_SORT", {strs({"foo", "Food", "bar"})}), strs({"Food", "bar", "foo"}).v);
    EXPECT_EQ(call("ARRAY_SORT", {ints({1, 2}), str("Descending")}), ints({2, 1}).v);
    EXPECT_TRUE(call("ARRAY_SORT", {ints({1}), str("sideways")}).is_null());
    EXPECT_TRUE(call("ARRAY_SORT", {null_ints()}).is_null());
}

TEST(FunctionsArray, RemoveAndSlice) {
    EXPECT_EQ(call("ARRAY_REMOVE", {ints({1, 2, 1, std::nullopt}), i32(1)}),
              ints({2, std::nullopt}).v);
    EXPECT_EQ(call("ARRAY_REMOVE", {ints({1, std::nullopt}), null_of(sql_type::integer())}),
              ints({1}).v);
    EXPECT_TRUE(call("ARRAY_REMOVE", {null_ints(), i32(1)}).is_null());
    EXPECT_EQ(call("SLICE", {ints({1, 2, 3, 4}), i32(2), i32(3)}), ints({2, 3}).v);
    EXPECT_EQ(call("SLICE", {ints({1, 2, 3, 4}), null_of(sql_type::integer()), i32(2)}),
              ints({1, 2}).v);
    EXPECT_EQ(call("SLICE", {ints({1, 2, 3}), i32(2), null_of(sql_type::integer())}),
              ints({2, 3}).v);
    EXPECT_TRUE(call("SLICE", {ints({1, 2, 3}), i32(0), i32(2)}).is_null());
    EXPECT_TRUE(call("SLICE", {ints({1, 2, 3}), i32(2), i32(4)}).is_null());
    EXPECT_EQ(call("SLICE", {ints({1, 2, 3}), i32(3), i32(2)}), ints({}).v);
    EXPECT_FALSE(try_call("SLICE", {ints({1, 2, 3}), i32(3), i32(1)}).ok());
}

TEST(FunctionsArray, GenerateSeries) {
    EXPECT_EQ(call("GENERATE_SERIES", {i32(1), i32(4)}), ints({1, 2, 3, 4}).v);
    EXPECT_EQ(call("GENERATE_SERIES", {i32(4), i32(1)}), ints({4, 3, 2, 1}).v);
    EXPECT_EQ(call("GENERATE_SERIES", {i32(0), i32(9), i32(4)}), ints({0, 4, 8}).v);
    EXPECT_EQ(call("GENERATE_SERIES", {i32(2), i32(2)}), ints({2}).v);
    value big = call("GENERATE_SERIES", {i64(1), i32(2)});
    EXPECT_EQ(big, value::array({value(int64_t{1}), value(int64_t{2})}));
    auto zero = try_call("GENERATE_SERIES", {i32(1), i32(5), i32(0)});
    ASSERT_FALSE(zero.ok());
    EXPECT_NE(zero.err().message.find("step cannot be zero"), std::string::npos);
    auto sign = try_call("GENERATE_SERIES", {i32(1), i32(5), i32(-1)});
    ASSERT_FALSE(sign.ok());
    EXPECT_NE(sign.err().message.find("wrong sign"), std::string::npos);
    EXPECT_FALSE(try_call("GENERATE_SERIES", {i64(0), i64(int64_t{1} << 40)}).ok());
    EXPECT_FALSE(try_call("GENERATE_SERIES", {dbl(1), dbl(2)}).ok());
}

TEST(FunctionsArray, MapsFromArraysEntriesAndUnion) {
    value m = call("AS_MAP", {strs({"a", "b", "c"}), ints({1, 2})});
    EXPECT_EQ(m, value::map({{"a", value(int32_t{1})}, {"b", value(int32_t{2})}, {"c", value()}}));
    EXPECT_TRUE(call("AS_MAP", {strs({"a"}), null_ints()}).is_null());
    typed map{m, sql_type::map(sql_type::integer())};
    typed other{value::map({{"c", value(int32_t{3})}, {"d", value(int32_t{4})}}),
                sql_type::map(sql_type::integer())};
    EXPECT_EQ(call("MAP_UNION", {map, other}), value::map({{"a", value(int32_t{1})},
                                                           {"b", value(int32_t{2})},
                                                           {"c", value(int32_t{3})},
                                                           {"d", value(int32_t{4})}}));
    EXPECT_EQ(call("MAP_UNION", {null_of(map.t), other}), other.v);
    EXPECT_TRUE(call("MAP_UNION", {null_of(map.t), null_of(map.t)}).is_null());
    typed unsorted{value::map({{"b", value(int32_t{2})}, {"a", value(int32_t{1})}}), map.t};
    value e = call("ENTRIES", {unsorted, typed{value(true), sql_type::boolean()}});
    ASSERT_EQ(e.as_array().size(), 2u);
    EXPECT_EQ(e.as_array()[0],
              value::struct_(value_struct{{value(std::string("a")), value(int32_t{1})}}));
    EXPECT_FALSE(try_call("ENTRIES", {typed{value::map({}), sql_type::map(sql_type::bytes())},
                                      typed{value(true), sql_type::boolean()}})
                     .ok());
    value kept = call("ENTRIES", {unsorted, typed{value(false), sql_type::boolean()}});
    EXPECT_EQ(kept.as_array()[0],
              value::struct_(value_struct{{value(std::string("b")), value(int32_t{2})}}));
}

}  // namespace
}  // namespace cs::streams
