#include "protocol/record_validation.h"

#include <string>

#include <gtest/gtest.h>

#include "base/varint.h"
#include "protocol/compression.h"

namespace cs::kafka {
namespace {

namespace L = batch_layout;

constexpr size_t kMax = 64u << 20;

constexpr compression_codec kCompressed[] = {compression_codec::gzip, compression_codec::snappy,
                                             compression_codec::lz4, compression_codec::zstd};

const char* name(compression_codec c) {
    switch (c) {
        case compression_codec::none:
            return "none";
        case compression_codec::gzip:
            return "gzip";
        case compression_codec::snappy:
            return "snappy";
        case compression_codec::lz4:
            return "lz4";
        case compression_codec::zstd:
            return "zstd";
    }
    return "?";
}

// A batch whose record section is `section` (uncompressed; compressed here
// with `codec`), declaring `count` records, with a correct CRC, so that
// validate_batch accepts it and only the record walk can object.
bytes make_batch(bytes_view section, int32_t count, compression_codec codec,
                 bool xerial_snappy = false) {
    bytes out(L::header_size);
    bytes packed;
    if (codec == compression_codec::none) {
        packed.assign(section.begin(), section.end());
    } else if (codec == compression_codec::snappy && xerial_snappy) {
        packed = compress_snappy_xerial(section);
    } else {
        auto c = compress(codec, section);
        EXPECT_TRUE(c.ok());
        packed = std::move(*c);
    }
    out.insert(out.end(), packed.begin(), packed.end());
    std::byte* p = out.data();
    store_be<int64_t>(p + L::base_offset, 0);
    store_be<int32_t>(p + L::batch_length, static_cast<int32_t>(out.size() - L::log_overhead));
    store_be<int32_t>(p + L::partition_leader_epoch, -1);
    store_be<int8_t>(p + L::magic, record_batch_magic_v2);
    store_be<int16_t>(p + L::attributes, static_cast<int16_t>(codec));
    store_be<int32_t>(p + L::last_offset_delta, count - 1);
    store_be<int64_t>(p + L::base_timestamp, 1000);
    store_be<int64_t>(p + L::max_timestamp, 1000);
    store_be<int64_t>(p + L::producer_id, -1);
    store_be<int16_t>(p + L::producer_epoch, -1);
    store_be<int32_t>(p + L::base_sequence, -1);
    store_be<int32_t>(p + L::records_count, count);
    store_be<uint32_t>(p + L::crc, compute_batch_crc(out));
    return out;
}

// The bytes of one record, written field by field so that tests can get any
// field wrong. `length_adjust` is added to the true length.
struct raw_record {
    int32_t offset_delta = 0;
    int32_t key_len = -1;
    std::string key{};
    int32_t value_len = 0;
    std::string value{};
    int32_t header_count = 0;
    std::string header_bytes{};  // already encoded headers
    int32_t length_adjust = 0;
};

void put_string(bytes& out, const std::string& s) {
    auto v = as_bytes(s);
    out.insert(out.end(), v.begin(), v.end());
}

void append_record(bytes& section, const raw_record& r) {
    bytes body;
    body.push_back(std::byte{0});  // attributes
    append_varint(body, 5);        // timestampDelta
    append_varint(body, r.offset_delta);
    append_varint(body, r.key_len);
    put_string(body, r.key);
    append_varint(body, r.value_len);
    put_string(body, r.value);
    append_varint(body, r.header_count);
    put_string(body, r.header_bytes);
    append_varint(section, static_cast<int64_t>(body.size()) + r.length_adjust);
    section.insert(section.end(), body.begin(), body.end());
}

raw_record good(int32_t i) {
    std::string v = "value-" + std::to_string(i);
    return raw_record{.offset_delta = i, .value_len = static_cast<int32_t>(v.size()), .value = v};
}

bytes good_section(int32_t n) {
    bytes s;
    for (int32_t i = 0; i < n; ++i) {
        append_record(s, good(i));
    }
    return s;
}

// validate_batch must accept the batch; returns validate_records' verdict.
status check(const bytes& batch, size_t max = kMax) {
    auto h = validate_batch(batch);
    EXPECT_TRUE(h.ok()) << h.err().message;
    if (!h.ok()) {
        return h.err();
    }
    return validate_records(batch, *h, max);
}

void expect_invalid(const status& st, const std::string& says) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), errc::invalid_argument) << st.message();
    EXPECT_NE(st.message().find(says), std::string::npos) << st.message();
}

