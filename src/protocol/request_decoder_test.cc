#include "protocol/request_decoder.h"

#include <gtest/gtest.h>

#include "protocol/message_test_util.h"

namespace cs::kafka {
namespace {

using testing::filled;
using testing::hex_bytes;

bytes frame_of(const bytes& sized) {
    return bytes(sized.begin() + 4, sized.end());
}

template <class M>
bytes filled_frame(int16_t version) {
    bytes out;
    encode_request_frame(filled<M>(), version, 42, std::string("client"), out);
    return frame_of(out);
}

const request_decode_error* error_of(const request_decode_result& r) {
    return std::get_if<request_decode_error>(&r);
}

TEST(request_decoder, decodes_header_and_typed_body) {
    bytes f = filled_frame<join_group_request>(5);
    auto r = decode_request(bytes_view(f));
    ASSERT_FALSE(error_of(r)) << error_of(r)->message;
    const auto& req = std::get<decoded_request>(r);
    EXPECT_EQ(req.key(), api_key::join_group);
    EXPECT_EQ(req.header.api_version, 5);
    EXPECT_EQ(req.header.correlation_id, 42);
    EXPECT_EQ(req.header.client_id, "client");
    ASSERT_TRUE(std::holds_alternative<join_group_request>(req.body));
    EXPECT_EQ(std::get<join_group_request>(req.body),
              testing::normalized(filled<join_group_request>(), 5, false));
}

TEST(request_decoder, unknown_api_key_is_its_own_error) {
    bytes f = hex_bytes(
        "7fff"
        "0000"
        "00000009"
        "0000");
    auto r = decode_request(bytes_view(f));
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->kind, request_error::unknown_api_key);
    EXPECT_TRUE(error_of(r)->header_fields_valid);
    EXPECT_EQ(error_of(r)->header.correlation_id, 9);
}

TEST(request_decoder, unsupported_version_keeps_the_header) {
    // ApiVersions v4 (flexible header) from a newer client, body unparsed.
    bytes f = hex_bytes(
        "0012"
        "0004"
        "00000011"
        "0003"
        "636c69"
        "00"
        "ffffffff");
    auto r = decode_request(bytes_view(f));
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->kind, request_error::unsupported_version);
    EXPECT_EQ(error_of(r)->header.api_key, 18);
    EXPECT_EQ(error_of(r)->header.api_version, 4);
    EXPECT_EQ(error_of(r)->header.correlation_id, 17);
    EXPECT_EQ(error_of(r)->header.client_id, "cli");

    // Below the range (Fetch starts at v4), even with a header that does not parse.
    bytes old = hex_bytes(
        "0001"
        "0003"
        "00000005"
        "7fff");
    auto r2 = decode_request(bytes_view(old));
    ASSERT_TRUE(error_of(r2));
    EXPECT_EQ(error_of(r2)->kind, request_error::unsupported_version);
    EXPECT_EQ(error_of(r2)->header.correlation_id, 5);
}

template <class M>
[[gnu::noinline]] void check_truncations(const api_descriptor& api) {
    for (int16_t v = api.min_version; v <= api.max_version; ++v) {
        bytes f = filled_frame<M>(v);
        ASSERT_FALSE(error_of(decode_request(bytes_view(f)))) << api.name << " v" << v;
        for (size_t n = 0; n < f.size(); ++n) {
            // A copy of exactly n bytes, so ASan sees any overread.
            bytes cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
            auto r = decode_request(bytes_view(cut));
            ASSERT_TRUE(error_of(r)) << api.name << " v" << v << " cut at " << n;
            EXPECT_EQ(error_of(r)->kind, request_error::malformed);
            EXPECT_EQ(error_of(r)->header_fields_valid, n >= 8);
        }
        bytes longer = f;
        longer.push_back(std::byte{0});
        // Kafka ignores bytes after the body (librdkafka 2.0.x sends one).
        EXPECT_FALSE(error_of(decode_request(bytes_view(longer)))) << "trailing byte";
    }
}

TEST(request_decoder, every_truncation_of_every_request_is_an_error) {
    for (const auto& api : kApis) {
        with_request_type(api.key,
                          [&]<class M>(std::type_identity<M>) { check_truncations<M>(api); });
    }
}

