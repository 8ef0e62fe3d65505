#include "broker/group/offsets_records.h"

#include <gtest/gtest.h>

namespace cs::group {
namespace {

bytes b(std::initializer_list<int> v) {
    bytes out;
    for (int x : v) {
        out.push_back(static_cast<std::byte>(x));
    }
    return out;
}

bytes str(std::string_view s) {
    auto v = as_bytes(s);
    return bytes(v.begin(), v.end());
}

TEST(offsets_records, offset_commit_key_layout) {
    // [int16 1][int16 1 "g"][int16 2 "tp"][int32 7]
    EXPECT_EQ(encode_offset_commit_key({"g", "tp", 7}),
              b({0, 1, 0, 1, 'g', 0, 2, 't', 'p', 0, 0, 0, 7}));
    // Version 0 has the same layout.
    auto k = decode_offsets_record_key(b({0, 0, 0, 1, 'g', 0, 2, 't', 'p', 0, 0, 0, 7}));
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(std::get<offset_commit_key>(*k), (offset_commit_key{"g", "tp", 7}));
}

TEST(offsets_records, group_metadata_key_layout) {
    EXPECT_EQ(encode_group_metadata_key({"ab"}), b({0, 2, 0, 2, 'a', 'b'}));
    auto k = decode_offsets_record_key(b({0, 2, 0, 2, 'a', 'b'}));
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(std::get<group_metadata_key>(*k).group, "ab");
}

TEST(offsets_records, offset_commit_value_v3_layout) {
    offset_commit_value v{0x0102, 5, "m", 0x0A0B, -1};
    EXPECT_EQ(encode_offset_commit_value(v), b({0, 3,                            // version
                                                0, 0, 0,   0, 0, 0, 1,    2,     // offset
                                                0, 0, 0,   5,                    // leader epoch
                                                0, 1, 'm',                       // metadata
                                                0, 0, 0,   0, 0, 0, 0x0A, 0x0B}  // commit timestamp
                                               ));
}

TEST(offsets_records, offset_commit_value_round_trips_every_version) {
    for (int16_t version = 0; version <= 3; ++version) {
        SCOPED_TRACE(version);
        offset_commit_value v{1234567890123, 17, "meta data", 1700000000000, 1800000000000};
        auto decoded = decode_offset_commit_value(encode_offset_commit_value(v, version));
        ASSERT_TRUE(decoded.ok()) << decoded.err().message;
        EXPECT_EQ(decoded->offset, v.offset);
        EXPECT_EQ(decoded->metadata, v.metadata);
        EXPECT_EQ(decoded->commit_timestamp_ms, v.commit_timestamp_ms);
        EXPECT_EQ(decoded->leader_epoch, version >= 3 ? 17 : -1);
        EXPECT_EQ(decoded->expire_timestamp_ms, version == 1 ? v.expire_timestamp_ms : -1);
    }
}

group_metadata_value sample_group() {
    group_metadata_value v;
    v.protocol_type = "consumer";
    v.generation = 12;
    v.protocol = "range";
    v.leader = "m1";
    v.current_state_timestamp_ms = 1700000000123;
    v.members.push_back(
        {"m1", "inst-1", "client-1", "/10.0.0.1", 30000, 10000, str("sub1"), str("asg1")});
    v.members.push_back({"m2", std::nullopt, "client-2", "/10.0.0.2", 60000, 45000, {}, {}});
    return v;
}

TEST(offsets_records, group_metadata_value_round_trips_every_version) {
    for (int16_t version = 0; version <= 3; ++version) {
        SCOPED_TRACE(version);
        auto v = sample_group();
        auto decoded = decode_group_metadata_value(encode_group_metadata_value(v, version));
        ASSERT_TRUE(decoded.ok()) << decoded.err().message;
        auto want = v;
        if (version < 3) {
            for (auto& m : want.members) {
                m.group_instance_id.reset();
            }
        }
        if (version < 2) {
            want.current_state_timestamp_ms = -1;
        }
        if (version < 1) {
            for (auto& m : want.members) {
                m.rebalance_timeout_ms = m.session_timeout_ms;
            }
        }
        EXPECT_EQ(*decoded, want);
    }
}

TEST(offsets_records, empty_group_value_has_null_protocol_and_leader) {
    group_metadata_value v{"", 3, std::nullopt, std::nullopt, 99, {}};
    auto enc = encode_group_metadata_value(v);
    // [v3][string ""][int32 3][null][null][int64 99][int32 0]
    EXPECT_EQ(enc, b({0, 3, 0, 0, 0, 0, 0, 3,  0xFF, 0xFF, 0xFF, 0xFF,
                      0, 0, 0, 0, 0, 0, 0, 99, 0,    0,    0,    0}));
    auto decoded = decode_group_metadata_value(enc);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, v);
}

TEST(offsets_records, malformed_input_is_an_error_not_a_crash) {
    auto full = encode_group_metadata_value(sample_group());
    for (size_t n = 0; n < full.size(); ++n) {
        auto r = decode_group_metadata_value(bytes_view(full).first(n));
        EXPECT_FALSE(r.ok()) << n;
        if (!r.ok()) {
            EXPECT_EQ(r.err().code, errc::corrupt);
        }
    }
    auto key = encode_offset_commit_key({"group", "topic", 1});
    for (size_t n = 0; n < key.size(); ++n) {
        EXPECT_FALSE(decode_offsets_record_key(bytes_view(key).first(n)).ok()) << n;
    }
    auto value = encode_offset_commit_value({1, 2, "x", 3, -1});
    for (size_t n = 0; n < value.size(); ++n) {
        EXPECT_FALSE(decode_offset_commit_value(bytes_view(value).first(n)).ok()) << n;
    }
    // A member count the bytes cannot hold.
    auto huge = b({0, 3, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF,
                   0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF});
    EXPECT_EQ(decode_group_metadata_value(huge).err().code, errc::corrupt);
}

TEST(offsets_records, unknown_versions_are_unsupported) {
    EXPECT_EQ(decode_offsets_record_key(b({0, 3, 0, 1, 'g'})).err().code, errc::unsupported);
    EXPECT_EQ(decode_offset_commit_value(b({0, 4, 0, 0})).err().code, errc::unsupported);
    EXPECT_EQ(decode_group_metadata_value(b({0, 4, 0, 0})).err().code, errc::unsupported);
}

TEST(offsets_records, java_string_hash_matches_java) {
    EXPECT_EQ(java_string_hash(""), 0);
    EXPECT_EQ(java_string_hash("a"), 97);
    EXPECT_EQ(java_string_hash("hello"), 99162322);
    EXPECT_EQ(java_string_hash("group-0-consumers"), -1911774318);
    // "\u00e9" is one UTF-16 unit, U+1F600 a surrogate pair (0xD83D, 0xDE00).
    EXPECT_EQ(java_string_hash("\xc3\xa9"), 0xE9);
    EXPECT_EQ(java_string_hash("\xf0\x9f\x98\x80"), 0xD83D * 31 + 0xDE00);
    // A stray continuation byte counts as U+FFFD.
    EXPECT_EQ(java_string_hash("\x80"), 0xFFFD);
}

TEST(offsets_records, partition_for_uses_kafkas_abs) {
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE; Kafka's abs maps it to 0.
    EXPECT_EQ(java_string_hash("polygenelubricants"), INT32_MIN);
    EXPECT_EQ(offsets_partition_for("polygenelubricants", 50), 0);
    EXPECT_EQ(offsets_partition_for("hello", 50), 99162322 % 50);
    EXPECT_EQ(offsets_partition_for("my-consumer-group", 50), 13);
    // Negative hash: (h & 0x7fffffff) % n = 30, not |h| % n = 18.
    EXPECT_EQ(offsets_partition_for("group-0-consumers", 50), 30);
    EXPECT_EQ(offsets_partition_for("anything", 1), 0);
}

}  // namespace
}  // namespace cs::group
