// Compaction of a partition log: latest value per key survives, offsets and
// gaps as Kafka's, tombstones expire, readers and crash recovery.

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/record_batch.h"
#include "storage/batch_filter.h"
#include "storage/file_names.h"
#include "storage/partition_log.h"
#include "storage/test_util.h"

namespace cs::storage {
namespace {

using kafka::offset;
using testing::temp_dir;

constexpr int64_t hour = 3600 * 1000;

class LogCleanerTest : public ::testing::Test {
  protected:
    LogCleanerTest() {
        cfg_.cleanup_compact = true;
        cfg_.cleanup_delete = false;
        cfg_.segment_bytes = 250;  // a few batches per segment
        cfg_.file_delete_delay_ms = 0;
        clock_.advance_ms(10 * hour);
    }
    std::shared_ptr<partition_log> open(open_options oo = {}) {
        auto log = partition_log::open(d_.path() / "users-0", tp_, cfg_, clock_, nullptr, oo);
        EXPECT_TRUE(log.ok()) << log.err().message;
        return log.ok() ? *log : nullptr;
    }
    // One batch with one record per (key, value); value nullopt = tombstone.
    void put(partition_log& log,
             std::vector<std::pair<std::string, std::optional<std::string>>> kvs, int64_t ts) {
        kafka::batch_builder b;
        for (auto& [k, v] : kvs) {
            b.add(k, v, ts);
        }
        bytes data = b.build();
        auto r = log.append(data);
        ASSERT_TRUE(r.ok()) << r.err().message;
    }
    // Every record from the log start: offset -> (key, value or "<null>").
    std::map<int64_t, std::pair<std::string, std::string>> contents(partition_log& log) {
        std::map<int64_t, std::pair<std::string, std::string>> out;
        offset from = log.log_start_offset();
        while (from < log.high_watermark()) {
            auto r = log.read(from, 1 << 20);
            EXPECT_TRUE(r.ok()) << r.err().message;
            if (!r.ok() || r->slice.empty()) {
                break;
            }
            auto data = r->slice.read_bytes();
            auto split = kafka::split_batches(*data);
            for (auto b : split->batches) {
                auto h = kafka::validate_batch(b, {.client_rules = false});
                EXPECT_TRUE(h.ok()) << h.err().message;
                EXPECT_TRUE(
                    for_each_record(b, [&](const record_ref& rec) {
                        out[rec.offset.value()] = {std::string(as_string_view(*rec.key)), "?"};
                    }).ok());
                auto recs = kafka::decode_records(b);
                EXPECT_TRUE(recs.ok());
                int i = 0;
                for (const auto& rec : *recs) {
                    auto o = h->base_offset + rec.offset_delta;
                    out[o].second = rec.value ? std::string(as_string_view(*rec.value)) : "<null>";
                    ++i;
                }
                from = h->last_offset() + 1;
            }
        }
        return out;
    }

