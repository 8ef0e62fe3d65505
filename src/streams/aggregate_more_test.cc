// STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION, HISTOGRAM, TOPK, TOPKDISTINCT,
// ATTR and SUM_LIST: the values of ksqlDB's UDAF unit tests
// (StandardDeviationSampUdafTest, CorrelationUdafTest, AttrTest, ...).

#include <cmath>

#include <gtest/gtest.h>

#include "streams/aggregate.h"

namespace cs::streams {
namespace {

aggregate_fn fn(agg_kind k, std::vector<sql_type> args, std::vector<int64_t> literals = {}) {
    auto f = resolve_aggregate(k, args, literals);
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.err().message);
    return f.ok() ? *f : aggregate_fn{};
}

agg_state fold(const aggregate_fn& f, const std::vector<value>& args) {
    agg_state s = aggregate_init(f);
    for (const auto& a : args) {
        EXPECT_TRUE(aggregate_add(f, s, a).ok());
    }
    return s;
}

value run(const aggregate_fn& f, const std::vector<value>& args) {
    return aggregate_result(f, fold(f, args));
}

value pair(value x, value y) {
    return value::struct_(value_struct{{std::move(x), std::move(y)}});
}

TEST(AggregateMore, StddevSampIsTheSampleVarianceAsKsqlDbs) {
    auto l = fn(agg_kind::stddev_samp, {sql_type::bigint()});
    EXPECT_EQ(run(l, {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{5}}), value(2.5));
    auto i = fn(agg_kind::stddev_samp, {sql_type::integer()});
    EXPECT_EQ(run(i, {3, 5, 6, 7}), value(2.9166666666666665));
    EXPECT_EQ(run(i, {60, value(), 64, 70}), value(25.333333333333332));  // NULL skipped
    EXPECT_EQ(run(i, {0, 0, 0}), value(0.0));
    EXPECT_EQ(run(i, {}), value(0.0));
    EXPECT_EQ(run(i, {7}), value(0.0));  // fewer than two values
    auto d = fn(agg_kind::stddev_samp, {sql_type::double_()});
    EXPECT_EQ(run(d, {10.2, 13.4, 14.5, 17.8}), value(9.829166666666664));
    EXPECT_EQ(d.result_type, sql_type::double_());
    EXPECT_EQ(d.state_type.children[0], sql_type::double_());
    EXPECT_EQ(i.state_type.children[0], sql_type::integer());
    EXPECT_FALSE(resolve_aggregate(agg_kind::stddev_samp, {sql_type::string()}).ok());
}

TEST(AggregateMore, StddevSampleIsTheSquareRoot) {
    auto d = fn(agg_kind::stddev_sample, {sql_type::double_()});
    EXPECT_EQ(run(d, {10.2, 13.4, 14.5, 17.8}), value(std::sqrt(9.829166666666664)));
    auto l = fn(agg_kind::stddev_sample, {sql_type::bigint()});
    EXPECT_EQ(run(l, {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{5}}),
              value(std::sqrt(2.5)));
}

TEST(AggregateMore, StddevUndoAndMergeAsKsqlDbs) {
    auto l = fn(agg_kind::stddev_samp, {sql_type::bigint()});
    agg_state s = fold(l, {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{5}});
    ASSERT_TRUE(aggregate_undo(l, s, int64_t{2}).ok());
    EXPECT_EQ(aggregate_result(l, s), value(2.9166666666666665));
    EXPECT_TRUE(aggregate_undoable(agg_kind::stddev_samp));

    agg_state left = fold(l, {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{5}});
    ASSERT_TRUE(aggregate_merge(l, left, fold(l, {int64_t{2}, int64_t{2}, int64_t{1}})).ok());
    EXPECT_EQ(aggregate_result(l, left), value(2.595238095238095));

    auto i = fn(agg_kind::stddev_samp, {sql_type::integer()});
    agg_state li = fold(i, {5, 8, 10});
    ASSERT_TRUE(aggregate_merge(i, li, fold(i, {6, 7, 9})).ok());
    EXPECT_EQ(aggregate_result(i, li), value(3.4666666666666663));

    auto d = fn(agg_kind::stddev_samp, {sql_type::double_()});
    agg_state ld = fold(d, {5.5, 8.4, 10.9});
    ASSERT_TRUE(aggregate_merge(d, ld, fold(d, {6.3, 7.2, 9.7})).ok());
    EXPECT_EQ(aggregate_result(d, ld), value(4.248000000000001));
}

TEST(AggregateMore, CorrelationOfPairs) {
    auto c = fn(agg_kind::correlation, {sql_type::double_(), sql_type::double_()});
    EXPECT_EQ(c.result_type, sql_type::double_());
    value r = run(c, {pair(1.0, 2.0), pair(2.0, 4.0), pair(3.0, 6.0)});
    EXPECT_DOUBLE_EQ(r.as_double(), 1.0);
    r = run(c, {pair(1.0, 3.0), pair(2.0, 2.0), pair(3.0, 1.0), pair(value(), 9.0)});
    EXPECT_DOUBLE_EQ(r.as_double(), -1.0);
    EXPECT_TRUE(std::isnan(run(c, {}).as_double()));  // 0 / 0
    EXPECT_TRUE(std::isnan(run(c, {pair(1.0, 1.0)}).as_double()));

    auto ints = fn(agg_kind::correlation, {sql_type::integer(), sql_type::bigint()});
    agg_state s = fold(ints, {pair(1, int64_t{1}), pair(2, int64_t{3}), pair(3, int64_t{2})});
    EXPECT_DOUBLE_EQ(aggregate_result(ints, s).as_double(), 0.5);
    ASSERT_TRUE(aggregate_undo(ints, s, pair(3, int64_t{2})).ok());
    EXPECT_DOUBLE_EQ(aggregate_result(ints, s).as_double(), 1.0);
    EXPECT_FALSE(resolve_aggregate(agg_kind::correlation, {sql_type::double_()}).ok());
    EXPECT_FALSE(
        resolve_aggregate(agg_kind::correlation, {sql_type::string(), sql_type::double_()}).ok());
}

TEST(AggregateMore, HistogramCountsStrings) {
    auto h = fn(agg_kind::histogram, {sql_type::string()});
    EXPECT_EQ(h.result_type, sql_type::map(sql_type::bigint()));
    agg_state s = fold(h, {value("baz"), value("foo"), value(), value("baz")});
    EXPECT_EQ(aggregate_result(h, s),
              value::map({{"baz", value(int64_t{2})}, {"foo", value(int64_t{1})}}));
    ASSERT_TRUE(aggregate_undo(h, s, value("foo")).ok());
    ASSERT_TRUE(aggregate_undo(h, s, value("nope")).ok());
    EXPECT_EQ(aggregate_result(h, s), value::map({{"baz", value(int64_t{2})}}));
    EXPECT_EQ(run(h, {}), value::map({}));
    std::vector<value> many;
    for (int i = 0; i < 1001; ++i) {
        many.emplace_back(std::to_string(i));
    }
    many.emplace_back("0");
    value m = run(h, many);
    EXPECT_EQ(m.as_map().size(), 1000U);  // the 1001st distinct value is ignored
    EXPECT_EQ(m.as_map()[0].second, value(int64_t{2}));
    EXPECT_FALSE(resolve_aggregate(agg_kind::histogram, {sql_type::integer()}).ok());
}

TEST(AggregateMore, TopkKeepsTheGreatestDescending) {
    auto t = fn(agg_kind::topk, {sql_type::integer()}, {3});
    EXPECT_EQ(t.result_type, sql_type::array(sql_type::integer()));
    EXPECT_EQ(run(t, {0, 100, value(), 99, 100, 7}), value::array({100, 100, 99}));
    EXPECT_EQ(run(t, {5}), value::array({5}));
    EXPECT_EQ(run(t, {}), value::array({}));
    auto s = fn(agg_kind::topk, {sql_type::string()}, {2});
    EXPECT_EQ(run(s, {value("a"), value("c"), value("b")}), value::array({value("c"), value("b")}));
    EXPECT_FALSE(aggregate_undoable(agg_kind::topk));
    EXPECT_FALSE(resolve_aggregate(agg_kind::topk, {sql_type::integer()}).ok());  // no k
    EXPECT_FALSE(resolve_aggregate(agg_kind::topk, {sql_type::integer()}, {0}).ok());
    EXPECT_FALSE(resolve_aggregate(agg_kind::topk, {sql_type::decimal(4, 2)}, {2}).ok());
    EXPECT_EQ(aggregate_literal_args(agg_kind::topk), 1U);

    agg_state a = fold(t, {9, 5, 1});
    ASSERT_TRUE(aggregate_merge(t, a, fold(t, {9, 6})).ok());
    EXPECT_EQ(aggregate_result(t, a), value::array({9, 9, 6}));
}

TEST(AggregateMore, TopkOfSeveralColumnsKeepsStructsSortedByTheFirst) {
    auto t = fn(agg_kind::topk, {sql_type::integer(), sql_type::string()}, {2});
    const sql_type row =
        sql_type::struct_({"sort_col", "col0"}, {sql_type::integer(), sql_type::string()});
    EXPECT_EQ(t.result_type, sql_type::array(row));
    auto r = [](value v, value name) { return pair(std::move(v), std::move(name)); };
    EXPECT_EQ(run(t, {r(0, value("zero")), r(100, value("one")), r(value(), value("three")),
                      r(99, value("two")), r(100, value())}),
              value::array({r(100, value("one")), r(100, value())}));
    agg_state a = fold(t, {r(5, value("a"))});
    ASSERT_TRUE(aggregate_merge(t, a, fold(t, {r(7, value("b")), r(1, value("c"))})).ok());
    EXPECT_EQ(aggregate_result(t, a), value::array({r(7, value("b")), r(5, value("a"))}));
    EXPECT_FALSE(
        resolve_aggregate(agg_kind::topkdistinct, {sql_type::integer(), sql_type::string()}, {2})
            .ok());
}

TEST(AggregateMore, TopkDistinctKeepsEachValueOnce) {
    auto t = fn(agg_kind::topkdistinct, {sql_type::bigint()}, {3});
    EXPECT_EQ(run(t, {int64_t{0}, int64_t{100}, int64_t{99}, int64_t{100}, int64_t{7}}),
              value::array({int64_t{100}, int64_t{99}, int64_t{7}}));
    auto d = fn(agg_kind::topkdistinct, {sql_type::decimal(4, 2)}, {2});
    EXPECT_EQ(d.result_type, sql_type::array(sql_type::decimal(4, 2)));
    EXPECT_FALSE(aggregate_undoable(agg_kind::topkdistinct));
    EXPECT_FALSE(resolve_aggregate(agg_kind::topkdistinct, {sql_type::boolean()}, {2}).ok());

    agg_state a = fold(t, {int64_t{9}, int64_t{5}});
    ASSERT_TRUE(aggregate_merge(t, a, fold(t, {int64_t{9}, int64_t{6}})).ok());
    EXPECT_EQ(aggregate_result(t, a), value::array({int64_t{9}, int64_t{6}, int64_t{5}}));
}

TEST(AggregateMore, AttrIsTheOnlyValueOrNull) {
    auto a = fn(agg_kind::attr, {sql_type::string()});
    EXPECT_EQ(a.result_type, sql_type::string());
    EXPECT_EQ(run(a, {value("x"), value("x")}), value("x"));
    EXPECT_TRUE(run(a, {value("x"), value("y")}).is_null());
    EXPECT_TRUE(run(a, {value("x"), value()}).is_null());  // NULL is a second value
    EXPECT_TRUE(run(a, {}).is_null());
    agg_state s = fold(a, {value("x"), value("y")});
    ASSERT_TRUE(aggregate_undo(a, s, value("y")).ok());
    EXPECT_EQ(aggregate_result(a, s), value("x"));
    ASSERT_TRUE(aggregate_undo(a, s, value("x")).ok());
    EXPECT_TRUE(aggregate_result(a, s).is_null());
    ASSERT_TRUE(aggregate_merge(a, s, fold(a, {value("z")})).ok());
    EXPECT_EQ(aggregate_result(a, s), value("z"));
}

TEST(AggregateMore, SumListSumsEveryElement) {
    auto i = fn(agg_kind::sum_list, {sql_type::array(sql_type::integer())});
    EXPECT_EQ(i.result_type, sql_type::integer());
    agg_state s = fold(i, {value::array({1, 2, value()}), value(), value::array({10})});
    EXPECT_EQ(aggregate_result(i, s), value(13));
    ASSERT_TRUE(aggregate_undo(i, s, value::array({1, 2})).ok());
    EXPECT_EQ(aggregate_result(i, s), value(10));
    EXPECT_EQ(run(i, {value::array({INT32_MAX, 1})}), value(INT32_MIN));  // wraps as Java's
    EXPECT_EQ(run(i, {}), value(0));
    auto d = fn(agg_kind::sum_list, {sql_type::array(sql_type::double_())});
    EXPECT_EQ(run(d, {value::array({1.5, 2.25})}), value(3.75));
    EXPECT_FALSE(resolve_aggregate(agg_kind::sum_list, {sql_type::integer()}).ok());
    EXPECT_FALSE(resolve_aggregate(agg_kind::sum_list, {sql_type::array(sql_type::string())}).ok());
}

}  // namespace
}  // namespace cs::streams
