#include "storage/partition_log.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "protocol/compression.h"
#include "storage/file_names.h"
#include "storage/flusher.h"
#include "storage/test_util.h"

namespace cs::storage {
namespace {

using kafka::offset;
using testing::make_batch;
using testing::temp_dir;

class PartitionLogTest : public ::testing::Test {
  protected:
    std::shared_ptr<partition_log> open(open_options oo = {}, flusher* fl = nullptr) {
        auto log = partition_log::open(d_.path() / "clicks-0", tp_, cfg_, clock_, fl, oo);
        EXPECT_TRUE(log.ok()) << log.err().message;
        return log.ok() ? *log : nullptr;
    }
    append_result append(partition_log& log, int count, int64_t ts, size_t value_size = 16) {
        bytes b = make_batch(count, ts, "p", value_size);
        auto r = log.append(b);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return r.ok() ? *r : append_result{};
    }
    std::vector<kafka::batch_header> read_all(partition_log& log, offset from) {
        std::vector<kafka::batch_header> out;
        while (from < log.high_watermark()) {
            auto r = log.read(from, 1 << 20);
            EXPECT_TRUE(r.ok());
            auto data = r->slice.read_bytes();
            auto split = kafka::split_batches(*data);
            EXPECT_TRUE(split->trailing.empty());
            for (auto b : split->batches) {
                auto h = kafka::validate_batch(b, {.client_rules = false});
                EXPECT_TRUE(h.ok());
                out.push_back(*h);
                from = h->last_offset() + 1;
            }
        }
        return out;
    }

