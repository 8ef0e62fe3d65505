#include "streams/aggregate.h"

#include <gtest/gtest.h>

#include "streams/query_plan.h"

namespace cs::streams {
namespace {

aggregate_fn fn(agg_kind k, sql_type arg) {
    auto f = resolve_aggregate(k, {std::move(arg)});
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.err().message);
    return *f;
}

value run(const aggregate_fn& f, const std::vector<value>& args) {
    agg_state s = aggregate_init(f);
    for (const auto& a : args) {
        EXPECT_TRUE(aggregate_add(f, s, a).ok());
    }
    return aggregate_result(f, s);
}

TEST(aggregate, names) {
    EXPECT_EQ(aggregate_kind("COUNT"), agg_kind::count);
    EXPECT_EQ(aggregate_kind("COLLECT_SET"), agg_kind::collect_set);
    EXPECT_FALSE(aggregate_kind("UCASE"));
    EXPECT_STREQ(aggregate_name(agg_kind::count_star), "COUNT");
}

TEST(aggregate, counts) {
    auto star = resolve_aggregate(agg_kind::count_star, {});
    ASSERT_TRUE(star.ok());
    EXPECT_EQ(run(*star, {value(), value(1), value()}), value(int64_t{3}));
    auto count = fn(agg_kind::count, sql_type::integer());
    EXPECT_EQ(count.result_type, sql_type::bigint());
    EXPECT_EQ(run(count, {value(), value(1), value(2)}), value(int64_t{2}));
    auto distinct = fn(agg_kind::count_distinct, sql_type::string());
    EXPECT_EQ(run(distinct, {value("a"), value(), value("b"), value("a")}), value(int64_t{2}));
    EXPECT_EQ(run(distinct, {}), value(int64_t{0}));
}

TEST(aggregate, sum_keeps_the_type_and_skips_nulls) {
    auto i = fn(agg_kind::sum, sql_type::integer());
    EXPECT_EQ(i.result_type, sql_type::integer());
    EXPECT_EQ(run(i, {value(1), value(), value(2)}), value(3));
    EXPECT_EQ(run(i, {}), value(0));  // ksqlDB's initial value
    // Java's int overflow wraps.
    EXPECT_EQ(run(i, {value(INT32_MAX), value(1)}), value(INT32_MIN));
    auto b = fn(agg_kind::sum, sql_type::bigint());
    EXPECT_EQ(run(b, {value(int64_t{5}), value(int64_t{-7})}), value(int64_t{-2}));
    auto d = fn(agg_kind::sum, sql_type::double_());
    EXPECT_EQ(run(d, {value(0.5), value(0.25)}), value(0.75));
    auto dec = fn(agg_kind::sum, sql_type::decimal(4, 2));
    EXPECT_EQ(dec.result_type, sql_type::decimal(4, 2));
    EXPECT_EQ(run(dec, {value(decimal_value{.unscaled = 125, .scale = 2}),
                        value(decimal_value{.unscaled = 75, .scale = 2})}),
              value(decimal_value{.unscaled = 200, .scale = 2}));
    agg_state s = aggregate_init(dec);
    ASSERT_TRUE(aggregate_add(dec, s, decimal_value{.unscaled = 9000, .scale = 2}).ok());
    auto st = aggregate_add(dec, s, decimal_value{.unscaled = 1000, .scale = 2});
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("Numeric field overflow"), std::string::npos);
    EXPECT_FALSE(resolve_aggregate(agg_kind::sum, {sql_type::string()}).ok());
}

TEST(aggregate, avg_is_double) {
    auto a = fn(agg_kind::avg, sql_type::integer());
    EXPECT_EQ(a.result_type, sql_type::double_());
    EXPECT_EQ(run(a, {value(1), value(), value(2)}), value(1.5));
    EXPECT_EQ(run(a, {value()}), value(0.0));  // AverageUdaf.map of a count of 0
    auto d = fn(agg_kind::avg, sql_type::decimal(5, 1));
    EXPECT_EQ(run(d, {value(decimal_value{.unscaled = 15, .scale = 1}),
                      value(decimal_value{.unscaled = 5, .scale = 1})}),
              value(1.0));
}

