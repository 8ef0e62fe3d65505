// EXPLODE and CUBE_EXPLODE's elements and types (ksqlDB's ExplodeTest and
// CubeTest).

#include "streams/flat_map.h"

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

value_list rows(const std::string& name, const value& arg) {
    table_function_call call;
    call.name = name;
    std::vector<value> args{arg};
    auto r = table_function_rows(call, args);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return r.ok() ? *r : value_list{};
}

TEST(FlatMap, ExplodeGivesEachElement) {
    EXPECT_EQ(rows("EXPLODE", value::array({1, value(), 3})), (value_list{1, value(), 3}));
    EXPECT_TRUE(rows("EXPLODE", value::array({})).empty());
    EXPECT_TRUE(rows("EXPLODE", value()).empty());
    std::vector<sql_type> t{sql_type::array(sql_type::decimal(4, 2))};
    EXPECT_EQ(*table_function_type("EXPLODE", t), sql_type::decimal(4, 2));
    std::vector<sql_type> m{sql_type::map(sql_type::integer())};
    auto bad = table_function_type("EXPLODE", m);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message,
              "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid "
              "alternatives are:\nexplode(ARRAY<T> list)");
}

TEST(FlatMap, CubeExplodeGivesEveryCombination) {
    EXPECT_EQ(rows("CUBE_EXPLODE", value::array({1, 2})),
              (value_list{value::array({value(), value()}), value::array({value(), 2}),
                          value::array({1, value()}), value::array({1, 2})}));
    // A NULL element has one possibility: no duplicate rows.
    EXPECT_EQ(rows("CUBE_EXPLODE", value::array({1, value()})),
              (value_list{value::array({value(), value()}), value::array({1, value()})}));
    EXPECT_EQ(rows("CUBE_EXPLODE", value::array({})), (value_list{value::array({})}));
    EXPECT_TRUE(rows("CUBE_EXPLODE", value()).empty());
    EXPECT_EQ(rows("CUBE_EXPLODE", value::array(value_list(20, value(1)))).size(), 1U << 20);
    table_function_call call;
    call.name = "CUBE_EXPLODE";
    std::vector<value> args{value::array(value_list(21, value(1)))};
    auto r = table_function_rows(call, args);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().message, "cube_explode: too many columns (21); max is 20");
    std::vector<sql_type> t{sql_type::array(sql_type::string())};
    EXPECT_EQ(*table_function_type("CUBE_EXPLODE", t), sql_type::array(sql_type::string()));
}

TEST(FlatMap, NamesAndNesting) {
    EXPECT_TRUE(is_table_function("EXPLODE"));
    EXPECT_TRUE(is_table_function("CUBE_EXPLODE"));
    EXPECT_FALSE(is_table_function("ABS"));
    EXPECT_EQ(table_function_names(), (std::vector<std::string>{"CUBE_EXPLODE", "EXPLODE"}));
}

}  // namespace
}  // namespace cs::streams