TEST(RecordValidation, ValidBatchesOfEveryCodecPass) {
    batch_builder b;
    b.add(record_spec{"k1", "v1", 1000, {{"h", "x"}, {"n", std::nullopt}}});
    b.add(std::nullopt, std::nullopt, 1001);
    b.add("", "", 999);
    b.add("big", std::string(100000, 'z'), 1002);
    for (int i = 0; i < 500; ++i) {
        b.add("user" + std::to_string(i % 7), "{\"url\":\"/p/" + std::to_string(i) + "\"}", 1003);
    }
    bytes plain = b.build();
    auto h = validate_batch(plain);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(validate_records(plain, *h, kMax).ok());

    bytes_view section = bytes_view(plain).subspan(L::header_size);
    int32_t count = h->records_count;
    for (auto codec : kCompressed) {
        SCOPED_TRACE(name(codec));
        auto st = check(make_batch(section, count, codec));
        EXPECT_TRUE(st.ok()) << st.message();
    }
    // Java clients frame snappy the xerial way.
    auto st = check(make_batch(section, count, compression_codec::snappy, true));
    EXPECT_TRUE(st.ok()) << st.message();
    // Validating many batches on one thread reuses its buffer and contexts.
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(check(make_batch(section, count, compression_codec::lz4)).ok());
    }
}

// The records' own timestamps (a negative delta included), compressed or
// not, and whether a key is null: what topic configs are checked against.
TEST(RecordValidation, SummarizesTimestampsAndNullKeys) {
    batch_builder b;
    b.add("a", "1", 5000);
    b.add("b", "2", 4990);  // earlier than the batch's base timestamp
    b.add("c", "3", 5020);
    bytes plain = b.build();
    auto h = validate_batch(plain);
    ASSERT_TRUE(h.ok());
    record_summary range;
    ASSERT_TRUE(validate_records(plain, *h, kMax, &range).ok());
    EXPECT_EQ(range.min, 4990);
    EXPECT_EQ(range.max, 5020);

    bytes_view section = bytes_view(plain).subspan(L::header_size);
    bytes lz4 = make_batch(section, h->records_count, compression_codec::lz4);
    auto hz = validate_batch(lz4);
    ASSERT_TRUE(hz.ok());
    record_summary zrange;
    ASSERT_TRUE(validate_records(lz4, *hz, kMax, &zrange).ok());
    EXPECT_EQ(zrange.min - hz->base_timestamp, 4990 - h->base_timestamp);
    EXPECT_EQ(zrange.max - zrange.min, 30);
    EXPECT_TRUE(record_summary{}.no_timestamps());
    EXPECT_FALSE(range.null_key);
    batch_builder nk;
    nk.add("k", "v", 1).add(std::nullopt, "v", 2);
    bytes keyless = nk.build();
    auto hk = validate_batch(keyless);
    ASSERT_TRUE(hk.ok());
    record_summary ks;
    ASSERT_TRUE(validate_records(keyless, *hk, kMax, &ks).ok());
    EXPECT_TRUE(ks.null_key);
}

