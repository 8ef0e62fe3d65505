// Real request frames captured from the clients installed on the build
// machine (a throwaway listener on 127.0.0.1 printed each frame after its
// size prefix, answering ApiVersions with the v0 layout and Metadata with one
// topic "golden"; kafkajs through a logging relay to a real broker, see
// below), and checks that they decode to what the client sent.

#include <gtest/gtest.h>

#include "protocol/compression.h"
#include "protocol/message_test_util.h"
#include "protocol/record_validation.h"
#include "protocol/request_decoder.h"

namespace cs::kafka {
namespace {

using testing::hex_bytes;

// kcat 1.7.1 / librdkafka 2.0.2, `kcat -L`: its first request, ApiVersions v3
// (flexible, request header v2).
constexpr std::string_view kRdkafkaApiVersionsV3 =
    "0012000300000001000772646b61666b61000b6c696272646b61666b6106322e302e3200";
// librdkafka's retry after UNSUPPORTED_VERSION with max 2 for key 18.
constexpr std::string_view kRdkafkaApiVersionsV0 = "0012000000000002000772646b61666b61";
// librdkafka's brokers-only Metadata v4 (empty topic list, no auto-create).
constexpr std::string_view kRdkafkaMetadataV4 = "0003000400000003000772646b61666b610000000000";
// confluent-kafka-python 1.7.0 (on librdkafka 2.0.2), client.id=cs-golden.
constexpr std::string_view kConfluentApiVersionsV3 =
    "0012000300000001000963732d676f6c64656e0017636f6e666c75656e742d6b61666b612d707974"
    "686f6e14312e372e302d72646b61666b612d322e302e3200";
// kafka-python 2.0.2, client_id=cs-golden-kp: its version probe.
constexpr std::string_view kKafkaPythonApiVersionsV0 =
    "0012000000000001000c63732d676f6c64656e2d6b70";
constexpr std::string_view kKafkaPythonMetadataV0 =
    "0003000000000002000c63732d676f6c64656e2d6b7000000000";
// kafka-python: Metadata v1 for all topics (null array).
// `echo hello-golden | kcat -P -t golden -p 0 -k key1 -z none`: Produce v7, acks=-1.
constexpr std::string_view kRdkafkaProduceV7 =
    "0000000700000004000772646b61666b61ffffffff00007530000000010006676f6c64656e000000"
    "0100000000000000540000000000000000000000480000000002f776f82a000000000000000001a2"
    "14431367000001a214431367ffffffffffffffffffffffffffff000000012c000000086b65793118"
    "68656c6c6f2d676f6c64656e00";
// kcat -P -t golden: Metadata v4 for topic "golden", auto-create on.
constexpr std::string_view kRdkafkaMetadataV4Topic =
    "0003000400000003000772646b61666b61000000010006676f6c64656e01";
// kcat -z zstd, six records: a zstd-compressed RecordBatch.
constexpr std::string_view kRdkafkaProduceV7Zstd =
    "0000000700000004000772646b61666b61ffffffff00007530000000010006676f6c64656e000000"
    "01000000000000007f0000000000000000000000730000000002414693ab000400000005000001a2"
    "14435e61000001a214435e61ffffffffffffffffffffffffffff0000000628b52ffd0058cd010034"
    "0228000000011c68656c6c6f2d676f6c64656e2d610028000002620463066108620a63000900a005"
    "58079a014b401fb0186801d60dbb3906";
constexpr std::string_view kKafkaPythonMetadataV1 =
    "0003000100000003000c63732d676f6c64656e2d6b70ffffffff";
// kafka-python KafkaProducer(compression_type='gzip'), 20 records, acks=1.
constexpr std::string_view kKafkaPythonProduceV7Gzip =
    "0000000700000001000c63732d676f6c64656e2d6b70ffff000100000bb8000000010006676f6c64"
    "656e0000000100000000000000ae0000000000000000000000a200000000027fba90640001000000"
    "13000001a214446834000001a214446835ffffffffffffffffffffffffffff000000141f8b080085"
    "3c076b02ff85ca410a40401880d1df24499224499224bbd93a809bc84c2c26a3d9b9bd1bf8defa6d"
    "2212ad9775ceebd33b636f1dece183d1cffe3abf1bd944291c318e04478a23c391e3287094382a1c"
    "358e06478ba3c3d1e318708c38261c338ee57f7c2096ba67a8020000";

// kafkajs 2.2.4 (tests/e2e/js/node_modules, node 20), captured 2026-11-25 by a
// relay on 127.0.0.1 that logged each client->broker frame after its size
// prefix and passed it on to a `clickstream broker` (advertised.listeners set
// to the relay, so every connection went through it). Client:
//   new Kafka({clientId: 'cs-golden-js', brokers: [relay]}) (other options default);
//   producer().send({topic: 'golden', messages: [{key: 'key1', value: 'hello-golden'}]})
//     with the default acks (-1), timeout (30000) and compression (none);
//   then send() of five records k1..k5 / hello-golden-gzip-1..5, each with
//     header h=v1..v5, compression: CompressionTypes.GZIP;
//   then consumer({groupId: 'cs-golden-js'}).subscribe(golden).run().
// Its first request: ApiVersions v2 (kafkajs's highest; no body).
constexpr std::string_view kKafkajsApiVersionsV2 = "0012000200000000000c63732d676f6c64656e2d6a73";
// Metadata v6 (min of kafkajs's 6 and our 9) for "golden", auto-create on.
constexpr std::string_view kKafkajsMetadataV6 =
    "0003000600000001000c63732d676f6c64656e2d6a73000000010006676f6c64656e01";
// Produce v7, acks -1, timeout 30000, one uncompressed batch of one record
// (producerId -1 with producerEpoch 0 and baseSequence 0, as kafkajs writes).
constexpr std::string_view kKafkajsProduceV7 =
    "0000000700000002000c63732d676f6c64656e2d6a73ffffffff00007530000000010006676f6c64"
    "656e00000001000000000000005400000000000000000000004800000000024cea8aa70000000000"
    "00000001a214efa90d000001a214efa90dffffffffffffffff000000000000000000012c00000008"
    "6b6579311868656c6c6f2d676f6c64656e00";
// Produce v7 with CompressionTypes.GZIP: one gzip batch of five records.
constexpr std::string_view kKafkajsProduceV7Gzip =
    "0000000700000003000c63732d676f6c64656e2d6a73ffffffff00007530000000010006676f6c64"
    "656e0000000100000000000000a0000000000000000000000094000000000291319e460001000000"
    "04000001a214efa91a000001a214efa91affffffffffffffff000000000000000000051f8b080000"
    "00000000036dca3d0a80300c06d08f12c493b875487ff61cc6d24a8a7572f0f442e6bcf90900523e"
    "469b73c5bee6d9eed8bfeb891cc2a0970508a4c909c942128048b313b2852cc0465a9c502c140176"
    "d2ea846aa1fe46dfa82da5000000";
// The consumer's FindCoordinator v2 (key_type 0: group).
constexpr std::string_view kKafkajsFindCoordinatorV2 =
    "000a000200000002000c63732d676f6c64656e2d6a73000c63732d676f6c64656e2d6a7300";
// Its first JoinGroup v5 (empty member id; the broker answers
// MEMBER_ID_REQUIRED) and the retry with the member id it was given.
constexpr std::string_view kKafkajsJoinGroupV5 =
    "000b000500000003000c63732d676f6c64656e2d6a73000c63732d676f6c64656e2d6a7300007530"
    "0000ea600000ffff0008636f6e73756d6572000000010012526f756e64526f62696e41737369676e"
    "6572000000120000000000010006676f6c64656e00000000";
constexpr std::string_view kKafkajsJoinGroupV5Retry =
    "000b000500000004000c63732d676f6c64656e2d6a73000c63732d676f6c64656e2d6a7300007530"
    "0000ea60003163732d676f6c64656e2d6a732d35343437303437642d313337352d346131352d3835"
    "35652d353330663431613131663033ffff0008636f6e73756d6572000000010012526f756e64526f"
    "62696e41737369676e6572000000120000000000010006676f6c64656e00000000";

// Decodes a captured frame, checks that re-encoding the decoded request gives
// the same bytes, and returns the typed body.
template <class M>
M decode_golden(std::string_view hex, int16_t version, std::string_view client_id) {
    bytes frame = hex_bytes(hex);
    auto res = decode_request(bytes_view(frame));
    if (auto* e = std::get_if<request_decode_error>(&res)) {
        ADD_FAILURE() << e->message;
        return M{};
    }
    auto& req = std::get<decoded_request>(res);
    EXPECT_EQ(req.key(), M::kApiKey);
    EXPECT_EQ(req.header.api_version, version);
    EXPECT_EQ(req.header.client_id, std::string(client_id));
    EXPECT_TRUE(std::holds_alternative<M>(req.body));
    M body = std::get<M>(req.body);
    bytes again;
    encode_request_frame(body, version, req.header.correlation_id, req.header.client_id, again);
    EXPECT_EQ(bytes(again.begin() + 4, again.end()), frame);
    EXPECT_EQ(load_be<int32_t>(again.data()), static_cast<int32_t>(frame.size()));
    return body;
}

TEST(golden, librdkafka_api_versions_v3) {
    auto r = decode_golden<api_versions_request>(kRdkafkaApiVersionsV3, 3, "rdkafka");
    EXPECT_EQ(r.client_software_name, "librdkafka");
    EXPECT_EQ(r.client_software_version, "2.0.2");
}

TEST(golden, librdkafka_api_versions_v0_and_metadata_v4) {
    decode_golden<api_versions_request>(kRdkafkaApiVersionsV0, 0, "rdkafka");
    auto m = decode_golden<metadata_request>(kRdkafkaMetadataV4, 4, "rdkafka");
    ASSERT_TRUE(m.topics.has_value());
    EXPECT_TRUE(m.topics->empty());
    EXPECT_FALSE(m.allow_auto_topic_creation);
    auto t = decode_golden<metadata_request>(kRdkafkaMetadataV4Topic, 4, "rdkafka");
    ASSERT_TRUE(t.topics.has_value());
    ASSERT_EQ(t.topics->size(), 1u);
    EXPECT_EQ((*t.topics)[0].name, "golden");
    EXPECT_TRUE(t.allow_auto_topic_creation);
}

TEST(golden, confluent_kafka_python_api_versions_v3) {
    auto r = decode_golden<api_versions_request>(kConfluentApiVersionsV3, 3, "cs-golden");
    EXPECT_EQ(r.client_software_name, "confluent-kafka-python");
    EXPECT_EQ(r.client_software_version, "1.7.0-rdkafka-2.0.2");
}

TEST(golden, kafka_python_probe_and_metadata) {
    decode_golden<api_versions_request>(kKafkaPythonApiVersionsV0, 0, "cs-golden-kp");
    auto m0 = decode_golden<metadata_request>(kKafkaPythonMetadataV0, 0, "cs-golden-kp");
    ASSERT_TRUE(m0.topics.has_value());
    EXPECT_TRUE(m0.topics->empty());
    auto m1 = decode_golden<metadata_request>(kKafkaPythonMetadataV1, 1, "cs-golden-kp");
    EXPECT_FALSE(m1.topics.has_value());  // null: all topics
}

// The single partition's records (one RecordBatch v2) of a captured Produce.
bytes produce_records(const produce_request& p) {
    EXPECT_EQ(p.topic_data.size(), 1u);
    EXPECT_EQ(p.topic_data[0].name, "golden");
    EXPECT_EQ(p.topic_data[0].partition_data.size(), 1u);
    EXPECT_EQ(p.topic_data[0].partition_data[0].index, 0);
    EXPECT_TRUE(p.topic_data[0].partition_data[0].records.has_value());
    return p.topic_data[0].partition_data[0].records.value_or(bytes{});
}

// The broker's produce checks (validate_batch, then the records inside,
// decompressed if need be) accept what real clients send.
void expect_valid_batch(const bytes& batch) {
    auto h = validate_batch(batch);
    ASSERT_TRUE(h.ok()) << h.err().message;
    auto st = validate_records(batch, *h, 1 << 20);
    EXPECT_TRUE(st.ok()) << st.message();
}

// RecordBatch v2 fields the test needs (offsets per kafka-broker.md §2).
constexpr size_t kBatchHeader = 61;
int16_t batch_attributes(const bytes& b) {
    return load_be<int16_t>(b.data() + 21);
}

TEST(golden, librdkafka_produce_v7_uncompressed) {
    auto p = decode_golden<produce_request>(kRdkafkaProduceV7, 7, "rdkafka");
    EXPECT_FALSE(p.transactional_id.has_value());
    EXPECT_EQ(p.acks, -1);
    EXPECT_EQ(p.timeout_ms, 30000);
    bytes batch = produce_records(p);
    ASSERT_GT(batch.size(), kBatchHeader);
    EXPECT_EQ(static_cast<int>(batch[16]), 2);  // magic
    EXPECT_EQ(batch_attributes(batch) & 7, 0);
    EXPECT_NE(as_string_view(bytes_view(batch)).find("hello-golden"), std::string_view::npos);
    expect_valid_batch(batch);
}

TEST(golden, librdkafka_produce_v7_zstd_batch_decompresses) {
    auto p = decode_golden<produce_request>(kRdkafkaProduceV7Zstd, 7, "rdkafka");
    bytes batch = produce_records(p);
    ASSERT_GT(batch.size(), kBatchHeader);
    ASSERT_EQ(batch_attributes(batch) & 7, 4);
    auto records =
        decompress(compression_codec::zstd, bytes_view(batch).subspan(kBatchHeader), 1 << 20);
    ASSERT_TRUE(records.ok()) << records.err().message;
    std::string_view text = as_string_view(bytes_view(*records));
    EXPECT_NE(text.find("hello-golden-a"), std::string_view::npos);
    EXPECT_NE(text.find("hello-golden-c"), std::string_view::npos);
    expect_valid_batch(batch);
}

TEST(golden, kafka_python_produce_v7_gzip_batch_decompresses) {
    auto p = decode_golden<produce_request>(kKafkaPythonProduceV7Gzip, 7, "cs-golden-kp");
    EXPECT_EQ(p.acks, 1);
    EXPECT_EQ(p.timeout_ms, 3000);
    bytes batch = produce_records(p);
    ASSERT_GT(batch.size(), kBatchHeader);
    ASSERT_EQ(batch_attributes(batch) & 7, 1);
    int32_t count = load_be<int32_t>(batch.data() + 57);
    EXPECT_EQ(count, 20);
    auto records =
        decompress(compression_codec::gzip, bytes_view(batch).subspan(kBatchHeader), 1 << 20);
    ASSERT_TRUE(records.ok()) << records.err().message;
    std::string_view text = as_string_view(bytes_view(*records));
    size_t n = 0;
    for (size_t at = text.find("hello-golden-record-payload"); at != std::string_view::npos;
         at = text.find("hello-golden-record-payload", at + 1)) {
        ++n;
    }
    EXPECT_EQ(n, 20u);
    expect_valid_batch(batch);
}

TEST(golden, kafkajs_api_versions_v2_and_metadata_v6) {
    auto r = decode_golden<api_versions_request>(kKafkajsApiVersionsV2, 2, "cs-golden-js");
    EXPECT_TRUE(r.client_software_name.empty());  // a v3+ field
    auto m = decode_golden<metadata_request>(kKafkajsMetadataV6, 6, "cs-golden-js");
    ASSERT_TRUE(m.topics.has_value());
    ASSERT_EQ(m.topics->size(), 1u);
    EXPECT_EQ((*m.topics)[0].name, "golden");
    EXPECT_TRUE(m.allow_auto_topic_creation);
}

TEST(golden, kafkajs_produce_v7_uncompressed) {
    auto p = decode_golden<produce_request>(kKafkajsProduceV7, 7, "cs-golden-js");
    EXPECT_FALSE(p.transactional_id.has_value());
    EXPECT_EQ(p.acks, -1);
    EXPECT_EQ(p.timeout_ms, 30000);
    bytes batch = produce_records(p);
    auto h = validate_batch(batch);
    ASSERT_TRUE(h.ok()) << h.err().message;
    EXPECT_EQ(h->compression(), compression_codec::none);
    EXPECT_EQ(h->records_count, 1);
    EXPECT_EQ(h->producer_id, -1);
    EXPECT_EQ(h->producer_epoch, 0);
    EXPECT_EQ(h->base_sequence, 0);
    expect_valid_batch(batch);
    auto records = decode_records(batch);
    ASSERT_TRUE(records.ok()) << records.err().message;
    ASSERT_EQ(records->size(), 1u);
    EXPECT_EQ(as_string_view(*(*records)[0].key), "key1");
    EXPECT_EQ(as_string_view(*(*records)[0].value), "hello-golden");
    EXPECT_TRUE((*records)[0].headers.empty());
}

TEST(golden, kafkajs_produce_v7_gzip_batch_decompresses) {
    auto p = decode_golden<produce_request>(kKafkajsProduceV7Gzip, 7, "cs-golden-js");
    EXPECT_EQ(p.acks, -1);
    bytes batch = produce_records(p);
    auto h = validate_batch(batch);
    ASSERT_TRUE(h.ok()) << h.err().message;
    ASSERT_EQ(h->compression(), compression_codec::gzip);
    EXPECT_EQ(h->records_count, 5);
    expect_valid_batch(batch);
    auto section =
        decompress(compression_codec::gzip, bytes_view(batch).subspan(kBatchHeader), 1 << 20);
    ASSERT_TRUE(section.ok()) << section.err().message;
    record_reader reader(*section, h->records_count);
    for (int i = 1; i <= 5; ++i) {
        auto r = reader.next();
        ASSERT_TRUE(r.ok()) << r.err().message;
        ASSERT_TRUE(r->has_value());
        const record_view& rec = **r;
        EXPECT_EQ(rec.offset_delta, i - 1);
        EXPECT_EQ(as_string_view(*rec.key), "k" + std::to_string(i));
        EXPECT_EQ(as_string_view(*rec.value), "hello-golden-gzip-" + std::to_string(i));
        ASSERT_EQ(rec.headers.size(), 1u);
        EXPECT_EQ(rec.headers[0].key, "h");
        EXPECT_EQ(as_string_view(*rec.headers[0].value), "v" + std::to_string(i));
    }
    EXPECT_EQ(reader.unread(), 0u);
}

TEST(golden, kafkajs_find_coordinator_and_join_group_v5) {
    auto f = decode_golden<find_coordinator_request>(kKafkajsFindCoordinatorV2, 2, "cs-golden-js");
    EXPECT_EQ(f.key, "cs-golden-js");
    EXPECT_EQ(f.key_type, 0);

    auto j = decode_golden<join_group_request>(kKafkajsJoinGroupV5, 5, "cs-golden-js");
    EXPECT_EQ(j.group_id, "cs-golden-js");
    EXPECT_EQ(j.session_timeout_ms, 30000);
    EXPECT_EQ(j.rebalance_timeout_ms, 60000);
    EXPECT_EQ(j.member_id, "");
    EXPECT_FALSE(j.group_instance_id.has_value());
    EXPECT_EQ(j.protocol_type, "consumer");
    ASSERT_EQ(j.protocols.size(), 1u);
    EXPECT_EQ(j.protocols[0].name, "RoundRobinAssigner");
    // ConsumerProtocolSubscription v0: version, topics ["golden"], user data (empty).
    EXPECT_EQ(j.protocols[0].metadata, hex_bytes("0000000000010006676f6c64656e00000000"));

    auto retry = decode_golden<join_group_request>(kKafkajsJoinGroupV5Retry, 5, "cs-golden-js");
    EXPECT_EQ(retry.member_id.rfind("cs-golden-js-", 0), 0u) << retry.member_id;
    EXPECT_EQ(retry.protocols, j.protocols);
}

}  // namespace
}  // namespace cs::kafka