    temp_dir d_;
    kafka::topic_partition tp_{"users", kafka::partition_id(0)};
    log_config cfg_;
    manual_clock clock_;
};

TEST_F(LogCleanerTest, KeepsTheLatestValuePerKeyAtItsOriginalOffset) {
    auto log = open();
    int64_t ts = clock_.now_ms() - 2 * hour;
    for (int round = 0; round < 6; ++round) {
        put(*log, {{"alice", "a" + std::to_string(round)}, {"bob", "b" + std::to_string(round)}},
            ts);
        put(*log, {{"carol", "c" + std::to_string(round)}}, ts);
    }
    // A batch larger than segment.bytes rolls the log: the active segment
    // then holds only it, and every user record is cleanable.
    put(*log, {{"zz", std::string(300, 'z')}}, ts);
    ASSERT_GT(log->segment_count(), 3u);
    offset hw = log->high_watermark();
    EXPECT_GE(log->dirty_ratio(), 1.0);
    EXPECT_TRUE(log->needs_compaction());

    auto stats = log->compact(clock_.now_ms());
    ASSERT_TRUE(stats.ok()) << stats.err().message;
    EXPECT_GT(stats->records_removed, 0);
    EXPECT_LT(stats->segments_out, stats->segments_in);
    EXPECT_EQ(log->high_watermark(), hw);
    EXPECT_EQ(log->log_start_offset(), offset(0));
    EXPECT_FALSE(log->needs_compaction());

    auto c = contents(*log);
    // Exactly the last value of each key remains.
    std::map<std::string, int> per_key;
    for (const auto& [o, kv] : c) {
        per_key[kv.first]++;
    }
    EXPECT_EQ(per_key,
              (std::map<std::string, int>{{"alice", 1}, {"bob", 1}, {"carol", 1}, {"zz", 1}}));
    EXPECT_EQ(c.size(), 4u);
    EXPECT_EQ(c.rbegin()->first, hw.value() - 1);
    EXPECT_EQ(c.at(17).second, "c5");
    // Records kept their offsets: the last alice value sits where it was written.
    bool found_a5 = false;
    for (const auto& [o, kv] : c) {
        if (kv.second == "a5") {
            found_a5 = true;
            EXPECT_EQ(o, 15);
        }
    }
    EXPECT_TRUE(found_a5);
}

TEST_F(LogCleanerTest, ReadingFromARemovedOffsetReturnsTheNextRecord) {
    auto log = open();
    int64_t ts = clock_.now_ms() - 2 * hour;
    for (int round = 0; round < 8; ++round) {
        put(*log, {{"k", "v" + std::to_string(round)}}, ts);
    }
    ASSERT_TRUE(log->compact(clock_.now_ms()).ok());
    auto r = log->read(offset(0), 1 << 20);
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_FALSE(r->slice.empty());
    auto data = r->slice.read_bytes();
    auto h = kafka::validate_batch(*data, {.client_rules = false});
    ASSERT_TRUE(h.ok());
    EXPECT_GT(h->base_offset, 0);
}

TEST_F(LogCleanerTest, TombstonesDeleteAndExpireAfterDeleteRetention) {
    cfg_.delete_retention_ms = hour;
    auto log = open();
    put(*log, {{"gone", "x"}, {"kept", "y"}}, clock_.now_ms() - 3 * hour);
    put(*log, {{"gone", std::nullopt}}, clock_.now_ms() - 30 * 60 * 1000);
    for (int i = 0; i < 8; ++i) {
        put(*log, {{"filler" + std::to_string(i), "z"}}, clock_.now_ms());
    }
    ASSERT_TRUE(log->compact(clock_.now_ms()).ok());
    auto c = contents(*log);
    bool tombstone = false;
    for (const auto& [o, kv] : c) {
        EXPECT_FALSE(kv.first == "gone" && kv.second == "x") << "superseded value survived";
        tombstone |= kv.first == "gone" && kv.second == "<null>";
    }
    EXPECT_TRUE(tombstone) << "a young tombstone must stay";

    clock_.advance_ms(2 * hour);
    // Make the log dirty again so a pass runs, then check the tombstone is gone.
    for (int i = 0; i < 8; ++i) {
        put(*log, {{"filler" + std::to_string(i), "w"}}, clock_.now_ms());
    }
    ASSERT_TRUE(log->compact(clock_.now_ms()).ok());
    for (const auto& [o, kv] : contents(*log)) {
        EXPECT_NE(kv.first, "gone") << "expired tombstone at " << o;
    }
    bool kept = false;
    for (const auto& [o, kv] : contents(*log)) {
        kept |= kv.first == "kept" && kv.second == "y";
    }
    EXPECT_TRUE(kept);
}

TEST_F(LogCleanerTest, MinCompactionLagProtectsRecentSegments) {
    cfg_.min_compaction_lag_ms = hour;
    auto log = open();
    for (int round = 0; round < 6; ++round) {
        put(*log, {{"k", "v" + std::to_string(round)}}, clock_.now_ms());
    }
    auto stats = log->compact(clock_.now_ms());
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->segments_in, 0u);
    EXPECT_EQ(contents(*log).size(), 6u);
}

TEST_F(LogCleanerTest, DeletePolicyOnlyTopicsAreNotCompactedAndCompactOnlyAreNotAgedOut) {
    cfg_.cleanup_compact = false;
    cfg_.cleanup_delete = true;
    {
        auto log = open();
        for (int round = 0; round < 6; ++round) {
            put(*log, {{"k", "v"}}, clock_.now_ms() - 2 * hour);
        }
        EXPECT_FALSE(log->needs_compaction());
        ASSERT_TRUE(log->compact(clock_.now_ms()).ok());
        EXPECT_EQ(contents(*log).size(), 6u);
    }
    // compact only: retention.ms does not delete old segments.
    temp_dir other;
    log_config cfg = cfg_;
    cfg.cleanup_compact = true;
    cfg.cleanup_delete = false;
    cfg.retention_ms = 1;
    auto log = partition_log::open(other.path() / "t-0", tp_, cfg, clock_, nullptr, {});
    ASSERT_TRUE(log.ok());
    for (int round = 0; round < 6; ++round) {
        put(**log, {{"k" + std::to_string(round), "v"}}, clock_.now_ms() - 2 * hour);
    }
    auto deleted = (*log)->apply_retention(clock_.now_ms());
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, 0u);
}