// Table aggregation: taking a value back out (TableUdaf.undo).
TEST(aggregate, undo) {
    EXPECT_TRUE(aggregate_undoable(agg_kind::count_star));
    EXPECT_TRUE(aggregate_undoable(agg_kind::collect_list));
    EXPECT_FALSE(aggregate_undoable(agg_kind::min));
    EXPECT_FALSE(aggregate_undoable(agg_kind::collect_set));
    EXPECT_FALSE(aggregate_undoable(agg_kind::count_distinct));
    auto undo = [](const aggregate_fn& f, const std::vector<value>& in,
                   const std::vector<value>& out) {
        agg_state s = aggregate_init(f);
        for (const auto& a : in) {
            EXPECT_TRUE(aggregate_add(f, s, a).ok());
        }
        for (const auto& a : out) {
            EXPECT_TRUE(aggregate_undo(f, s, a).ok());
        }
        return aggregate_result(f, s);
    };
    auto star = resolve_aggregate(agg_kind::count_star, {});
    ASSERT_TRUE(star.ok());
    EXPECT_EQ(undo(*star, {value(), value(1)}, {value()}), value(int64_t{1}));
    auto count = fn(agg_kind::count, sql_type::integer());
    EXPECT_EQ(undo(count, {value(1), value(2)}, {value(), value(1)}), value(int64_t{1}));
    EXPECT_EQ(undo(fn(agg_kind::sum, sql_type::integer()), {value(5), value(7)}, {value(5)}),
              value(7));
    // INT sums wrap both ways, as Java's.
    EXPECT_EQ(undo(fn(agg_kind::sum, sql_type::integer()), {value(1)}, {value(INT32_MIN)}),
              value(INT32_MIN + 1));
    EXPECT_EQ(undo(fn(agg_kind::sum, sql_type::decimal(4, 2)),
                   {value(decimal_value{.unscaled = 125, .scale = 2})},
                   {value(decimal_value{.unscaled = 25, .scale = 2})}),
              value(decimal_value{.unscaled = 100, .scale = 2}));
    auto avg = fn(agg_kind::avg, sql_type::double_());
    EXPECT_EQ(undo(avg, {value(1.0), value(3.0), value(8.0)}, {value(8.0), value()}), value(2.0));
    EXPECT_EQ(undo(avg, {value(1.0)}, {value(1.0)}), value(0.0));
    auto list = fn(agg_kind::collect_list, sql_type::string());
    EXPECT_EQ(
        undo(list, {value("a"), value("b"), value("a"), value("c")}, {value("a"), value("x")}),
        value::array({value("a"), value("b"), value("c")}));
    agg_state max_state;
    EXPECT_FALSE(aggregate_undo(fn(agg_kind::max, sql_type::integer()), max_state, value(1)).ok());
}

TEST(aggregate, min_max) {
    auto mn = fn(agg_kind::min, sql_type::string());
    EXPECT_EQ(run(mn, {value("b"), value(), value("a"), value("c")}), value("a"));
    auto mx = fn(agg_kind::max, sql_type::double_());
    EXPECT_EQ(run(mx, {value(1.0), value(3.0), value(2.0)}), value(3.0));
    EXPECT_TRUE(run(mx, {value()}).is_null());
    EXPECT_FALSE(resolve_aggregate(agg_kind::max, {sql_type::array(sql_type::integer())}).ok());
}

TEST(aggregate, by_offset) {
    auto latest = fn(agg_kind::latest_by_offset, sql_type::string());
    EXPECT_EQ(run(latest, {value("a"), value("b"), value()}), value("b"));
    auto earliest = fn(agg_kind::earliest_by_offset, sql_type::string());
    EXPECT_EQ(run(earliest, {value(), value("a"), value("b")}), value("a"));
}

TEST(aggregate, collect) {
    auto list = fn(agg_kind::collect_list, sql_type::integer());
    EXPECT_EQ(list.result_type, sql_type::array(sql_type::integer()));
    EXPECT_EQ(run(list, {value(1), value(), value(1)}),
              value::array({value(1), value(), value(1)}));
    EXPECT_EQ(run(list, {}), value::array({}));
    auto set = fn(agg_kind::collect_set, sql_type::integer());
    EXPECT_EQ(run(set, {value(1), value(2), value(1)}), value::array({value(1), value(2)}));
    std::vector<value> many(collect_limit + 5, value(7));
    EXPECT_EQ(run(list, many).as_array().size(), collect_limit);
}

