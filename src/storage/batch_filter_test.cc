#include "storage/batch_filter.h"

#include <gtest/gtest.h>

#include "protocol/compression.h"
#include "protocol/record_batch.h"

namespace cs::storage {
namespace {

using kafka::compression_codec;

// A batch at base offset 100 with records k0..k4 -> v0..v4 (k2's value null),
// timestamps 1000 + 10 i, compressed with `codec` (none: plain records).
bytes make(compression_codec codec) {
    kafka::batch_builder b;
    b.base_offset(kafka::offset(100)).producer(7, 1, 0);
    for (int i = 0; i < 5; ++i) {
        std::optional<std::string> v = "v" + std::to_string(i);
        if (i == 2) {
            v.reset();
        }
        b.add("k" + std::to_string(i), v, 1000 + 10 * i);
    }
    bytes plain = b.build();
    if (codec == compression_codec::none) {
        return plain;
    }
    auto body = kafka::compress(codec, bytes_view(plain).subspan(kafka::batch_layout::header_size));
    EXPECT_TRUE(body.ok());
    bytes out(plain.begin(), plain.begin() + kafka::batch_layout::header_size);
    out.insert(out.end(), body->begin(), body->end());
    store_be<int32_t>(out.data() + kafka::batch_layout::batch_length,
                      static_cast<int32_t>(out.size() - kafka::batch_layout::log_overhead));
    auto attrs = load_be<int16_t>(out.data() + kafka::batch_layout::attributes);
    store_be<int16_t>(out.data() + kafka::batch_layout::attributes,
                      static_cast<int16_t>(attrs | static_cast<int16_t>(codec)));
    store_be<uint32_t>(out.data() + kafka::batch_layout::crc, kafka::compute_batch_crc(out));
    return out;
}

std::vector<record_ref> records_of(bytes_view batch) {
    std::vector<record_ref> out;
    EXPECT_TRUE(for_each_record(batch, [&](const record_ref& r) { out.push_back(r); }).ok());
    return out;
}

class BatchFilterTest : public ::testing::TestWithParam<compression_codec> {};

TEST_P(BatchFilterTest, VisitsEveryRecordWithItsOffsetKeyAndTombstoneFlag) {
    bytes batch = make(GetParam());
    auto recs = records_of(batch);
    ASSERT_EQ(recs.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(recs[i].offset, kafka::offset(100 + i));
        EXPECT_EQ(recs[i].timestamp, 1000 + 10 * i);
        EXPECT_EQ(as_string_view(*recs[i].key), "k" + std::to_string(i));
        EXPECT_EQ(recs[i].tombstone, i == 2);
    }
}

TEST_P(BatchFilterTest, RewritesKeepingOffsetsLastDeltaAndProducerFields) {
    bytes batch = make(GetParam());
    auto f = filter_batch(batch, [](const record_ref& r) {
        return r.offset == kafka::offset(101) || r.offset == kafka::offset(103);
    });
    ASSERT_TRUE(f.ok()) << f.err().message;
    ASSERT_EQ(f->outcome, filter_outcome::rewritten);
    EXPECT_EQ(f->kept_records, 2);
    EXPECT_EQ(f->removed_records, 3);
    auto h = kafka::validate_batch(f->data, {.client_rules = false});
    ASSERT_TRUE(h.ok()) << h.err().message;
    EXPECT_EQ(h->base_offset, 100);
    EXPECT_EQ(h->last_offset_delta, 4);  // the batch still ends at 104
    EXPECT_EQ(h->records_count, 2);
    EXPECT_EQ(h->producer_id, 7);
    EXPECT_EQ(h->compression(), GetParam());
    EXPECT_EQ(h->max_timestamp, 1030);
    EXPECT_EQ(f->data.size(), h->total_size());
    auto recs = records_of(f->data);
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[0].offset, kafka::offset(101));
    EXPECT_EQ(as_string_view(*recs[1].key), "k3");
    EXPECT_EQ(recs[1].timestamp, 1030);
}

TEST_P(BatchFilterTest, ReportsKeptAllAndRemovedAllWithoutRewriting) {
    bytes batch = make(GetParam());
    auto all = filter_batch(batch, [](const record_ref&) { return true; });
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->outcome, filter_outcome::kept_all);
    EXPECT_TRUE(all->data.empty());
    auto none = filter_batch(batch, [](const record_ref&) { return false; });
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->outcome, filter_outcome::removed_all);
    EXPECT_EQ(none->removed_records, 5);
}

INSTANTIATE_TEST_SUITE_P(Codecs, BatchFilterTest,
                         ::testing::Values(compression_codec::none, compression_codec::gzip,
                                           compression_codec::snappy, compression_codec::lz4,
                                           compression_codec::zstd));

TEST(BatchFilter, CorruptRecordSectionIsAnError) {
    bytes batch = make(compression_codec::none);
    batch.resize(batch.size() - 3);
    store_be<int32_t>(batch.data() + kafka::batch_layout::batch_length,
                      static_cast<int32_t>(batch.size() - kafka::batch_layout::log_overhead));
    auto f = filter_batch(batch, [](const record_ref&) { return true; });
    EXPECT_FALSE(f.ok());
}

}  // namespace
}  // namespace cs::storage