TEST_F(LogCleanerTest, SurvivesRestartAndFinishesAnInterruptedSwap) {
    {
        auto log = open();
        for (int round = 0; round < 6; ++round) {
            put(*log, {{"a", "a" + std::to_string(round)}, {"b", "b" + std::to_string(round)}},
                clock_.now_ms() - 2 * hour);
        }
        ASSERT_TRUE(log->compact(clock_.now_ms()).ok());
        ASSERT_TRUE(log->flush_all().ok());
    }
    auto reopened = open({.clean_shutdown = true, .recovery_point = offset(0)});
    ASSERT_NE(reopened, nullptr);
    auto before = contents(*reopened);
    EXPECT_EQ(before.rbegin()->second.second, "b5");
    reopened.reset();

    // Simulate a crash right after a swap was committed: the swap file of a
    // cleaned copy of segment [0, end) exists next to the original.
    std::vector<std::filesystem::path> logs;
    for (const auto& e : std::filesystem::directory_iterator(d_.path() / "users-0")) {
        if (e.path().extension() == ".log") {
            logs.push_back(e.path());
        }
    }
    std::sort(logs.begin(), logs.end());
    ASSERT_GE(logs.size(), 2u);
    auto second_base =
        file_names::parse_segment_file(logs[1].filename().string(), file_names::log_suffix);
    ASSERT_TRUE(second_base.has_value());
    auto swap =
        d_.path() / "users-0" / fmt::format("{:020d}-{:020d}.swap", 0, second_base->value());
    std::filesystem::copy_file(logs[0], swap);
    std::filesystem::copy_file(logs[0], d_.path() / "users-0" / "00000000000000000000-x.cleaned");
    auto after = open();  // unclean: recovery runs
    ASSERT_NE(after, nullptr);
    EXPECT_EQ(contents(*after), before);
    EXPECT_FALSE(std::filesystem::exists(swap));
}

// The broker's transactions as the cleaner sees them: one producer's
// aborted range, and an optional open transaction.
class fake_txns final : public txn_view {
  public:
    int64_t aborted_pid = -1;
    int64_t aborted_first = 0;
    int64_t aborted_last = -1;
    std::optional<int64_t> unstable;
    bool aborted(int64_t pid, int64_t at) const override {
        return pid == aborted_pid && at >= aborted_first && at <= aborted_last;
    }
    std::optional<int64_t> first_unstable() const override { return unstable; }
};

TEST_F(LogCleanerTest, RecordsOfAbortedTransactionsAreDroppedNotKeptAsLatest) {
    auto log = open();
    auto txns = std::make_shared<fake_txns>();
    log->set_txn_view(txns);
    int64_t ts = clock_.now_ms() - 2 * hour;
    put(*log, {{"alice", "committed"}}, ts);  // offset 0
    // A transactional batch of producer 7 at offset 1, later aborted.
    kafka::batch_builder b;
    b.producer(7, 0, 0).attributes(kafka::batch_attr::transactional).add("alice", "aborted", ts);
    bytes data = b.build();
    ASSERT_TRUE(log->append(data, {.client_batch = false}).ok());
    txns->aborted_pid = 7;
    txns->aborted_first = 1;
    txns->aborted_last = 1;
    for (int i = 0; i < 4; ++i) {
        put(*log, {{"bob", "b" + std::to_string(i)}}, ts);
    }
    put(*log, {{"zz", std::string(300, 'z')}}, ts);
    ASSERT_TRUE(log->compact(clock_.now_ms()).ok());
    auto c = contents(*log);
    // alice keeps her committed value; the aborted record is gone.
    EXPECT_EQ(c[0], (std::pair<std::string, std::string>{"alice", "committed"}));
    EXPECT_FALSE(c.contains(1));
}

TEST_F(LogCleanerTest, NothingFromAnOpenTransactionOnIsCleaned) {
    auto log = open();
    auto txns = std::make_shared<fake_txns>();
    log->set_txn_view(txns);
    int64_t ts = clock_.now_ms() - 2 * hour;
    for (int i = 0; i < 6; ++i) {
        put(*log, {{"alice", "a" + std::to_string(i)}}, ts);
    }
    put(*log, {{"zz", std::string(300, 'z')}}, ts);
    txns->unstable = 0;  // a transaction opened at offset 0: nothing is decided
    auto stats = log->compact(clock_.now_ms());
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->records_removed, 0);
    txns->unstable.reset();
    stats = log->compact(clock_.now_ms());
    ASSERT_TRUE(stats.ok());
    EXPECT_GT(stats->records_removed, 0);
}

}  // namespace
}  // namespace cs::storage
