#include "streams/operators.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

const sql_type S = sql_type::string();
const sql_type I = sql_type::integer();
const sql_type L = sql_type::bigint();
const sql_type D = sql_type::double_();

value arith(arith_op op, const value& a, const sql_type& ta, const value& b, const sql_type& tb) {
    auto t = arithmetic_type(op, ta, tb);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.err().message);
    if (!t.ok()) {
        return value();
    }
    auto r = arithmetic(op, a, ta, b, tb, *t);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return r.ok() ? *r : value();
}

TEST(Operators, TypePromotion) {
    EXPECT_EQ(*arithmetic_type(arith_op::add, I, I), I);
    EXPECT_EQ(*arithmetic_type(arith_op::add, I, L), L);
    EXPECT_EQ(*arithmetic_type(arith_op::mul, L, D), D);
    EXPECT_EQ(*arithmetic_type(arith_op::add, sql_type::decimal(5, 2), D), D);
    EXPECT_EQ(*arithmetic_type(arith_op::add, S, S), S);
    EXPECT_FALSE(arithmetic_type(arith_op::sub, S, S).ok());
    EXPECT_FALSE(arithmetic_type(arith_op::add, S, I).ok());
    EXPECT_FALSE(arithmetic_type(arith_op::add, sql_type::boolean(), I).ok());
}

TEST(Operators, DecimalResultTypesAsKsqlDecimalUtil) {
    const sql_type a = sql_type::decimal(5, 2);
    const sql_type b = sql_type::decimal(4, 3);
    // + and -: scale max(s1,s2), precision scale + max(p1-s1, p2-s2) + 1.
    EXPECT_EQ(*arithmetic_type(arith_op::add, a, b), sql_type::decimal(7, 3));
    // *: p1+p2+1, s1+s2.
    EXPECT_EQ(*arithmetic_type(arith_op::mul, a, b), sql_type::decimal(10, 5));
    // /: scale max(6, s1+p2+1), precision p1-s1+s2+scale.
    EXPECT_EQ(*arithmetic_type(arith_op::div, a, b), sql_type::decimal(13, 7));
    // %: min(p1-s1, p2-s2) + max(s1,s2), max(s1,s2).
    EXPECT_EQ(*arithmetic_type(arith_op::mod, a, b), sql_type::decimal(4, 3));
    // INTEGER joins as DECIMAL(10, 0).
    EXPECT_EQ(*arithmetic_type(arith_op::add, a, I), sql_type::decimal(13, 2));
    EXPECT_EQ(arithmetic_type(arith_op::mul, sql_type::decimal(30, 2), sql_type::decimal(30, 2))
                  ->precision,
              38);
}

TEST(Operators, IntegerArithmeticWrapsLikeJava) {
    EXPECT_EQ(arith(arith_op::add, 2, I, 3, I), value(int32_t{5}));
    EXPECT_EQ(arith(arith_op::add, std::numeric_limits<int32_t>::max(), I, 1, I),
              value(std::numeric_limits<int32_t>::min()));
    EXPECT_EQ(arith(arith_op::mul, int64_t{1} << 62, L, int64_t{4}, L), value(int64_t{0}));
    EXPECT_EQ(arith(arith_op::div, 7, I, 2, I), value(int32_t{3}));
    EXPECT_EQ(arith(arith_op::div, -7, I, 2, I), value(int32_t{-3}));
    EXPECT_EQ(arith(arith_op::mod, -7, I, 3, I), value(int32_t{-1}));
    EXPECT_EQ(arith(arith_op::div, std::numeric_limits<int32_t>::min(), I, -1, I),
              value(std::numeric_limits<int32_t>::min()));
    EXPECT_EQ(arith(arith_op::mod, std::numeric_limits<int32_t>::min(), I, -1, I),
              value(int32_t{0}));
    EXPECT_EQ(arith(arith_op::sub, 5, I, int64_t{7}, L), value(int64_t{-2}));
    EXPECT_EQ(arith(arith_op::add, 1, I, 0.5, D), value(1.5));
}