TEST(request_decoder, huge_counts_and_negative_lengths_are_rejected_cheaply) {
    // Produce v3: transactional_id null, acks, timeout, then 2^31-1 topics.
    bytes huge = hex_bytes(
        "0000"
        "0003"
        "00000001"
        "ffff"
        "ffff"
        "0001"
        "00000064"
        "7fffffff");
    auto r = decode_request(bytes_view(huge));
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->kind, request_error::malformed);

    // Metadata v9 (flexible): a compact array count of 2^32-2.
    bytes compact = hex_bytes(
        "0003"
        "0009"
        "00000001"
        "ffff"
        "00"
        "ffffffff0f");
    ASSERT_TRUE(error_of(decode_request(bytes_view(compact))));

    // A string length of -2 (client_id).
    bytes neg = hex_bytes(
        "0003"
        "0000"
        "00000001"
        "fffe"
        "00000000");
    ASSERT_TRUE(error_of(decode_request(bytes_view(neg))));

    // Bytes length of -5 for Produce records.
    bytes negrec = hex_bytes(
        "0000"
        "0003"
        "00000001"
        "ffff"
        "ffff"
        "0001"
        "00000064"
        "00000001"
        "0001"
        "74"
        "00000001"
        "00000000"
        "fffffffb");
    ASSERT_TRUE(error_of(decode_request(bytes_view(negrec))));

    // Null where the version forbids it: Metadata v0 topics.
    bytes null_v0 = hex_bytes(
        "0003"
        "0000"
        "00000001"
        "ffff"
        "ffffffff");
    ASSERT_TRUE(error_of(decode_request(bytes_view(null_v0))));

    // Over-long varint in a tagged section.
    bytes longvar = hex_bytes(
        "0012"
        "0003"
        "00000001"
        "ffff"
        "ffffffffff01");
    ASSERT_TRUE(error_of(decode_request(bytes_view(longvar))));
}

template <class M>
[[gnu::noinline]] bytes valid_frame_at_max(const api_descriptor& api) {
    return filled_frame<M>(api.max_version);
}

TEST(request_decoder, random_corruption_never_crashes) {
    // Deterministic byte flips over valid frames; the decoder may accept some
    // (the bytes can still be valid), it must never read out of bounds.
    uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (const auto& api : kApis) {
        with_request_type(api.key, [&]<class M>(std::type_identity<M>) {
            bytes f = valid_frame_at_max<M>(api);
            for (int i = 0; i < 200; ++i) {
                bytes g = f;
                for (int k = 0; k < 3; ++k) {
                    g[next() % g.size()] = static_cast<std::byte>(next());
                }
                (void)decode_request(bytes_view(g));
            }
        });
    }
}

}  // namespace
}  // namespace cs::kafka

namespace cs::kafka {
namespace {

TEST(response_frames, api_versions_responses_use_header_v0_at_every_version) {
    api_versions_response r;
    r.error_code = 35;
    r.api_keys = {{18, 0, 3}};
    bytes v0;
    encode_response_frame(r, 0, 9, v0);
    EXPECT_EQ(v0, hex_bytes("00000010"
                            "00000009"
                            "0023"
                            "00000001"
                            "0012"
                            "0000"
                            "0003"));
    bytes v3;
    encode_response_frame(r, 3, 9, v3);
    // Header v0 (no tag section after the correlation id), flexible body.
    EXPECT_EQ(v3, hex_bytes("00000013"
                            "00000009"
                            "0023"
                            "02"
                            "0012"
                            "0000"
                            "0003"
                            "00"
                            "00000000"
                            "00"));
}

TEST(response_frames, flexible_responses_use_header_v1) {
    find_coordinator_response r;
    bytes v3, v2;
    encode_response_frame(r, 3, 1, v3);
    encode_response_frame(r, 2, 1, v2);
    EXPECT_EQ(v3, hex_bytes("00000016"
                            "00000001"
                            "00"  // header v1: tag section
                            "00000000"
                            "0000"
                            "01"
                            "00000000"
                            "01"
                            "00000000"
                            "00"));
    EXPECT_EQ(v2, hex_bytes("00000016"
                            "00000001"  // header v0
                            "00000000"
                            "0000"
                            "0000"
                            "00000000"
                            "0000"
                            "00000000"));
}

}  // namespace
}  // namespace cs::kafka
