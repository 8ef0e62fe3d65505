#include "streams/stream_join.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
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

// What a changelog would hold after compaction: every buffered record, and
// the held outer results of each (ts, side, key) still held.
struct recording_log final : stream_join_log {
    struct put {
        int side;
        std::string key;
        row values;
        int64_t ts;
    };
    std::vector<put> puts;
    std::map<std::tuple<int64_t, int, std::string>, std::vector<row>> held;
    size_t tombstones = 0;

    void buffered(int side, const std::string& key, const row& values, int64_t ts) override {
        puts.push_back({side, key, values, ts});
    }
    void outer_changed(int64_t ts, int side_byte, const std::string& key,
                       const std::vector<row>* rows) override {
        if (rows == nullptr) {
            ++tombstones;
            held.erase({ts, side_byte, key});
        } else {
            held[{ts, side_byte, key}] = *rows;
        }
    }
    void restore_into(stream_join_state& state) const {
        for (const auto& p : puts) {
            state.restore_buffered(p.side, p.key, p.values, p.ts);
        }
        for (const auto& [k, rows] : held) {
            state.restore_outer(std::get<0>(k), std::get<1>(k), std::get<2>(k), rows);
        }
        state.restored();
    }
};

// "key:left|right@ts" per result, "-" for a missing side, "X" a tombstone.
// restart_at: the inputs from there on go to a new state restored from the
// first one's log.
std::vector<std::string> run_stream(join_window_spec spec, const std::vector<in>& inputs,
                                    size_t restart_at = SIZE_MAX) {
    recording_log log;
    std::optional<stream_join_state> state;
    state.emplace(spec, &log);
    std::vector<std::string> out;
    auto emit = [&](const std::string* key, const row* l, const row* r, int64_t ts) {
        auto name = [](const row* x) {
            return x == nullptr ? std::string("-") : x->at(0).as_string();
        };
        out.push_back((key ? *key : std::string("null")) + ":" + name(l) + "|" + name(r) + "@" +
                      std::to_string(ts));
    };
    for (size_t n = 0; n < inputs.size(); ++n) {
        if (n == restart_at) {
            state.emplace(spec, &log);
            log.restore_into(*state);
        }
        const auto& i = inputs[n];
        row r{value(i.name)};
        state->process(i.side, i.key.empty() ? std::nullopt : std::optional<std::string>(i.key), r,
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

// A state restored from its log at any point between the records joins
// as the one that was never restarted: records on both sides of the
// restart join, held outer results are emitted once, expired ones stay
// invisible.
TEST(StreamJoin, ARestoredStateGoesOnAsIfNeverRestarted) {
    const std::vector<in> late = {
        {0, "0", "A", 0},     {1, "0", "a", 60000},  {0, "1", "B", 330000},
        {0, "2", "C", 90000}, {1, "2", "c", 90000},  {1, "3", "d", 60000},
        {0, "3", "D", 90000}, {1, "1", "b", 331000}, {0, "4", "E", 400000}};
    const std::vector<in> mixed = {{0, "a", "A", 100}, {1, "b", "y", 100}, {0, "a", "A2", 100},
                                   {1, "a", "x", 150}, {0, "c", "C", 160}, {1, "c", "z", 165},
                                   {0, "z", "Z", 200}, {1, "q", "Q", 260}, {0, "q", "P", 262}};
    for (auto kind :
         {two_way_join::inner, two_way_join::left, two_way_join::right, two_way_join::full}) {
        for (auto grace : {std::optional<int64_t>(), std::optional<int64_t>(5)}) {
            for (const auto* inputs : {&late, &mixed}) {
                auto spec = inputs == &late ? join_window_spec::make(kind, 60000, 60000, grace)
                                            : join_window_spec::make(kind, 10, 10, grace);
                const auto whole = run_stream(spec, *inputs);
                for (size_t at = 1; at < inputs->size(); ++at) {
                    EXPECT_EQ(run_stream(spec, *inputs, at), whole)
                        << "kind " << static_cast<int>(kind) << " grace " << grace.has_value()
                        << " restart before record " << at;
                }
            }
        }
    }
}

TEST(StreamJoin, HeldOuterResultsAreLoggedUntilEmitted) {
    auto spec = join_window_spec::make(two_way_join::left, 10, 10, 5);
    recording_log log;
    auto ignore = [](const std::string*, const row*, const row*, int64_t) {};
    {
        stream_join_state state(spec, &log);
        state.process(0, std::string("a"), row{value("A")}, 100, ignore);
        state.process(0, std::string("b"), row{value("B")}, 101, ignore);
        state.process(1, std::string("b"), row{value("x")}, 102, ignore);  // B matched
    }
    EXPECT_EQ(log.puts.size(), 3u);
    ASSERT_EQ(log.held.size(), 1u);  // A; B's went with a tombstone
    EXPECT_EQ(log.tombstones, 1u);
    stream_join_state restored(spec, &log);
    log.restore_into(restored);
    EXPECT_EQ(restored.pending_outer(), 1u);
    EXPECT_EQ(restored.buffered(), 3u);
    EXPECT_EQ(restored.stream_time(), 102);
    std::vector<std::string> out;
    restored.process(0, std::string("c"), row{value("C")}, 130,
                     [&](const std::string* k, const row* l, const row* r, int64_t ts) {
                         out.push_back(*k + ":" + l->at(0).as_string() + "|" +
                                       (r ? r->at(0).as_string() : "-") + "@" + std::to_string(ts));
                     });
    EXPECT_EQ(out, (strings{"a:A|-@100"}));
    EXPECT_TRUE(log.held.count({100, 1, "a"}) == 0);
    EXPECT_EQ(log.tombstones, 2u);
}

TEST(StreamJoin, RecordsPastTheRetentionAreNotLogged) {
    auto spec = join_window_spec::make(two_way_join::inner, 10, 10, 0);
    recording_log log;
    stream_join_state state(spec, &log);
    auto ignore = [](const std::string*, const row*, const row*, int64_t) {};
    state.process(0, std::string("k"), row{value("A")}, 100, ignore);
    state.process(0, std::string("k"), row{value("B")}, 80, ignore);  // 100 - 20: expired
    state.process(0, std::string("k"), row{value("C")}, 81, ignore);
    ASSERT_EQ(log.puts.size(), 2u);
    EXPECT_EQ(log.puts[1].ts, 81);
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
