#include "protocol/record_batch.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "base/crc32c.h"

namespace cs::kafka {
namespace {

namespace L = batch_layout;

bytes sample_batch() {
    batch_builder b;
    b.producer(42, 3, 7);
    b.add(record_spec{"k1", "v1", 1000, {{"h", "x"}, {"n", std::nullopt}}});
    b.add(std::nullopt, "v2", 1005);
    b.add("k3", std::nullopt, 998);
    return b.build();
}

TEST(RecordBatch, LayoutConstantsMatchSpec) {
    EXPECT_EQ(L::header_size, 61u);
    EXPECT_EQ(L::crc, 17u);
    EXPECT_EQ(L::attributes, 21u);
    EXPECT_EQ(L::records_count, 57u);
    EXPECT_EQ(L::min_batch_length, 49);
}

TEST(RecordBatch, BuilderWritesHeaderFieldsAtSpecOffsets) {
    bytes b = sample_batch();
    // Read raw bytes at the spec offsets, independent of decode_header.
    EXPECT_EQ(load_be<int32_t>(b.data() + 8), static_cast<int32_t>(b.size() - 12));
    EXPECT_EQ(load_be<int8_t>(b.data() + 16), 2);
    EXPECT_EQ(load_be<uint32_t>(b.data() + 17), crc32c(bytes_view(b).subspan(21)));
    EXPECT_EQ(load_be<int32_t>(b.data() + 23), 2);
    EXPECT_EQ(load_be<int64_t>(b.data() + 27), 998);
    EXPECT_EQ(load_be<int64_t>(b.data() + 35), 1005);
    EXPECT_EQ(load_be<int64_t>(b.data() + 43), 42);
    EXPECT_EQ(load_be<int16_t>(b.data() + 51), 3);
    EXPECT_EQ(load_be<int32_t>(b.data() + 53), 7);
    EXPECT_EQ(load_be<int32_t>(b.data() + 57), 3);

    auto h = validate_batch(b);
    ASSERT_TRUE(h.ok()) << h.err().message;
    EXPECT_EQ(h->records_count, 3);
    EXPECT_EQ(h->total_size(), b.size());
    EXPECT_EQ(h->compression(), compression_codec::none);
    EXPECT_EQ(h->ts_type(), timestamp_type::create_time);
    EXPECT_FALSE(h->is_control());
}

TEST(RecordBatch, RecordsRoundTrip) {
    bytes b = sample_batch();
    auto recs = decode_records(b);
    ASSERT_TRUE(recs.ok()) << recs.err().message;
    ASSERT_EQ(recs->size(), 3u);
    const auto& r0 = (*recs)[0];
    EXPECT_EQ(as_string_view(*r0.key), "k1");
    EXPECT_EQ(as_string_view(*r0.value), "v1");
    EXPECT_EQ(r0.timestamp_delta, 2);  // 1000 - base 998
    ASSERT_EQ(r0.headers.size(), 2u);
    EXPECT_EQ(r0.headers[0].key, "h");
    EXPECT_EQ(as_string_view(*r0.headers[0].value), "x");
    EXPECT_FALSE(r0.headers[1].value.has_value());
    EXPECT_FALSE((*recs)[1].key.has_value());
    EXPECT_EQ((*recs)[1].offset_delta, 1);
    EXPECT_FALSE((*recs)[2].value.has_value());
    EXPECT_EQ((*recs)[2].timestamp_delta, 0);
}

TEST(RecordBatch, RecordReaderGivesTheRawHeaderSection) {
    bytes b = sample_batch();
    record_reader reader(bytes_view(b).subspan(L::header_size), 3, /*collect_headers=*/false);
    auto r0 = reader.next();
    ASSERT_TRUE(r0.ok() && r0->has_value());
    EXPECT_TRUE((*r0)->headers.empty());  // not materialized
    EXPECT_EQ((*r0)->header_count, 2);
    // "h"="x", "n"=null: varint lengths (zig-zag) then bytes.
    const std::byte expected[] = {std::byte{2}, std::byte{'h'}, std::byte{2}, std::byte{'x'},
                                  std::byte{2}, std::byte{'n'}, std::byte{1}};
    EXPECT_TRUE(std::ranges::equal((*r0)->raw_headers, bytes_view(expected)));
    auto r1 = reader.next();
    ASSERT_TRUE(r1.ok() && r1->has_value());
    EXPECT_EQ((*r1)->header_count, 0);
    EXPECT_TRUE((*r1)->raw_headers.empty());
}

TEST(RecordBatch, ValidationNamesEachFailedCheck) {
    bytes good = sample_batch();
    auto expect_fail = [](bytes_view in, errc code, const std::string& needle,
                          batch_checks checks = {}) {
        auto r = validate_batch(in, checks);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.err().code, code);
        EXPECT_NE(r.err().message.find(needle), std::string::npos) << r.err().message;
    };
    expect_fail(bytes_view(good).first(30), errc::corrupt, "truncated");
    expect_fail(bytes_view(good).first(good.size() - 1), errc::corrupt, "only");