TEST(RecordValidation, CorruptCompressedPayloadIsCorruptMessage) {
    bytes section = good_section(20);
    for (auto codec : kCompressed) {
        SCOPED_TRACE(name(codec));
        bytes good_batch = make_batch(section, 20, codec);
        ASSERT_TRUE(check(good_batch).ok());

        // The compressed stream cut in half (CRC recomputed: only the
        // decompressor can notice).
        size_t payload = good_batch.size() - L::header_size;
        bytes cut(good_batch.begin(),
                  good_batch.begin() + static_cast<std::ptrdiff_t>(L::header_size + payload / 2));
        store_be<int32_t>(cut.data() + L::batch_length,
                          static_cast<int32_t>(cut.size() - L::log_overhead));
        store_be<uint32_t>(cut.data() + L::crc, compute_batch_crc(cut));
        auto st = check(cut);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.code(), errc::corrupt) << st.message();
        EXPECT_NE(st.message().find("compressed records"), std::string::npos) << st.message();
    }
    // Uncompressed bytes labelled as compressed.
    for (auto codec : {compression_codec::gzip, compression_codec::lz4, compression_codec::zstd}) {
        SCOPED_TRACE(name(codec));
        bytes b = make_batch(section, 20, compression_codec::none);
        store_be<int16_t>(b.data() + L::attributes, static_cast<int16_t>(codec));
        store_be<uint32_t>(b.data() + L::crc, compute_batch_crc(b));
        auto st = check(b);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.code(), errc::corrupt) << st.message();
    }
}

TEST(RecordValidation, DecompressionBombIsTooLarge) {
    // One record with a 4 MiB value of zeros: a few KiB compressed.
    bytes section;
    raw_record r{.value_len = 4 << 20, .value = std::string(4 << 20, '\0')};
    append_record(section, r);
    for (auto codec : kCompressed) {
        SCOPED_TRACE(name(codec));
        bytes b = make_batch(section, 1, codec);
        EXPECT_LT(b.size(), 1u << 20);
        auto st = check(b, 1 << 20);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.code(), errc::too_large) << st.message();
        EXPECT_TRUE(check(b, 8 << 20).ok());
    }
}

TEST(RecordValidation, RecordCountMustMatchTheRecords) {
    for (auto codec : {compression_codec::none, compression_codec::lz4, compression_codec::zstd}) {
        SCOPED_TRACE(name(codec));
        // Header says 5, the section holds 4.
        expect_invalid(check(make_batch(good_section(4), 5, codec)),
                       "recordsCount is 5 but the batch holds only 4 records");
        // Header says 3, the section holds 4: the fourth is extra bytes.
        expect_invalid(check(make_batch(good_section(4), 3, codec)),
                       "bytes after the last of the 3 records");
    }
}

TEST(RecordValidation, OffsetDeltasMustRunFromZero) {
    for (auto codec : {compression_codec::none, compression_codec::gzip, compression_codec::zstd}) {
        SCOPED_TRACE(name(codec));
        bytes gap;
        append_record(gap, good(0));
        append_record(gap, good(1));
        append_record(gap, good(3));
        expect_invalid(check(make_batch(gap, 3, codec)),
                       "record 2: invalid offset: offsetDelta 3, expected 2");

        bytes from_one;
        for (int32_t i = 1; i <= 3; ++i) {
            append_record(from_one, good(i));
        }
        expect_invalid(check(make_batch(from_one, 3, codec)),
                       "record 0: invalid offset: offsetDelta 1, expected 0");

        bytes repeated;
        append_record(repeated, good(0));
        append_record(repeated, good(0));
        expect_invalid(check(make_batch(repeated, 2, codec)), "record 1: invalid offset");
    }
}

TEST(RecordValidation, TruncatedRecordsAreInvalid) {
    for (auto codec : {compression_codec::none, compression_codec::snappy}) {
        SCOPED_TRACE(name(codec));
        // The last record claims 10 bytes more than the section holds.
        bytes s = good_section(2);
        raw_record last = good(2);
        last.length_adjust = 10;
        append_record(s, last);
        expect_invalid(check(make_batch(s, 3, codec)), "record 2: length");

        // A value that runs past its own record (but not past the section).
        bytes s2;
        raw_record r = good(0);
        r.value_len = 50;  // only 7 bytes of value follow
        append_record(s2, r);
        append_record(s2, good(1));
        expect_invalid(check(make_batch(s2, 2, codec)), "record 0: value runs past");

        // The section ends inside the first record's length varint.
        bytes s3{std::byte{0x80}};
        expect_invalid(check(make_batch(s3, 1, codec)), "record 0: bad record length");

        // A record shorter than its fields: a declared length of 2 bytes.
        bytes s4;
        raw_record short_rec = good(0);
        short_rec.length_adjust = -static_cast<int32_t>(short_rec.value.size()) - 3;
        append_record(s4, short_rec);
        auto st = check(make_batch(s4, 1, codec));
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.code(), errc::invalid_argument) << st.message();
    }
}