    temp_dir d_;
    kafka::topic_partition tp_{"clicks", kafka::partition_id(0)};
    log_config cfg_;
    manual_clock clock_;
};

TEST_F(PartitionLogTest, AssignsOffsetsAndEpochAndKeepsCrc) {
    auto log = open();
    EXPECT_EQ(log->high_watermark(), offset(0));
    auto a = append(*log, 3, 100);
    auto b = append(*log, 5, 200);
    EXPECT_EQ(a.base_offset, offset(0));
    EXPECT_EQ(a.last_offset, offset(2));
    EXPECT_EQ(b.base_offset, offset(3));
    EXPECT_EQ(b.last_offset, offset(7));
    EXPECT_EQ(b.log_append_time, -1);
    EXPECT_EQ(log->high_watermark(), offset(8));

    bytes c = make_batch(2, 300);
    auto r = log->append(c, {.epoch = kafka::leader_epoch(7)});
    ASSERT_TRUE(r.ok());
    auto headers = read_all(*log, offset(0));
    ASSERT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers[1].base_offset, 3);
    EXPECT_EQ(headers[2].base_offset, 8);
    EXPECT_EQ(headers[2].partition_leader_epoch, 7);
    // The caller's buffer was rewritten in place and is what was stored.
    EXPECT_EQ(load_be<int64_t>(c.data()), 8);
}

TEST_F(PartitionLogTest, RejectsInvalidBatchesWithoutWritingAnything) {
    auto log = open();
    bytes good = make_batch(2, 1);
    bytes bad = make_batch(2, 1);
    bad[bad.size() - 1] ^= std::byte{1};
    auto r = log->append(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, errc::corrupt);
    EXPECT_NE(r.err().message.find("clicks-0"), std::string::npos);
    EXPECT_NE(r.err().message.find("CRC"), std::string::npos);

    // Two batches, the second bad: neither is written.
    bytes both = good;
    both.insert(both.end(), bad.begin(), bad.end());
    EXPECT_FALSE(log->append(both).ok());
    // A trailing partial batch.
    bytes partial = good;
    partial.insert(partial.end(), good.begin(), good.begin() + 30);
    EXPECT_EQ(log->append(partial).err().code, errc::corrupt);
    // lastOffsetDelta inconsistent with the count.
    bytes lod = make_batch(3, 1);
    store_be<int32_t>(lod.data() + kafka::batch_layout::last_offset_delta, 5);
    store_be<uint32_t>(lod.data() + kafka::batch_layout::crc, kafka::compute_batch_crc(lod));
    EXPECT_EQ(log->append(lod).err().code, errc::invalid_argument);
    // Too large for max.message.bytes.
    cfg_.max_message_bytes = 100;
    log->set_config(cfg_);
    EXPECT_EQ(log->append(good).err().code, errc::too_large);
    EXPECT_EQ(log->high_watermark(), offset(0));
    EXPECT_EQ(log->size_bytes(), 0u);
}

TEST_F(PartitionLogTest, ReadReturnsAtLeastOneBatchAndChecksRange) {
    auto log = open();
    append(*log, 1, 1, 5000);  // one large batch
    append(*log, 1, 2, 10);
    auto r = log->read(offset(0), 100);
    ASSERT_TRUE(r.ok());
    EXPECT_GT(r->slice.length, 5000u);
    EXPECT_EQ(r->high_watermark, offset(2));
    auto r2 = log->read(offset(0), 100, false);
    EXPECT_TRUE(r2->slice.empty());
    EXPECT_TRUE(log->read(offset(2), 100)->slice.empty());
    EXPECT_EQ(log->read(offset(3), 100).err().code, errc::out_of_range);
}

TEST_F(PartitionLogTest, OffsetForTimestamp) {
    auto log = open();
    append(*log, 3, 1000);  // 0..2: 1000..1002
    append(*log, 3, 900);   // 3..5: 900..902 (out of order timestamps)
    append(*log, 3, 2000);  // 6..8
    auto at = [&](int64_t ts) { return log->offset_for_timestamp(ts); };
    EXPECT_EQ((*at(0))->offset, offset(0));
    EXPECT_EQ((*at(1001))->offset, offset(1));
    EXPECT_EQ((*at(1003))->offset, offset(6));
    EXPECT_EQ((*at(1003))->timestamp, 2000);
    EXPECT_FALSE(at(2003)->has_value());      // no record that late: none
    EXPECT_EQ((*at(-1))->offset, offset(9));  // latest
    EXPECT_EQ((*at(-2))->offset, offset(0));  // earliest
    EXPECT_EQ((*at(-1))->timestamp, -1);
}

// An open transaction as the broker publishes it (first offset or none).
class open_txn final : public txn_view {
  public:
    std::optional<int64_t> first;
    bool aborted(int64_t, int64_t) const override { return false; }
    std::optional<int64_t> first_unstable() const override { return first; }
};

TEST_F(PartitionLogTest, ReadCommittedStopsAtTheLastStableOffset) {
    auto log = open();
    auto txn = std::make_shared<open_txn>();
    log->set_txn_view(txn);
    append(*log, 3, 1000);  // 0..2
    append(*log, 3, 2000);  // 3..5: from here a transaction is open
    append(*log, 3, 3000);  // 6..8
    txn->first = 3;
    auto committed = log->read(offset(0), 1 << 20, true, isolation::read_committed);
    ASSERT_TRUE(committed.ok());
    EXPECT_EQ(committed->high_watermark, offset(9));
    EXPECT_EQ(committed->last_stable_offset, offset(3));
    auto batches = kafka::split_batches(*committed->slice.read_bytes());
    ASSERT_EQ(batches->batches.size(), 1u);  // 0..2 only
    EXPECT_TRUE(log->read(offset(3), 1 << 20, true, isolation::read_committed)->slice.empty());
    // read_uncommitted sees everything and reports the same bounds.
    auto all = log->read(offset(0), 1 << 20);
    EXPECT_EQ(kafka::split_batches(*all->slice.read_bytes())->batches.size(), 3u);
    EXPECT_EQ(all->last_stable_offset, offset(3));
    EXPECT_EQ(log->offsets().last_stable_offset, offset(3));

    // ListOffsets: latest is the LSO; a timestamp past it is not found;
    // earliest is the log start whatever the isolation (as Kafka).
    auto at = [&](int64_t ts) { return log->offset_for_timestamp(ts, isolation::read_committed); };
    EXPECT_EQ((*at(-1))->offset, offset(3));
    EXPECT_EQ((*at(-2))->offset, offset(0));
    EXPECT_EQ((*at(1001))->offset, offset(1));
    EXPECT_FALSE(at(2000)->has_value());
    EXPECT_EQ((*log->offset_for_timestamp(2000))->offset, offset(3));

    txn->first.reset();  // committed: the LSO is the high watermark again
    EXPECT_EQ(log->offsets().last_stable_offset, offset(9));
    EXPECT_EQ((*at(2000))->offset, offset(3));
}

TEST_F(PartitionLogTest, ReadCommittedOfAnEmptyLogFindsEarliest) {
    auto log = open();
    log->set_txn_view(std::make_shared<open_txn>());
    auto earliest = log->offset_for_timestamp(-2, isolation::read_committed);
    ASSERT_TRUE(earliest.ok() && earliest->has_value());
    EXPECT_EQ((*earliest)->offset, offset(0));
}

TEST_F(PartitionLogTest, OffsetForTimestampLooksInsideCompressedBatches) {
    namespace L = kafka::batch_layout;
    bytes plain = make_batch(4, 5000);  // timestamps 5000..5003
    auto packed = kafka::compress(kafka::compression_codec::zstd, bytes_view(plain).subspan(61));
    ASSERT_TRUE(packed.ok());
    bytes b(plain.begin(), plain.begin() + L::header_size);
    b.insert(b.end(), packed->begin(), packed->end());
    store_be<int32_t>(b.data() + L::batch_length, static_cast<int32_t>(b.size() - 12));
    store_be<int16_t>(b.data() + L::attributes, 4);  // zstd
    store_be<uint32_t>(b.data() + L::crc, kafka::compute_batch_crc(b));
    auto log = open();
    append(*log, 2, 100);
    ASSERT_TRUE(log->append(b).ok());
    auto r = log->offset_for_timestamp(5002);
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ((*r)->offset, offset(4));  // 2 records before, then 5000, 5001, [5002]
    EXPECT_EQ((*r)->timestamp, 5002);
}

TEST_F(PartitionLogTest, LogAppendTimeRewritesTimestampAndCrc) {
    cfg_.timestamp_type = message_timestamp_type::log_append_time;
    auto log = open();
    clock_.set_ms(1'800'000'000'000);
    auto r = append(*log, 2, 5);
    EXPECT_EQ(r.log_append_time, 1'800'000'000'000);
    auto h = read_all(*log, offset(0));
    ASSERT_EQ(h.size(), 1u);  // read_all validated the CRC
    EXPECT_EQ(h[0].max_timestamp, 1'800'000'000'000);
    EXPECT_EQ(h[0].ts_type(), kafka::timestamp_type::log_append_time);
    EXPECT_EQ((*log->offset_for_timestamp(1'800'000'000'000))->offset, offset(0));
}

TEST_F(PartitionLogTest, RollsOnSizeAndTime) {
    cfg_.segment_bytes = 1000;
    auto log = open();
    for (int i = 0; i < 10; ++i) {
        append(*log, 2, i, 100);  // ~ 320 bytes each
    }
    EXPECT_GE(log->segment_count(), 3u);
    size_t n = log->segment_count();
    cfg_.segment_bytes = 1 << 30;
    cfg_.segment_ms = 1000;
    log->set_config(cfg_);
    append(*log, 1, 1);
    clock_.advance_ms(999);
    append(*log, 1, 1);
    EXPECT_EQ(log->segment_count(), n);
    clock_.advance_ms(2);
    append(*log, 1, 1);
    EXPECT_EQ(log->segment_count(), n + 1);
    // Every batch is still readable across segments, in order.
    auto h = read_all(*log, offset(0));
    ASSERT_EQ(h.size(), 13u);
    for (size_t i = 1; i < h.size(); ++i) {
        EXPECT_EQ(h[i].base_offset, h[i - 1].base_offset + h[i - 1].records_count);
    }
    EXPECT_TRUE(std::filesystem::exists(d_.path() / "clicks-0" / "00000000000000000000.log"));
}

TEST_F(PartitionLogTest, RetentionByTimeNeverTouchesActiveSegment) {
    cfg_.segment_bytes = 500;
    cfg_.retention_ms = 10'000;
    cfg_.file_delete_delay_ms = 1000;
    auto log = open();
    const int64_t t0 = clock_.now_ms();
    for (int i = 0; i < 6; ++i) {
        append(*log, 2, t0 + i * 1000, 100);
    }
    size_t segs = log->segment_count();
    ASSERT_GE(segs, 3u);
    // Nothing old enough yet.
    EXPECT_EQ(*log->apply_retention(t0 + 10'000), 0u);
    // Everything old: all but the active segment go.
    auto deleted = log->apply_retention(t0 + 100'000);
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, segs - 1);
    EXPECT_EQ(log->segment_count(), 1u);
    EXPECT_GT(log->log_start_offset(), offset(0));
    EXPECT_EQ(log->read(offset(0), 100).err().code, errc::out_of_range);
    // Files renamed, then unlinked after file.delete.delay.ms.
    auto dir = d_.path() / "clicks-0";
    auto count_deleted = [&] {
        int n = 0;
        for (auto& e : std::filesystem::directory_iterator(dir)) {
            n += e.path().string().ends_with(".deleted");
        }
        return n;
    };
    EXPECT_EQ(count_deleted(), static_cast<int>(3 * (segs - 1)));
    log->purge_deleted(t0 + 100'500);
    EXPECT_GT(count_deleted(), 0);
    log->purge_deleted(t0 + 101'000);
    EXPECT_EQ(count_deleted(), 0);
}

TEST_F(PartitionLogTest, RetentionBySize) {
    cfg_.segment_bytes = 700;
    cfg_.retention_bytes = 1000;
    cfg_.retention_ms = -1;
    cfg_.file_delete_delay_ms = 0;
    auto log = open();
    for (int i = 0; i < 12; ++i) {
        append(*log, 2, i, 100);
    }
    ASSERT_GE(log->segment_count(), 4u);
    ASSERT_TRUE(log->apply_retention(clock_.now_ms()).ok());
    EXPECT_LE(log->size_bytes(), 1000u + 700u);
    EXPECT_GE(log->size_bytes(), 1000u - 700u);
    EXPECT_GE(log->segment_count(), 1u);
    // What remains reads back from the new log start.
    auto h = read_all(*log, log->log_start_offset());
    EXPECT_EQ(h.back().last_offset(), offset(23));
}

// A Fetch sends a slice with sendfile after the log's lock is released; the
// chunk owns the file, so retention deleting (renaming, then unlinking) the
// segment meanwhile does not take the bytes away.
TEST_F(PartitionLogTest, SliceChunkOutlivesItsSegmentsDeletion) {
    cfg_.segment_bytes = 500;
    cfg_.retention_ms = 10'000;
    cfg_.file_delete_delay_ms = 0;
    auto log = open();
    const int64_t t0 = clock_.now_ms();
    for (int i = 0; i < 6; ++i) {
        append(*log, 2, t0 + i * 1000, 100);
    }
    ASSERT_GE(log->segment_count(), 3u);
    auto r = log->read(offset(0), 1 << 20);
    ASSERT_TRUE(r.ok());
    auto before = r->slice.read_bytes();
    ASSERT_TRUE(before.ok());
    gather_bytes g;
    g.splices.push_back({0, r->slice.chunk()});
    r = error{};  // only the chunk refers to the file now

    ASSERT_GE(*log->apply_retention(t0 + 100'000), 1u);
    log->purge_deleted(t0 + 100'000);
    EXPECT_FALSE(std::filesystem::exists(d_.path() / "clicks-0" / "00000000000000000000.log"));
    auto after = g.flatten();
    ASSERT_TRUE(after.ok()) << after.err().message;
    EXPECT_EQ(*after, *before);
}

TEST_F(PartitionLogTest, ReopenAfterCleanCloseKeepsEverything) {
    cfg_.segment_bytes = 800;
    cfg_.index_interval_bytes = 100;
    {
        auto log = open();
        for (int i = 0; i < 20; ++i) {
            append(*log, 2, 100 + i, 50);
        }
        ASSERT_TRUE(log->flush_all().ok());
    }
    for (bool clean : {true, false}) {
        auto log = open({.clean_shutdown = clean, .recovery_point = offset(0)});
        EXPECT_EQ(log->high_watermark(), offset(40));
        auto h = read_all(*log, offset(0));
        ASSERT_EQ(h.size(), 20u);
        EXPECT_EQ((*log->offset_for_timestamp(110))->offset, offset(19));
        auto r = append(*log, 1, 500);
        EXPECT_EQ(r.base_offset, offset(40));
        ASSERT_TRUE(log->truncate_to(offset(40)).ok());
    }
}

TEST_F(PartitionLogTest, WaitDurableGroupsWaitersIntoFewFsyncs) {
    flusher fl;
    auto log = open({}, &fl);
    std::atomic<int> done{0};
    constexpr int n = 200;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < n / 4; ++i) {
                bytes b = make_batch(1, i);
                auto r = log->append(b);
                ASSERT_TRUE(r.ok());
                log->wait_durable(r->last_offset, [&, last = r->last_offset](status s) {
                    EXPECT_TRUE(s.ok());
                    EXPECT_LT(last, log->recovery_point());
                    done.fetch_add(1);
                });
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    ASSERT_TRUE(log->flush().ok());  // completes anything still waiting
    fl.stop();
    EXPECT_EQ(done.load(), n);
    EXPECT_EQ(log->recovery_point(), offset(n));
    // Group commit: fewer flush passes than batches (each pass = one fsync).
    EXPECT_LT(fl.passes(), static_cast<uint64_t>(n));
    // Already durable: the callback runs at once.
    bool inline_done = false;
    log->wait_durable(offset(0), [&](status s) { inline_done = s.ok(); });
    EXPECT_TRUE(inline_done);
}

TEST_F(PartitionLogTest, FlushMessagesAndFlushMs) {
    cfg_.flush_messages = 5;
    auto log = open();
    append(*log, 3, 1);
    EXPECT_EQ(log->recovery_point(), offset(0));
    append(*log, 3, 1);
    EXPECT_EQ(log->recovery_point(), offset(6));
    cfg_.flush_messages = INT64_MAX;
    cfg_.flush_ms = 1000;
    log->set_config(cfg_);
    append(*log, 1, 1);
    log->maybe_flush_periodically(clock_.now_ms() + 999);
    EXPECT_EQ(log->recovery_point(), offset(6));
    log->maybe_flush_periodically(clock_.now_ms() + 1000);
    EXPECT_EQ(log->recovery_point(), offset(7));
}

TEST_F(PartitionLogTest, DeleteRecordsAdvancesLogStart) {
    cfg_.segment_bytes = 400;
    cfg_.retention_ms = -1;  // the batches' timestamps are from 1970
    cfg_.file_delete_delay_ms = 0;
    auto log = open();
    for (int i = 0; i < 8; ++i) {
        append(*log, 2, i, 100);
    }
    ASSERT_TRUE(log->delete_records_before(offset(7)).ok());
    EXPECT_EQ(log->log_start_offset(), offset(7));
    EXPECT_EQ(log->read(offset(6), 100).err().code, errc::out_of_range);
    EXPECT_EQ(log->delete_records_before(offset(100)).code(), errc::out_of_range);
    size_t before = log->segment_count();
    EXPECT_GT(*log->apply_retention(clock_.now_ms()), 0u);
    EXPECT_LT(log->segment_count(), before);
    EXPECT_EQ(log->log_start_offset(), offset(7));
    auto r = log->read(offset(7), 1 << 20);
    ASSERT_TRUE(r.ok());
    auto data = r->slice.read_bytes();
    // The batch holding offset 7 starts at 6.
    EXPECT_EQ(kafka::decode_header(*data).base_offset, 6);
}

}  // namespace
}  // namespace cs::storage
