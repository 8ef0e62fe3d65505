#include "client/fetch_decoder.h"

#include <gtest/gtest.h>

#include "client/fetch_test_records.h"
#include "protocol/compression.h"
#include "protocol/record_batch.h"

namespace cs::client {
namespace {

namespace L = kafka::batch_layout;

using testing_records::base_ts;
using testing_records::expect_record;

// A batch of n records (testing_records' record i) at base offset `base`.
bytes make_batch(int64_t base, int n) {
    kafka::batch_builder b;
    b.base_offset(kafka::offset(base));
    for (int i = 0; i < n; ++i) {
        b.add(kafka::record_spec{testing_records::key(i),
                                 testing_records::value(i),
                                 base_ts + i,
                                 {{"n", std::to_string(i)}, {"nil", std::nullopt}}});
    }
    return b.build();
}

// The same batch with its record section compressed by `codec`.
bytes compressed(const bytes& plain, kafka::compression_codec codec) {
    auto section = kafka::compress(codec, bytes_view(plain).subspan(L::header_size));
    EXPECT_TRUE(section.ok());
    bytes out(plain.begin(), plain.begin() + L::header_size);
    out.insert(out.end(), section->begin(), section->end());
    store_be<int32_t>(out.data() + L::batch_length,
                      static_cast<int32_t>(out.size() - L::log_overhead));
    int16_t attrs = load_be<int16_t>(out.data() + L::attributes);
    store_be<int16_t>(out.data() + L::attributes,
                      static_cast<int16_t>(attrs | static_cast<int16_t>(codec)));
    return out;
}

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

struct decoded {
    result<decoded_records> r;
    std::vector<message> msgs;
};

decoded decode(const bytes& records, int64_t position, fetched_buffers& bufs,
               int64_t* stopped = nullptr, bool verify_crc = false) {
    std::vector<message> msgs;
    auto r =
        decode_fetched_records(records, "t", 3, position, bufs, nullptr, msgs, stopped, verify_crc);
    return {std::move(r), std::move(msgs)};
}

void expect_record(const message& m, int64_t off, int i) {
    EXPECT_EQ(m.topic(), "t");
    EXPECT_EQ(m.partition(), 3);
    EXPECT_EQ(m.offset(), off);
    expect_record(m, i);
}

TEST(FetchDecoder, DecodesFieldsAndHeadersOfEveryRecord) {
    bytes records = concat({make_batch(0, 10), make_batch(10, 7)});
    fetched_buffers bufs;
    auto d = decode(records, 0, bufs);
    ASSERT_TRUE(d.r.ok()) << d.r.err().message;
    EXPECT_EQ(d.r->next_offset, 17);
    EXPECT_EQ(d.r->count, 17u);
    ASSERT_EQ(d.msgs.size(), 17u);
    for (int i = 0; i < 10; ++i) {
        expect_record(d.msgs[static_cast<size_t>(i)], i, i);
    }
    for (int i = 0; i < 7; ++i) {
        expect_record(d.msgs[static_cast<size_t>(10 + i)], 10 + i, i);
    }
    // Views into the response's buffer, not copies.
    auto* first = reinterpret_cast<const char*>(records.data());
    EXPECT_GE(d.msgs[0].value()->data(), first);
    EXPECT_LT(d.msgs[0].value()->data(), first + records.size());
}

TEST(FetchDecoder, SkipsRecordsBeforeThePositionAndAPartialTrailingBatch) {
    bytes second = make_batch(10, 5);
    bytes records = concat({make_batch(0, 10), second});
    records.resize(records.size() - second.size() / 2);  // the 2nd batch cut by max bytes
    fetched_buffers bufs;
    auto d = decode(records, 6, bufs);
    ASSERT_TRUE(d.r.ok()) << d.r.err().message;
    ASSERT_EQ(d.msgs.size(), 4u);
    EXPECT_EQ(d.msgs.front().offset(), 6);
    EXPECT_EQ(d.r->next_offset, 10);
    // A batch wholly before the position: skipped, position unchanged.
    auto again = decode(make_batch(0, 10), 12, bufs);
    ASSERT_TRUE(again.r.ok());
    EXPECT_TRUE(again.msgs.empty());
    EXPECT_EQ(again.r->next_offset, 12);
}

TEST(FetchDecoder, EveryCodecIsDecompressedAndKeptAliveByTheOwner) {
    for (auto codec : {kafka::compression_codec::gzip, kafka::compression_codec::snappy,
                       kafka::compression_codec::lz4, kafka::compression_codec::zstd}) {
        SCOPED_TRACE(static_cast<int>(codec));
        bytes records = compressed(make_batch(100, 20), codec);
        auto bufs = std::make_shared<fetched_buffers>();
        std::vector<message> msgs;
        auto r = decode_fetched_records(records, "t", 3, 105, *bufs, bufs, msgs);
        ASSERT_TRUE(r.ok()) << r.err().message;
        EXPECT_EQ(r->next_offset, 120);
        ASSERT_EQ(msgs.size(), 15u);
        bufs.reset();  // the messages keep the decompressed bytes
        for (int i = 5; i < 20; ++i) {
            expect_record(msgs[static_cast<size_t>(i - 5)], 100 + i, i);
        }
    }
}

TEST(FetchDecoder, ControlBatchesAndLogAppendTime) {
    bytes control = make_batch(0, 1);
    int16_t attrs = load_be<int16_t>(control.data() + L::attributes);
    store_be<int16_t>(control.data() + L::attributes,
                      static_cast<int16_t>(attrs | kafka::batch_attr::control));
    bytes lat = make_batch(1, 3);
    kafka::set_log_append_time(lat, 42);
    // Compaction removed the last records of this batch: lastOffsetDelta says 9.
    bytes compacted = make_batch(4, 2);
    store_be<int32_t>(compacted.data() + L::last_offset_delta, 9);
    fetched_buffers bufs;
    auto d = decode(concat({control, lat, compacted}), 0, bufs);
    ASSERT_TRUE(d.r.ok()) << d.r.err().message;
    ASSERT_EQ(d.msgs.size(), 5u);
    EXPECT_EQ(d.msgs[0].offset(), 1);
    EXPECT_EQ(d.msgs[0].timestamp_ms(), 42);
    EXPECT_EQ(d.msgs[0].timestamp_type(), timestamp_kind::log_append_time);
    EXPECT_EQ(d.msgs[3].timestamp_type(), timestamp_kind::create_time);
    EXPECT_EQ(d.r->next_offset, 14);
}

TEST(FetchDecoder, CorruptBatchIsAPermanentErrorNamingThePartitionAndOffset) {
    bytes good = make_batch(0, 5);
    bytes bad = make_batch(5, 5);
    // The first record's length varint of the second batch, made too large.
    bad[L::header_size] = std::byte{0x7e};
    fetched_buffers bufs;
    int64_t stopped = -1;
    auto d = decode(concat({good, bad}), 0, bufs, &stopped);
    ASSERT_FALSE(d.r.ok());
    EXPECT_EQ(d.r.err().code, errc::corrupt);
    EXPECT_NE(d.r.err().message.find("t [3]"), std::string::npos) << d.r.err().message;
    EXPECT_NE(d.r.err().message.find("offset 5"), std::string::npos) << d.r.err().message;
    EXPECT_EQ(d.msgs.size(), 5u);  // the good batch before it
    EXPECT_EQ(stopped, 5);

    // recordsCount beyond the records there are.
    bytes more = make_batch(0, 3);
    store_be<int32_t>(more.data() + L::records_count, 4);
    auto m = decode(more, 0, bufs);
    ASSERT_FALSE(m.r.ok());
    EXPECT_EQ(m.r.err().code, errc::corrupt);
    EXPECT_TRUE(m.msgs.empty());

    // A batchLength below the minimum.
    bytes tiny = make_batch(0, 3);
    store_be<int32_t>(tiny.data() + L::batch_length, 10);
    auto t = decode(tiny, 0, bufs);
    ASSERT_FALSE(t.r.ok());
    EXPECT_EQ(t.r.err().code, errc::corrupt);
}

// check.crcs: a batch whose bytes changed after its CRC was computed is
// corrupt; without it the same batch decodes (librdkafka's default).
TEST(FetchDecoder, CrcIsCheckedOnlyWhenAsked) {
    bytes batch = make_batch(0, 3);
    fetched_buffers bufs;
    auto ok = decode(batch, 0, bufs, nullptr, true);
    ASSERT_TRUE(ok.r.ok()) << ok.r.err().message;
    EXPECT_EQ(ok.msgs.size(), 3u);
    batch.back() ^= std::byte{0x01};  // last byte of the last record's value
    auto bad = decode(batch, 0, bufs, nullptr, true);
    ASSERT_FALSE(bad.r.ok());
    EXPECT_EQ(bad.r.err().code, errc::corrupt);
    EXPECT_NE(bad.r.err().message.find("CRC"), std::string::npos) << bad.r.err().message;
    auto unchecked = decode(batch, 0, bufs);
    EXPECT_TRUE(unchecked.r.ok());
}

TEST(FetchDecoder, OldMessageFormatsAreRefused) {
    bytes v1 = make_batch(7, 2);
    v1[L::magic] = std::byte{1};
    fetched_buffers bufs;
    auto d = decode(v1, 0, bufs);
    ASSERT_FALSE(d.r.ok());
    EXPECT_EQ(d.r.err().code, errc::unsupported);
    EXPECT_NE(d.r.err().message.find("message format v1"), std::string::npos);
    EXPECT_NE(d.r.err().message.find("not supported by the built-in fetcher"), std::string::npos);
}

}  // namespace
}  // namespace cs::client