TEST(RecordValidation, TrailingBytesAreInvalid) {
    for (auto codec : {compression_codec::none, compression_codec::lz4}) {
        SCOPED_TRACE(name(codec));
        bytes s = good_section(3);
        s.push_back(std::byte{0});
        s.push_back(std::byte{1});
        s.push_back(std::byte{2});
        expect_invalid(check(make_batch(s, 3, codec)), "3 bytes after the last of the 3 records");

        // Bytes left inside a record's declared length: two stray bytes
        // after a headerCount of 0, counted in the length.
        bytes s2;
        raw_record r = good(0);
        r.header_bytes = std::string("\0\0", 2);
        append_record(s2, r);
        expect_invalid(check(make_batch(s2, 1, codec)), "record 0: 2 bytes left unread");
    }
}

TEST(RecordValidation, HeaderCountMustBeSane) {
    auto with_headers = [](int32_t count, std::string header_bytes) {
        bytes s;
        raw_record r = good(0);
        r.header_count = count;
        r.header_bytes = std::move(header_bytes);
        append_record(s, r);
        return s;
    };
    bytes h;  // one valid header: key "a", value "b"
    append_varint(h, 1);
    h.push_back(std::byte{'a'});
    append_varint(h, 1);
    h.push_back(std::byte{'b'});
    std::string one_header(reinterpret_cast<const char*>(h.data()), h.size());
    for (auto codec : {compression_codec::none, compression_codec::zstd}) {
        SCOPED_TRACE(name(codec));
        EXPECT_TRUE(check(make_batch(with_headers(1, one_header), 1, codec)).ok());
        expect_invalid(check(make_batch(with_headers(-1, ""), 1, codec)), "bad headerCount");
        expect_invalid(check(make_batch(with_headers(1000000000, one_header), 1, codec)),
                       "headerCount 1000000000 cannot fit");
        expect_invalid(check(make_batch(with_headers(2, one_header), 1, codec)),
                       "bad or truncated header key");
        // A null header key (length -1) is not allowed; a null value is.
        bytes null_key;
        append_varint(null_key, -1);
        append_varint(null_key, 1);
        null_key.push_back(std::byte{'b'});
        expect_invalid(
            check(make_batch(
                with_headers(1, std::string(reinterpret_cast<const char*>(null_key.data()),
                                            null_key.size())),
                1, codec)),
            "bad or truncated header key");
        bytes null_value;
        append_varint(null_value, 1);
        null_value.push_back(std::byte{'a'});
        append_varint(null_value, -1);
        EXPECT_TRUE(
            check(make_batch(
                      with_headers(1, std::string(reinterpret_cast<const char*>(null_value.data()),
                                                  null_value.size())),
                      1, codec))
                .ok());
    }
}

TEST(RecordValidation, BadVarintsAndLengths) {
    // Key length -2 (only -1 means null).
    bytes s;
    raw_record r = good(0);
    r.key_len = -2;
    append_record(s, r);
    expect_invalid(check(make_batch(s, 1, compression_codec::none)), "bad key length");
    // An over-long varint (six continuation bytes) as the offsetDelta.
    bytes s2;
    bytes body{std::byte{0}, std::byte{10}};
    for (int i = 0; i < 6; ++i) {
        body.push_back(std::byte{0x80});
    }
    body.push_back(std::byte{0});
    append_varint(s2, static_cast<int64_t>(body.size()));
    s2.insert(s2.end(), body.begin(), body.end());
    expect_invalid(check(make_batch(s2, 1, compression_codec::none)),
                   "bad or truncated offsetDelta");
    // A negative record length.
    bytes s3;
    append_varint(s3, -3);
    s3.push_back(std::byte{0});
    expect_invalid(check(make_batch(s3, 1, compression_codec::none)), "bad record length");
}

}  // namespace
}  // namespace cs::kafka