TEST(Operators, IntegerDivisionByZeroIsAnError) {
    auto r = arithmetic(arith_op::div, 1, I, 0, I, I);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, errc::invalid_argument);
    EXPECT_FALSE(arithmetic(arith_op::mod, int64_t{1}, L, int64_t{0}, L, L).ok());
    // Doubles follow IEEE, as Java does.
    EXPECT_TRUE(std::isinf(arith(arith_op::div, 1.0, D, 0.0, D).as_double()));
    EXPECT_TRUE(std::isnan(arith(arith_op::mod, 1.0, D, 0.0, D).as_double()));
    const sql_type d = sql_type::decimal(3, 1);
    EXPECT_FALSE(arithmetic(arith_op::div, decimal_value{10, 1}, d, decimal_value{0, 1}, d,
                            *arithmetic_type(arith_op::div, d, d))
                     .ok());
}

TEST(Operators, NullInNullOut) {
    EXPECT_TRUE(arith(arith_op::add, value(), I, 1, I).is_null());
    EXPECT_TRUE(arith(arith_op::div, 1, I, value(), I).is_null());
}

TEST(Operators, DecimalArithmetic) {
    const sql_type a = sql_type::decimal(5, 2);
    const sql_type b = sql_type::decimal(4, 3);
    EXPECT_EQ(arith(arith_op::add, decimal_value{150, 2}, a, decimal_value{2250, 3}, b),
              value(decimal_value{3750, 3}));  // 1.50 + 2.250
    EXPECT_EQ(arith(arith_op::sub, decimal_value{150, 2}, a, decimal_value{2250, 3}, b),
              value(decimal_value{-750, 3}));
    EXPECT_EQ(arith(arith_op::mul, decimal_value{150, 2}, a, decimal_value{2250, 3}, b),
              value(decimal_value{337500, 5}));  // 3.37500
    // 1.00 / 3.000 = 0.3333333 (scale 7, HALF_UP).
    EXPECT_EQ(arith(arith_op::div, decimal_value{100, 2}, a, decimal_value{3000, 3}, b),
              value(decimal_value{3333333, 7}));
    // 2.00 / 3.000 = 0.6666667.
    EXPECT_EQ(arith(arith_op::div, decimal_value{200, 2}, a, decimal_value{3000, 3}, b),
              value(decimal_value{6666667, 7}));
    EXPECT_EQ(arith(arith_op::div, decimal_value{-200, 2}, a, decimal_value{3000, 3}, b),
              value(decimal_value{-6666667, 7}));
    // 5.50 % 2.000 = 1.500.
    EXPECT_EQ(arith(arith_op::mod, decimal_value{550, 2}, a, decimal_value{2000, 3}, b),
              value(decimal_value{1500, 3}));
    EXPECT_EQ(arith(arith_op::add, decimal_value{150, 2}, a, 2, I), value(decimal_value{350, 2}));
    EXPECT_EQ(arith(arith_op::mul, decimal_value{150, 2}, a, 2.0, D), value(3.0));
}

TEST(Operators, StringConcatenation) {
    EXPECT_EQ(arith(arith_op::add, "foo", S, "bar", S), value("foobar"));
}

TEST(Operators, CompareAcrossTypes) {
    EXPECT_EQ(*compare_values(1, I, int64_t{2}, L), -1);
    EXPECT_EQ(*compare_values(2.0, D, 2, I), 0);
    EXPECT_EQ(*compare_values(decimal_value{150, 2}, sql_type::decimal(3, 2), 1.4, D), 1);
    EXPECT_EQ(*compare_values(decimal_value{150, 2}, sql_type::decimal(3, 2), decimal_value{15, 1},
                              sql_type::decimal(2, 1)),
              0);
    EXPECT_EQ(*compare_values(decimal_value{-150, 2}, sql_type::decimal(3, 2), -1, I), -1);
    EXPECT_EQ(*compare_values("abc", S, "abd", S), -1);
    EXPECT_EQ(*compare_values("b", S, "a", S), 1);
    EXPECT_EQ(*compare_values(false, sql_type::boolean(), true, sql_type::boolean()), -1);
    EXPECT_EQ(*compare_values(timestamp_ms{1000}, sql_type::timestamp(), timestamp_ms{1000},
                              sql_type::timestamp()),
              0);
    EXPECT_EQ(*compare_values(timestamp_ms{0}, sql_type::timestamp(), "1970-01-01T00:00:01", S),
              -1);
    EXPECT_EQ(*compare_values(std::nan(""), D, 1.0, D), 1);
    EXPECT_TRUE(comparable(I, D));
    EXPECT_FALSE(comparable(I, S));
    EXPECT_FALSE(comparable(sql_type::array(I), sql_type::array(I)));
    auto bad = compare_values(1, I, "1", S);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().code, errc::invalid_argument);
}

}  // namespace
}  // namespace cs::streams
