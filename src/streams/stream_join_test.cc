#include "streams/stream_join.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

// One input: side (0 left, 1 right), key, a name, timestamp.
struct in {
    int side;
    std::string key;
    std::string name;
    int64_t ts;
};

// "key:left|right@ts" per result, "-" for a missing side, "X" a tombstone.
std::vector<std::string> run_stream(join_window_spec spec, const std::vector<in>& inputs) {
    stream_join_state state(spec);
    std::vector<std::string> out;
    auto emit = [&](const std::string* key, const row* l, const row* r, int64_t ts) {
        auto name = [](const row* x) {
            return x == nullptr ? std::string("-") : x->at(0).as_string();
        };
        out.push_back((key ? *key : std::string("null")) + ":" + name(l) + "|" + name(r) + "@" +
                      std::to_string(ts));
    };
    for (const auto& i : inputs) {
        row r{value(i.name)};
        state.process(i.side, i.key.empty() ? std::nullopt : std::optional<std::string>(i.key), r,
                      i.ts, emit);
    }
    return out;
}

using strings = std::vector<std::string>;

TEST(StreamJoin, InnerJoinsBothWaysInTimestampOrder) {
    auto spec = join_window_spec::make(two_way_join::inner, 11000, 11000, std::nullopt);
    // ksqlDB's "stream stream inner join" (joins.json).
    auto out = run_stream(spec, {{0, "0", "zero", 0},
                                 {1, "0", "blah", 10000},
                                 {0, "10", "100", 11000},
                                 {0, "0", "foo", 13000},
                                 {1, "0", "a", 15000},
                                 {1, "100", "newblah", 16000},
                                 {0, "90", "ninety", 17000},
                                 {0, "0", "bar", 30000}});
    EXPECT_EQ(out, (strings{"0:zero|blah@10000", "0:foo|blah@13000", "0:foo|a@15000"}));
}

TEST(StreamJoin, LeftJoinWithoutGraceIsEager) {
    auto spec = join_window_spec::make(two_way_join::left, 11000, 11000, std::nullopt);
    EXPECT_EQ(spec.grace_ms, 86'400'000 - 22000);
    EXPECT_FALSE(spec.spurious_fix);
    auto out = run_stream(spec, {{0, "0", "zero", 0}, {1, "0", "blah", 10000}, {1, "5", "r", 1}});
    EXPECT_EQ(out, (strings{"0:zero|-@0", "0:zero|blah@10000"}));
}

TEST(StreamJoin, AsymmetricWindowIsRelativeToTheLeftRecord) {
    // WITHIN (11 seconds, 10 seconds): left at t joins right in [t-11s, t+10s].
    auto spec = join_window_spec::make(two_way_join::inner, 11000, 10000, std::nullopt);
    auto out = run_stream(spec, {{0, "0", "zero", 0},
                                 {1, "0", "blah", 11000},
                                 {0, "0", "foo", 13000},
                                 {1, "0", "a", 15000},
                                 {0, "0", "bar", 30000}});
    EXPECT_EQ(out, (strings{"0:foo|blah@13000", "0:foo|a@15000"}));
}

TEST(StreamJoin, LeftJoinWithGraceHoldsUnmatchedUntilTheWindowCloses) {
    auto spec = join_window_spec::make(two_way_join::left, 10, 10, 5);
    auto out = run_stream(spec, {{0, "a", "A", 100},    // held
                                 {1, "a", "x", 105},    // matches A: A is no longer held
                                 {0, "b", "B", 106},    // held
                                 {0, "c", "C", 120},    // 106 + 10 + 5 = 121 >= 120: B still held
                                 {0, "d", "D", 122}});  // B's window closed: B emitted first
    EXPECT_EQ(out, (strings{"a:A|x@105", "b:B|-@106"}));
}

TEST(StreamJoin, LateRecordsBeyondRetentionJoinNothing) {
    // ksqlDB's "stream stream left join with out of order and custom grace period".
    auto spec = join_window_spec::make(two_way_join::left, 60000, 60000, 60000);
    auto out = run_stream(spec, {{0, "0", "A", 0},
                                 {1, "0", "a", 60000},
                                 {0, "1", "B", 330000},
                                 {0, "2", "C", 90000},
                                 {1, "2", "c", 90000},
                                 {0, "3", "D", 60000},
                                 {1, "3", "d", 60000}});
    EXPECT_EQ(out, (strings{"0:A|a@60000", "2:C|-@90000", "3:D|-@60000"}));
}

