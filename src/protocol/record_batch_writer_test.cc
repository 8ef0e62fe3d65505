#include "protocol/record_batch_writer.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/compression.h"

namespace cs::kafka {
namespace {

namespace L = batch_layout;

// The record section of a (possibly compressed) batch, uncompressed, with
// the header in front: what decode_records reads.
bytes uncompressed(const bytes& batch) {
    auto h = validate_batch(batch);
    EXPECT_TRUE(h.ok()) << h.err().message;
    if (h->compression() == compression_codec::none) {
        return batch;
    }
    auto plain = decompress(h->compression(), bytes_view(batch).subspan(L::header_size), 1 << 24);
    EXPECT_TRUE(plain.ok()) << plain.err().message;
    bytes out(L::header_size + plain->size());
    std::memcpy(out.data(), batch.data(), L::header_size);
    std::memcpy(out.data() + L::header_size, plain->data(), plain->size());
    store_be<int16_t>(out.data() + L::attributes, 0);
    store_be<int32_t>(out.data() + L::batch_length,
                      static_cast<int32_t>(out.size() - L::log_overhead));
    return out;
}

TEST(RecordBatchWriter, RecordsHeadersAndNullsRoundTrip) {
    record_batch_writer w;
    std::vector<record_batch_writer::header> hs{{"trace", "abc"}, {"empty", std::nullopt}};
    w.append(5000, "user-1", R"({"a":1})", hs);
    w.append(4990, std::nullopt, "v2");  // earlier than the first: negative delta
    w.append(5007, "k3", std::nullopt);
    w.append(5001, "", "");
    EXPECT_EQ(w.record_count(), 4);
    auto b = w.finish({.producer_id = 7, .producer_epoch = 1, .base_sequence = 100});
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(w.empty());

    auto h = validate_batch(*b);
    ASSERT_TRUE(h.ok()) << h.err().message;
    EXPECT_EQ(h->records_count, 4);
    EXPECT_EQ(h->last_offset_delta, 3);
    EXPECT_EQ(h->base_timestamp, 5000);  // the first record's, as Java's producer
    EXPECT_EQ(h->max_timestamp, 5007);
    EXPECT_EQ(h->producer_id, 7);
    EXPECT_EQ(h->base_sequence, 100);

    auto recs = decode_records(*b);
    ASSERT_TRUE(recs.ok()) << recs.err().message;
    ASSERT_EQ(recs->size(), 4u);
    EXPECT_EQ(as_string_view(*(*recs)[0].key), "user-1");
    EXPECT_EQ(as_string_view(*(*recs)[0].value), R"({"a":1})");
    ASSERT_EQ((*recs)[0].headers.size(), 2u);
    EXPECT_EQ((*recs)[0].headers[0].key, "trace");
    EXPECT_EQ(as_string_view(*(*recs)[0].headers[0].value), "abc");
    EXPECT_FALSE((*recs)[0].headers[1].value.has_value());
    EXPECT_FALSE((*recs)[1].key.has_value());
    EXPECT_EQ((*recs)[1].timestamp_delta, -10);
    EXPECT_EQ((*recs)[1].offset_delta, 1);
    EXPECT_FALSE((*recs)[2].value.has_value());
    EXPECT_EQ((*recs)[2].timestamp_delta, 7);
    EXPECT_EQ(as_string_view(*(*recs)[3].key), "");
    EXPECT_EQ(as_string_view(*(*recs)[3].value), "");
}

TEST(RecordBatchWriter, SameBytesAsTheBuilder) {
    batch_builder b;
    b.add(record_spec{"k1", "v1", 1000, {{"h", "x"}}});
    b.add(std::nullopt, "v2", 1005);
    record_batch_writer w;
    std::vector<record_batch_writer::header> hs{{"h", "x"}};
    w.append(1000, "k1", "v1", hs);
    w.append(1005, std::nullopt, "v2");
    auto mine = w.finish();
    ASSERT_TRUE(mine.ok());
    EXPECT_EQ(*mine, b.build());
}

TEST(RecordBatchWriter, EveryCodecCompressesTheRecordSection) {
    for (auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                       compression_codec::zstd}) {
        record_batch_writer w(codec);
        for (int i = 0; i < 500; ++i) {
            w.append(1000 + i, "user-" + std::to_string(i % 7),
                     R"({"url":"https://shop.example/p/)" + std::to_string(i) + R"("})");
        }
        const size_t plain_size = w.size();
        auto b = w.finish();
        ASSERT_TRUE(b.ok()) << b.err().message;
        auto h = validate_batch(*b);
        ASSERT_TRUE(h.ok()) << h.err().message;
        EXPECT_EQ(h->compression(), codec);
        EXPECT_LT(b->size(), plain_size) << static_cast<int>(codec);
        bytes plain = uncompressed(*b);  // the records are views into it
        auto recs = decode_records(plain);
        ASSERT_TRUE(recs.ok()) << recs.err().message;
        ASSERT_EQ(recs->size(), 500u);
        EXPECT_EQ(as_string_view(*(*recs)[499].value), R"({"url":"https://shop.example/p/499"})");
        EXPECT_EQ((*recs)[499].offset_delta, 499);
    }
}

TEST(RecordBatchWriter, ReusableAfterFinishAndClear) {
    record_batch_writer w;
    w.append(1, "a", "b");
    w.clear();
    EXPECT_TRUE(w.empty());
    EXPECT_EQ(w.size(), L::header_size);
    w.append(2, "c", "d");
    auto first = w.finish();
    ASSERT_TRUE(first.ok());
    w.append(3, "e", "f");
    auto second = w.finish();
    ASSERT_TRUE(second.ok());
    auto recs = decode_records(*second);
    ASSERT_TRUE(recs.ok());
    ASSERT_EQ(recs->size(), 1u);
    EXPECT_EQ(as_string_view(*(*recs)[0].key), "e");
    EXPECT_EQ(validate_batch(*second)->base_timestamp, 3);
}

TEST(RecordBatchWriter, SizeTracksTheBytesWritten) {
    record_batch_writer w;
    size_t before = w.size();
    w.append(1, "key", std::string(1000, 'x'));
    size_t grew = w.size() - before;
    EXPECT_GE(grew, 1003u);
    EXPECT_LE(grew, record_batch_writer::record_size_estimate(3, 1000, 0));
    auto b = w.finish();
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->size(), before + grew);
}

}  // namespace
}  // namespace cs::kafka
