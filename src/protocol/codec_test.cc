#include "protocol/codec.h"

#include <gtest/gtest.h>

#include "protocol/header.h"
#include "protocol/message_test_util.h"
#include "protocol/messages/all.h"
#include "protocol/printer.h"

namespace cs::kafka {
namespace {

using testing::filled;
using testing::hex_bytes;
using testing::normalized;

// noinline: keeps each message's test its own function (GCC with ASan and
// debug info is very slow on one function holding all 44 instantiations).
template <class M>
[[gnu::noinline]] void round_trip_all_versions(const api_descriptor& api) {
    for (int16_t v = api.min_version; v <= api.max_version; ++v) {
        SCOPED_TRACE(std::string(api.name) + " v" + std::to_string(v));
        const M original = filled<M>();
        bytes wire;
        encode_message(original, v, wire);
        M decoded;
        auto st = decode_message(decoded, bytes_view(wire), v);
        ASSERT_TRUE(st.ok()) << st.message();
        M expected = normalized(original, v, is_flexible(api.key, v));
        EXPECT_EQ(decoded, expected)
            << "decoded:  " << to_string(decoded, v) << "\nexpected: " << to_string(expected, v);
        // Decoding is the exact inverse: re-encoding gives the same bytes.
        bytes again;
        encode_message(decoded, v, again);
        EXPECT_EQ(again, wire);
        // A default-constructed message round-trips too.
        bytes empty_wire;
        encode_message(M{}, v, empty_wire);
        M empty_decoded;
        ASSERT_TRUE(decode_message(empty_decoded, bytes_view(empty_wire), v).ok());
        EXPECT_EQ(empty_decoded, normalized(M{}, v, is_flexible(api.key, v)));
    }
}

TEST(codec, every_request_round_trips_at_every_supported_version) {
    for (const auto& api : kApis) {
        bool known = with_request_type(
            api.key, [&]<class M>(std::type_identity<M>) { round_trip_all_versions<M>(api); });
        EXPECT_TRUE(known) << api.name;
    }
}

TEST(codec, every_response_round_trips_at_every_supported_version) {
    for (const auto& api : kApis) {
        bool known = with_response_type(
            api.key, [&]<class M>(std::type_identity<M>) { round_trip_all_versions<M>(api); });
        EXPECT_TRUE(known) << api.name;
    }
}

TEST(codec, fields_absent_at_a_version_are_not_written) {
    produce_request p;
    p.transactional_id = "txn";
    p.acks = -1;
    p.timeout_ms = 1000;
    bytes v3;
    encode_message(p, 3, v3);
    // transactional_id (int16 len 3 + "txn"), acks, timeout, topics count 0.
    EXPECT_EQ(v3, hex_bytes("0003"
                            "74786e"
                            "ffff"
                            "000003e8"
                            "00000000"));

    metadata_request m;
    m.topics = std::nullopt;
    m.allow_auto_topic_creation = false;
    bytes v0, v1, v4;
    encode_message(m, 0, v0);  // null not allowed in v0: written as an empty array
    encode_message(m, 1, v1);
    encode_message(m, 4, v4);
    EXPECT_EQ(v0, hex_bytes("00000000"));
    EXPECT_EQ(v1, hex_bytes("ffffffff"));
    EXPECT_EQ(v4, hex_bytes("ffffffff"
                            "00"));
}

TEST(codec, null_where_the_version_forbids_it_is_rejected) {
    metadata_request m;
    EXPECT_FALSE(decode_message(m, bytes_view(hex_bytes("ffffffff")), 0).ok());
    ASSERT_TRUE(decode_message(m, bytes_view(hex_bytes("ffffffff")), 1).ok());
    EXPECT_FALSE(m.topics.has_value());
}

TEST(codec, flexible_versions_use_compact_lengths_and_tagged_sections) {
    // Metadata v9 is flexible: compact nullable array of topics, each a
    // compact string + (v10+ id absent) + tag section; then the bools and a
    // tag section.
    metadata_request m;
    m.topics = std::vector<metadata_request::topic>{{"ab"}};
    m.allow_auto_topic_creation = true;
    m.include_topic_authorized_operations = true;
    bytes wire;
    encode_message(m, 9, wire);
    EXPECT_EQ(wire, hex_bytes("02"
                              "03"
                              "6162"
                              "00"
                              "01"
                              "00"
                              "01"
                              "00"));

    m.topics = std::nullopt;
    wire.clear();
    encode_message(m, 9, wire);
    EXPECT_EQ(wire, hex_bytes("00"
                              "01"
                              "00"
                              "01"
                              "00"));
}

TEST(codec, unknown_tagged_fields_are_skipped) {
    // FindCoordinator v3 request: key, key_type, then a tag section holding
    // two tags we do not know (5: 2 bytes, 9: 0 bytes).
    bytes wire = hex_bytes(
        "03"
        "6763"
        "01"
        "02"
        "05"
        "02"
        "abcd"
        "09"
        "00");
    find_coordinator_request r;
    auto st = decode_message(r, bytes_view(wire), 3);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(r.key, "gc");
    EXPECT_EQ(r.key_type, 1);

    // A tagged payload that runs past the end is malformed.
    bytes bad = hex_bytes(
        "03"
        "6763"
        "01"
        "01"
        "05"
        "09"
        "abcd");
    EXPECT_FALSE(decode_message(r, bytes_view(bad), 3).ok());
}

TEST(codec, known_tagged_fields_round_trip_in_tag_order) {
    api_versions_response r;
    r.api_keys = {{18, 0, 3}};
    r.zk_migration_ready = true;
    r.finalized_features_epoch = 7;
    bytes wire;
    encode_message(r, 3, wire);
    EXPECT_EQ(wire, hex_bytes("0000"  // error_code
                              "02"
                              "0012"
                              "0000"
                              "0003"
                              "00"        // api_keys, entry tags
                              "00000000"  // throttle_time_ms
                              "02"        // two tagged fields
                              "01"
                              "08"
                              "0000000000000007"  // tag 1: epoch
                              "03"
                              "01"
                              "01"));  // tag 3: zk_migration_ready
    api_versions_response back;
    ASSERT_TRUE(decode_message(back, bytes_view(wire), 3).ok());
    EXPECT_EQ(back, r);
    // Not flexible: the tagged fields do not exist.
    bytes v2;
    encode_message(r, 2, v2);
    EXPECT_EQ(v2, hex_bytes("0000"
                            "00000001"
                            "0012"
                            "0000"
                            "0003"
                            "00000000"));
}

TEST(codec, request_header_v2_keeps_client_id_non_compact) {
    request_header h{18, 3, 7, "cli"};
    bytes v2, v1;
    encode_request_header(h, 2, v2);
    encode_request_header(h, 1, v1);
    EXPECT_EQ(v1, hex_bytes("0012"
                            "0003"
                            "00000007"
                            "0003"
                            "636c69"));
    EXPECT_EQ(v2, hex_bytes("0012"
                            "0003"
                            "00000007"
                            "0003"
                            "636c69"
                            "00"));
    h.client_id = std::nullopt;
    bytes null_id;
    encode_request_header(h, 2, null_id);
    EXPECT_EQ(null_id, hex_bytes("0012"
                                 "0003"
                                 "00000007"
                                 "ffff"
                                 "00"));
    request_header back;
    wire_reader r{bytes_view(null_id)};
    ASSERT_TRUE(decode_request_header(back, r, 2).ok());
    EXPECT_EQ(back, h);
}

TEST(codec, header_versions_follow_flexibility_except_api_versions_responses) {
    EXPECT_EQ(request_header_version(api_key::metadata, 8), 1);
    EXPECT_EQ(request_header_version(api_key::metadata, 9), 2);
    EXPECT_EQ(request_header_version(api_key::api_versions, 2), 1);
    EXPECT_EQ(request_header_version(api_key::api_versions, 3), 2);
    EXPECT_EQ(response_header_version(api_key::metadata, 8), 0);
    EXPECT_EQ(response_header_version(api_key::metadata, 9), 1);
    EXPECT_EQ(response_header_version(api_key::offset_fetch, 6), 1);
    EXPECT_EQ(response_header_version(api_key::init_producer_id, 2), 1);
    // KIP-511: ApiVersions responses always use header v0.
    EXPECT_EQ(response_header_version(api_key::api_versions, 3), 0);
    EXPECT_EQ(response_header_version(api_key::api_versions, 0), 0);

    bytes h1, h0;
    encode_response_header(response_header{5}, 1, h1);
    encode_response_header(response_header{5}, 0, h0);
    EXPECT_EQ(h1, hex_bytes("00000005"
                            "00"));
    EXPECT_EQ(h0, hex_bytes("00000005"));
}

TEST(codec, flexible_from_matches_kafka_message_definitions) {
    // Within our ranges, these are the flexible versions (verified against
    // the JSON "flexibleVersions").
    EXPECT_TRUE(is_flexible(api_key::api_versions, 3));
    EXPECT_TRUE(is_flexible(api_key::metadata, 9));
    EXPECT_TRUE(is_flexible(api_key::offset_fetch, 6));
    EXPECT_TRUE(is_flexible(api_key::find_coordinator, 3));
    EXPECT_TRUE(is_flexible(api_key::list_groups, 3));
    EXPECT_TRUE(is_flexible(api_key::init_producer_id, 2));
    EXPECT_TRUE(is_flexible(api_key::describe_transactions, 0));
    EXPECT_TRUE(is_flexible(api_key::list_transactions, 0));
    EXPECT_FALSE(is_flexible(api_key::offset_commit, 7));
    EXPECT_FALSE(is_flexible(api_key::join_group, 5));
    EXPECT_FALSE(is_flexible(api_key::produce, 8));
    EXPECT_FALSE(is_flexible(api_key::fetch, 11));
    EXPECT_FALSE(is_flexible(api_key::create_topics, 4));
    EXPECT_FALSE(is_flexible(api_key::describe_configs, 2));
}

TEST(codec, transactions_admin_messages_have_kafkas_layout) {
    // ListTransactionsRequest v1 (KIP-664, KIP-994): compact arrays, the
    // duration filter from v1, an empty tagged section.
    list_transactions_request list;
    list.state_filters = {"Ongoing"};
    list.producer_id_filters = {7};
    list.duration_filter = 1000;
    bytes l1;
    encode_message(list, 1, l1);
    EXPECT_EQ(l1, hex_bytes("02"
                            "084f6e676f696e67"
                            "02"
                            "0000000000000007"
                            "00000000000003e8"
                            "00"));
    // DescribeTransactionsResponse v0: ProducerEpoch is an int16.
    describe_transactions_response d;
    d.transaction_states.push_back({0, "t", "Ongoing", 60000, 5, 9, 3, {{"x", {0}}}});
    bytes d0;
    encode_message(d, 0, d0);
    EXPECT_EQ(d0, hex_bytes("00000000"
                            "02"
                            "0000"
                            "0274"
                            "084f6e676f696e67"
                            "0000ea60"
                            "0000000000000005"
                            "0000000000000009"
                            "0003"
                            "02"
                            "0278"
                            "0200000000"
                            "00"
                            "00"
                            "00"));
}

TEST(codec, printer_shows_fields_present_at_the_version) {
    produce_request p;
    p.acks = 1;
    p.topic_data = {{"t", {{0, bytes(5)}}}};
    EXPECT_EQ(to_string(p, 3),
              "{transactional_id=null, acks=1, timeout_ms=0, "
              "topic_data=[{name=\"t\", partition_data=[{index=0, records=<5 bytes>}]}]}");
}

}  // namespace
}  // namespace cs::kafka