TEST(StreamJoin, RightJoinSwapsTheSides) {
    auto spec = join_window_spec::make(two_way_join::right, 60000, 60000, 60000);
    auto out = run_stream(spec, {{0, "0", "A", 0},
                                 {1, "0", "a", 60000},
                                 {0, "1", "B", 330000},
                                 {0, "2", "C", 90000},
                                 {1, "2", "c", 90000},
                                 {1, "3", "d", 60000},
                                 {0, "3", "D", 90000}});
    EXPECT_EQ(out, (strings{"0:A|a@60000", "2:-|c@90000", "3:-|d@60000", "3:D|d@90000"}));
}

TEST(StreamJoin, FullJoinEmitsHeldRecordsOfBothSidesInTimestampOrder) {
    auto spec = join_window_spec::make(two_way_join::full, 10, 10, 0);
    auto out = run_stream(spec, {{0, "a", "A", 100},
                                 {1, "b", "y", 100},
                                 {1, "a", "x", 150},    // closes both: right before left at 100
                                 {0, "z", "Z", 200}});  // closes x (held since 150)
    EXPECT_EQ(out, (strings{"b:-|y@100", "a:A|-@100", "a:-|x@150"}));
}

TEST(StreamJoin, NullKeyOfAnOuterSideIsEmittedAtOnce) {
    auto spec = join_window_spec::make(two_way_join::left, 10, 10, 5);
    auto out = run_stream(spec, {{0, "", "A", 100}, {1, "", "x", 100}});
    EXPECT_EQ(out, (strings{"null:A|-@100"}));
}

TEST(StreamJoin, ExpiredRecordsLeaveTheBuffer) {
    auto spec = join_window_spec::make(two_way_join::inner, 10, 10, 0);
    stream_join_state state(spec);
    auto ignore = [](const std::string*, const row*, const row*, int64_t) {};
    for (int64_t t = 0; t < 100000; t += 10) {
        state.process(0, std::string("k") + std::to_string(t % 7), row{value(1)}, t, ignore);
    }
    EXPECT_LT(state.buffered(), 2000u);
}

std::vector<std::string> run_table(two_way_join kind, const std::vector<in>& inputs) {
    table_join_state state(kind);
    std::vector<std::string> out;
    auto emit = [&](const std::string* key, const row* l, const row* r, int64_t ts) {
        auto name = [](const row* x) {
            return x == nullptr ? std::string("-") : x->at(0).as_string();
        };
        out.push_back(*key + ":" + (l == nullptr && r == nullptr ? "X" : name(l) + "|" + name(r)) +
                      "@" + std::to_string(ts));
    };
    for (const auto& i : inputs) {
        row r{value(i.name)};
        state.process(i.side, i.key, i.name == "X" ? nullptr : &r, i.ts, emit);
    }
    return out;
}

TEST(TableJoin, InnerEmitsWhenBothRowsExistAndTombstonesOnDelete) {
    auto out = run_table(two_way_join::inner, {{0, "k", "A", 1},
                                               {1, "k", "a", 5},
                                               {0, "k", "B", 3},
                                               {1, "k", "X", 7},
                                               {0, "k", "C", 8},
                                               {0, "k", "X", 9}});
    EXPECT_EQ(out, (strings{"k:A|a@5", "k:B|a@5", "k:X@7"}));
}

TEST(TableJoin, LeftPadsAndDeletes) {
    auto out = run_table(two_way_join::left, {{1, "k", "a", 5},  // no left row: nothing
                                              {0, "k", "A", 6},
                                              {1, "k", "X", 7},  // left row stays, padded
                                              {0, "k", "X", 8},  // tombstone
                                              {0, "k", "X", 9},  // nothing left to delete
                                              {1, "j", "X", 10}});
    EXPECT_EQ(out, (strings{"k:A|a@6", "k:A|-@7", "k:X@8"}));
}

TEST(TableJoin, FullKeepsEitherSide) {
    auto out = run_table(
        two_way_join::full,
        {{1, "k", "a", 5}, {0, "k", "A", 6}, {0, "k", "X", 7}, {1, "k", "X", 8}, {1, "k", "X", 9}});
    EXPECT_EQ(out, (strings{"k:-|a@5", "k:A|a@6", "k:-|a@7", "k:X@8"}));
}

TEST(TableJoin, RightMirrorsLeft) {
    auto out =
        run_table(two_way_join::right, {{0, "k", "A", 5}, {1, "k", "a", 6}, {0, "k", "X", 7}});
    EXPECT_EQ(out, (strings{"k:A|a@6", "k:-|a@7"}));
}

}  // namespace
}  // namespace cs::streams
