#include "storage/segment.h"

#include <gtest/gtest.h>

#include "storage/test_util.h"

namespace cs::storage {
namespace {

using kafka::offset;
using testing::make_batch;
using testing::temp_dir;

// Appends a producer batch at `base`, rewriting its offset as the log does.
batch_meta put(segment& seg, offset base, int count, int64_t ts, size_t value_size = 16) {
    bytes b = make_batch(count, ts, "s", value_size);
    kafka::set_base_offset(b, base);
    batch_meta m{base, base + (count - 1), ts + count - 1, static_cast<uint32_t>(b.size())};
    EXPECT_TRUE(seg.append(b, std::span(&m, 1)).ok());
    return m;
}

TEST(Segment, AppendReadWholeBatchesAndIndex) {
    temp_dir d;
    log_config cfg;
    cfg.index_interval_bytes = 100;
    auto seg = segment::create(d.path(), offset(50), cfg, 0);
    ASSERT_TRUE(seg.ok()) << seg.err().message;
    std::vector<batch_meta> metas;
    offset next(50);
    for (int i = 0; i < 20; ++i) {
        metas.push_back(put(**seg, next, 3, 1000 + i * 10));
        next = next + 3;
    }
    EXPECT_EQ((*seg)->next_offset(), offset(110));
    EXPECT_EQ((*seg)->max_timestamp(), 1000 + 19 * 10 + 2);

    // Offset in the middle of batch 4 returns batch 4 first.
    auto r = (*seg)->read(offset(50 + 4 * 3 + 1), 1 << 20, true, UINT64_MAX);
    ASSERT_TRUE(r.ok());
    auto data = r->read_bytes();
    ASSERT_TRUE(data.ok());
    auto split = kafka::split_batches(*data);
    ASSERT_EQ(split->batches.size(), 16u);
    EXPECT_TRUE(split->trailing.empty());
    EXPECT_EQ(kafka::decode_header(split->batches[0]).base_offset, 62);

    // A byte limit of 2.5 batches returns 2 whole batches.
    uint64_t one = metas[0].size;
    auto two = (*seg)->read(offset(50), one * 5 / 2, true, UINT64_MAX);
    EXPECT_EQ(two->length, 2 * one);
    // A limit smaller than one batch still returns the first batch (KIP-74)...
    auto min_one = (*seg)->read(offset(53), 10, true, UINT64_MAX);
    EXPECT_EQ(min_one->length, one);
    // ...unless the caller says otherwise.
    auto none = (*seg)->read(offset(53), 10, false, UINT64_MAX);
    EXPECT_EQ(none->length, 0u);
    // Past the end: empty.
    EXPECT_TRUE((*seg)->read(offset(110), 1000, true, UINT64_MAX)->empty());
}

TEST(Segment, ReopenRecoversSameState) {
    temp_dir d;
    log_config cfg;
    cfg.index_interval_bytes = 200;
    {
        auto seg = segment::create(d.path(), offset(0), cfg, 0);
        for (int i = 0; i < 30; ++i) {
            put(**seg, offset(i * 2), 2, 5000 + i);
        }
        ASSERT_TRUE((*seg)->flush_all().ok());
    }
    for (bool full : {false, true}) {
        auto seg = segment::open(d.path(), offset(0), cfg, 0);
        ASSERT_TRUE(seg.ok());
        if (full) {
            auto out = (*seg)->recover();
            ASSERT_TRUE(out.ok());
            EXPECT_EQ(out->truncated_bytes, 0u);
        } else {
            ASSERT_TRUE((*seg)->load_tail(true).ok());
        }
        EXPECT_EQ((*seg)->next_offset(), offset(60));
        EXPECT_EQ((*seg)->max_timestamp(), 5000 + 29 + 1);
        auto ts = (*seg)->find_offset_by_timestamp(5010, offset(0));
        ASSERT_TRUE(ts.ok());
        ASSERT_TRUE(ts->has_value());
        // Batch i has timestamps 5000+i, 5001+i: first >= 5010 is batch 9's second record.
        EXPECT_EQ((*ts)->offset, offset(19));
        EXPECT_EQ((*ts)->timestamp, 5010);
    }
}

TEST(Segment, RollDecisions) {
    temp_dir d;
    log_config cfg;
    cfg.segment_bytes = 1000;
    cfg.segment_ms = 100;
    auto seg = segment::create(d.path(), offset(0), cfg, 10'000);
    const char* why = nullptr;
    EXPECT_FALSE((*seg)->should_roll(5000, offset(0), 10'000, &why));  // empty never rolls
    put(**seg, offset(0), 1, 1);
    EXPECT_FALSE((*seg)->should_roll(10, offset(1), 10'050, &why));
    EXPECT_TRUE((*seg)->should_roll(1000, offset(1), 10'050, &why));
    EXPECT_STREQ(why, "segment.bytes reached");
    EXPECT_TRUE((*seg)->should_roll(10, offset(1), 10'101, &why));
    EXPECT_STREQ(why, "segment.ms elapsed");
    EXPECT_TRUE((*seg)->should_roll(10, offset(int64_t{1} << 31), 10'050, &why));
    EXPECT_STREQ(why, "relative offset would overflow int32");
}

TEST(Segment, TruncateToRemovesTheBatchHoldingTheOffset) {
    temp_dir d;
    auto seg = segment::create(d.path(), offset(0), log_config{}, 0);
    for (int i = 0; i < 5; ++i) {
        put(**seg, offset(i * 4), 4, 100 + i * 10);
    }
    ASSERT_TRUE((*seg)->truncate_to(offset(10)).ok());  // inside batch [8, 11]
    EXPECT_EQ((*seg)->next_offset(), offset(8));
    EXPECT_EQ((*seg)->max_timestamp(), 100 + 10 + 3);
}

}  // namespace
}  // namespace cs::storage