    bytes b = good;
    store_be<int32_t>(b.data() + 8, 10);
    expect_fail(b, errc::corrupt, "below minimum");

    b = good;
    store_be<int8_t>(b.data() + 16, 1);
    expect_fail(b, errc::corrupt, "magic");

    b = good;
    b[b.size() - 2] ^= std::byte{0x01};
    expect_fail(b, errc::corrupt, "CRC");

    b = good;
    store_be<int64_t>(b.data(), 5);  // outside the CRC
    expect_fail(b, errc::invalid_argument, "baseOffset");
    EXPECT_TRUE(validate_batch(b, {.client_rules = false}).ok());

    b = good;
    store_be<int32_t>(b.data() + 23, 5);
    store_be<uint32_t>(b.data() + 17, compute_batch_crc(b));
    expect_fail(b, errc::invalid_argument, "lastOffsetDelta");

    b = batch_builder{}.build();  // zero records
    expect_fail(b, errc::invalid_argument, "recordsCount");

    b = good;
    store_be<int16_t>(b.data() + 21, batch_attr::control);
    store_be<uint32_t>(b.data() + 17, compute_batch_crc(b));
    expect_fail(b, errc::invalid_argument, "control");

    b = good;
    store_be<int16_t>(b.data() + 21, 6);
    store_be<uint32_t>(b.data() + 17, compute_batch_crc(b));
    expect_fail(b, errc::corrupt, "codec");

    b = good;
    store_be<int32_t>(b.data() + 53, -1);
    store_be<uint32_t>(b.data() + 17, compute_batch_crc(b));
    expect_fail(b, errc::invalid_argument, "baseSequence");

    // CRC check can be skipped (e.g. a scan that trusts flushed data).
    b = good;
    b[b.size() - 2] ^= std::byte{0x01};
    EXPECT_TRUE(validate_batch(b, {.client_rules = true, .verify_crc = false}).ok());
}

TEST(RecordBatch, SplitReportsTrailingPartialBatch) {
    bytes a = sample_batch();
    bytes b = batch_builder{}.add("x", "y", 5).build();
    bytes all = a;
    all.insert(all.end(), b.begin(), b.end());
    all.insert(all.end(), a.begin(), a.begin() + 20);  // partial third batch
    auto s = split_batches(all);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->batches.size(), 2u);
    EXPECT_EQ(s->batches[0].size(), a.size());
    EXPECT_EQ(s->batches[1].size(), b.size());
    EXPECT_EQ(s->trailing.size(), 20u);

    // Fewer than 12 bytes is also a partial batch.
    auto s2 = split_batches(bytes_view(a).first(5));
    ASSERT_TRUE(s2.ok());
    EXPECT_TRUE(s2->batches.empty());
    EXPECT_EQ(s2->trailing.size(), 5u);

    bytes bad = a;
    store_be<int32_t>(bad.data() + 8, 3);
    auto s3 = split_batches(bad);
    ASSERT_FALSE(s3.ok());
    EXPECT_EQ(s3.err().code, errc::corrupt);
}

TEST(RecordBatch, RewritesKeepCrcValid) {
    bytes b = sample_batch();
    uint32_t crc_before = load_be<uint32_t>(b.data() + 17);
    set_base_offset(b, offset(1234));
    set_partition_leader_epoch(b, leader_epoch(9));
    EXPECT_EQ(load_be<uint32_t>(b.data() + 17), crc_before);
    auto h = validate_batch(b, {.client_rules = false});
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->base_offset, 1234);
    EXPECT_EQ(h->partition_leader_epoch, 9);
    EXPECT_EQ(h->last_offset().value(), 1236);

    set_log_append_time(b, 777777);
    auto h2 = validate_batch(b, {.client_rules = false});
    ASSERT_TRUE(h2.ok()) << h2.err().message;
    EXPECT_EQ(h2->max_timestamp, 777777);
    EXPECT_EQ(h2->ts_type(), timestamp_type::log_append_time);
    EXPECT_NE(h2->crc, crc_before);
}

TEST(RecordBatch, RecordReaderRejectsTruncatedRecords) {
    bytes b = sample_batch();
    // Declare one more record than present.
    store_be<int32_t>(b.data() + 57, 4);
    auto r = decode_records(b);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message.find("record 3"), std::string::npos) << r.err().message;

    // Corrupt a record length so it overruns the section.
    b = sample_batch();
    b[L::header_size] = std::byte{0x7e};  // varint 63 > remaining
    auto r2 = decode_records(b);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.err().code, errc::corrupt);
}

}  // namespace
}  // namespace cs::kafka