// Session windows merge two groups' states.
TEST(aggregate, merge) {
    auto merged = [](const aggregate_fn& f, const std::vector<value>& earlier,
                     const std::vector<value>& later) {
        agg_state a = aggregate_init(f);
        for (const auto& v : earlier) {
            EXPECT_TRUE(aggregate_add(f, a, v).ok());
        }
        agg_state b = aggregate_init(f);
        for (const auto& v : later) {
            EXPECT_TRUE(aggregate_add(f, b, v).ok());
        }
        EXPECT_TRUE(aggregate_merge(f, a, b).ok());
        return aggregate_result(f, a);
    };
    auto star = *resolve_aggregate(agg_kind::count_star, {});
    EXPECT_EQ(merged(star, {value(), value()}, {value()}), value(int64_t{3}));
    EXPECT_EQ(merged(fn(agg_kind::sum, sql_type::integer()), {value(1)}, {value(2), value(3)}),
              value(6));
    EXPECT_EQ(merged(fn(agg_kind::avg, sql_type::integer()), {value(1)}, {value(2), value(3)}),
              value(2.0));
    EXPECT_EQ(merged(fn(agg_kind::max, sql_type::integer()), {value(5)}, {value(2)}), value(5));
    EXPECT_EQ(merged(fn(agg_kind::min, sql_type::integer()), {}, {value(2)}), value(2));
    EXPECT_EQ(merged(fn(agg_kind::latest_by_offset, sql_type::string()), {value("a")}, {}),
              value("a"));
    EXPECT_EQ(
        merged(fn(agg_kind::latest_by_offset, sql_type::string()), {value("a")}, {value("b")}),
        value("b"));
    EXPECT_EQ(
        merged(fn(agg_kind::earliest_by_offset, sql_type::string()), {value("a")}, {value("b")}),
        value("a"));
    EXPECT_EQ(
        merged(fn(agg_kind::collect_list, sql_type::integer()), {value(1)}, {value(1), value(2)}),
        value::array({value(1), value(1), value(2)}));
    EXPECT_EQ(
        merged(fn(agg_kind::collect_set, sql_type::integer()), {value(1)}, {value(1), value(2)}),
        value::array({value(1), value(2)}));
    EXPECT_EQ(
        merged(fn(agg_kind::count_distinct, sql_type::integer()), {value(1)}, {value(1), value(2)}),
        value(int64_t{2}));
}

// Kafka Streams' TimeWindows.windowsFor: [start, start + size) windows at
// multiples of the advance, none starting before 0.
TEST(time_window, tumbling_boundaries) {
    time_window w{.hopping = false, .size_ms = 30'000, .advance_ms = 30'000};
    EXPECT_EQ(w.windows_for(0), std::vector<int64_t>{0});
    EXPECT_EQ(w.windows_for(29'999), std::vector<int64_t>{0});
    EXPECT_EQ(w.windows_for(30'000), std::vector<int64_t>{30'000});
    EXPECT_EQ(w.windows_for(86'412'022), std::vector<int64_t>{86'400'000});
}

TEST(time_window, hopping_boundaries) {
    time_window w{.hopping = true, .size_ms = 30'000, .advance_ms = 15'000};
    EXPECT_EQ(w.windows_for(0), std::vector<int64_t>{0});
    EXPECT_EQ(w.windows_for(10'009), std::vector<int64_t>{0});
    EXPECT_EQ(w.windows_for(15'000), (std::vector<int64_t>{0, 15'000}));
    EXPECT_EQ(w.windows_for(29'999), (std::vector<int64_t>{0, 15'000}));
    EXPECT_EQ(w.windows_for(30'000), (std::vector<int64_t>{15'000, 30'000}));
    EXPECT_EQ(w.windows_for(89'999), (std::vector<int64_t>{60'000, 75'000}));
    time_window thirds{.hopping = true, .size_ms = 3'000, .advance_ms = 1'000};
    EXPECT_EQ(thirds.windows_for(5'500), (std::vector<int64_t>{3'000, 4'000, 5'000}));
}

}  // namespace
}  // namespace cs::streams
