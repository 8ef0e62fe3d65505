// The broker in-process, spoken to over a real socket with the project's own
// codec: API negotiation, topic admin, produce/fetch/list-offsets, bad input,
// and a restart. Real clients (kcat, Python) are tested in tests/e2e.

#include "broker/broker.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "broker/testing/broker_fixture.h"
#include "broker/testing/wire_client.h"
#include "protocol/compression.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"

namespace cs::broker {
namespace {

using testing::BrokerTest;
using testing::wire_client;

TEST_F(BrokerTest, ApiVersionsIsDerivedFromTheHandlers) {
    wire_client c(port_);
    kafka::api_versions_request req;
    req.client_software_name = "clickstream-test";
    req.client_software_version = "1.0";
    auto resp = c.call<kafka::api_versions_response>(req, 3);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->error_code, 0);
    bool saw_produce = false;
    for (const auto& k : resp->api_keys) {
        if (k.api_key == 0) {
            saw_produce = true;
            EXPECT_EQ(k.min_version, 0);  // librdkafka gates gzip/snappy/lz4 on Produce v0
            EXPECT_EQ(k.max_version, 8);
        }
    }
    EXPECT_TRUE(saw_produce);
}

TEST_F(BrokerTest, UnsupportedApiVersionsVersionGetsV0ErrorAndOurRange) {
    wire_client c(port_);
    kafka::api_versions_request req;
    ASSERT_TRUE(c.send(req, 3));
    // Re-send the same bytes claiming v9: the broker must answer in the v0 layout.
    bytes frame(4);
    kafka::request_header h{18, 9, 7, std::string("x")};
    kafka::encode_request_header(h, 1, frame);
    store_be<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
    ASSERT_TRUE(c.receive<kafka::api_versions_response>(3).has_value());
    ASSERT_TRUE(c.send_raw(frame));
    int32_t corr = 0;
    auto resp = c.receive<kafka::api_versions_response>(0, &corr);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(corr, 7);
    EXPECT_EQ(resp->error_code, 35);
    ASSERT_EQ(resp->api_keys.size(), 1u);
    EXPECT_EQ(resp->api_keys[0].api_key, 18);
    EXPECT_EQ(resp->api_keys[0].max_version, 3);
}

TEST_F(BrokerTest, InvalidClientSoftwareNameIsInvalidRequest) {
    wire_client c(port_);
    kafka::api_versions_request req;
    req.client_software_name = "-bad name";
    req.client_software_version = "1";
    auto resp = c.call<kafka::api_versions_response>(req, 3);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->error_code, 42);
}

TEST_F(BrokerTest, MetadataAdvertisesTheAddressTheClientUsedAndAutoCreates) {
    wire_client c(port_);
    kafka::metadata_request req;
    req.topics = std::vector<kafka::metadata_request::topic>{{"auto-created"}};
    auto resp = c.call<kafka::metadata_response>(req, 9);
    ASSERT_TRUE(resp.has_value());
    ASSERT_EQ(resp->brokers.size(), 1u);
    EXPECT_EQ(resp->brokers[0].host, "127.0.0.1");
    EXPECT_EQ(resp->brokers[0].port, port_);
    ASSERT_EQ(resp->topics.size(), 1u);
    EXPECT_EQ(resp->topics[0].error_code, 0);
    EXPECT_EQ(resp->topics[0].partitions.size(), 2u);  // num.partitions

    req.topics = std::vector<kafka::metadata_request::topic>{{"bad name!"}};
    resp = c.call<kafka::metadata_response>(req, 9);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->topics[0].error_code, 17);  // INVALID_TOPIC_EXCEPTION
}

TEST_F(BrokerTest, CreateTopicsValidates) {
    wire_client c(port_);
    kafka::create_topics_request req;
    req.topics.push_back({"ok-topic", 3, 1, {}, {{"retention.ms", std::string("1000")}}});
    req.topics.push_back({"replicated", 1, 3, {}, {}});
    req.topics.push_back({"bad-config", 1, 1, {}, {{"retention.ms", std::string("soon")}}});
    req.topics.push_back({"no-partitions", 0, 1, {}, {}});
    auto resp = c.call<kafka::create_topics_response>(req, 4);
    ASSERT_TRUE(resp.has_value());
    ASSERT_EQ(resp->topics.size(), 4u);
    EXPECT_EQ(resp->topics[0].error_code, 0);
    EXPECT_EQ(resp->topics[1].error_code, 38);  // INVALID_REPLICATION_FACTOR
    EXPECT_NE(resp->topics[1].error_message.value_or("").find("single-node"), std::string::npos);
    EXPECT_EQ(resp->topics[2].error_code, 40);  // INVALID_CONFIG
    EXPECT_EQ(resp->topics[3].error_code, 37);  // INVALID_PARTITIONS
    resp = c.call<kafka::create_topics_response>(req, 4);
    EXPECT_EQ(resp->topics[0].error_code, 36);  // TOPIC_ALREADY_EXISTS
}

TEST_F(BrokerTest, ProduceFetchListOffsetsAndRestart) {
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back({"clicks", 1, 1, {}, {}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);

    auto p1 = produce(c, "clicks", 0, batch_of(3, "a"));
    ASSERT_EQ(p1.responses[0].partition_responses[0].error_code, 0);
    EXPECT_EQ(p1.responses[0].partition_responses[0].base_offset, 0);
    auto p2 = produce(c, "clicks", 0, batch_of(2, "b", 1'800'000'000'000), 1);
    EXPECT_EQ(p2.responses[0].partition_responses[0].base_offset, 3);

    auto f = fetch(c, "clicks", 0, 0);
    const auto& pd = f.responses[0].partitions[0];
    EXPECT_EQ(pd.error_code, 0);
    EXPECT_EQ(pd.high_watermark, 5);
    EXPECT_EQ(pd.last_stable_offset, 5);
    auto records = kafka::split_batches(*pd.records);
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->batches.size(), 2u);

    // Offset 4 is inside the second batch: the whole batch comes back.
    auto f4 = fetch(c, "clicks", 0, 4);
    auto h = kafka::read_header(*f4.responses[0].partitions[0].records);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->base_offset, 3);

    EXPECT_EQ(fetch(c, "clicks", 0, 99).responses[0].partitions[0].error_code, 1);

    kafka::list_offsets_request lo;
    auto& t = lo.topics.emplace_back();
    t.name = "clicks";
    t.partitions.push_back({0, -1, -2});                 // earliest
    t.partitions.push_back({0, -1, -1});                 // latest
    t.partitions.push_back({0, -1, 1'800'000'000'000});  // by time
    t.partitions.push_back({0, -1, 1'900'000'000'000});  // after every record
    auto offs = c.call<kafka::list_offsets_response>(lo, 5);
    ASSERT_TRUE(offs.has_value());
    const auto& parts = offs->topics[0].partitions;
    EXPECT_EQ(parts[0].offset, 0);
    EXPECT_EQ(parts[1].offset, 5);
    EXPECT_EQ(parts[2].offset, 3);
    EXPECT_EQ(parts[3].offset, -1);
    EXPECT_EQ(parts[3].timestamp, -1);

    restart();
    wire_client c2(port_);
    auto again = fetch(c2, "clicks", 0, 0);
    EXPECT_EQ(again.responses[0].partitions[0].high_watermark, 5);
    EXPECT_EQ(*again.responses[0].partitions[0].records, *pd.records);
}

TEST_F(BrokerTest, ProduceErrors) {
    wire_client c(port_);
    auto unknown = produce(c, "nope", 0, batch_of(1, "x"));
    EXPECT_EQ(unknown.responses[0].partition_responses[0].error_code, 3);

    kafka::create_topics_request create;
    create.topics.push_back({"small", 1, 1, {}, {{"max.message.bytes", std::string("200")}}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
    auto big = produce(c, "small", 0, batch_of(1, std::string(500, 'x')));
    EXPECT_EQ(big.responses[0].partition_responses[0].error_code, 10);  // MESSAGE_TOO_LARGE

    auto corrupt_batch = batch_of(2, "y");
    corrupt_batch.back() ^= std::byte{0xff};
    auto corrupt = produce(c, "small", 0, corrupt_batch);
    EXPECT_EQ(corrupt.responses[0].partition_responses[0].error_code, 2);  // CORRUPT_MESSAGE

    auto bad_acks = produce(c, "small", 0, batch_of(1, "z"), 2);
    EXPECT_EQ(bad_acks.responses[0].partition_responses[0].error_code, 21);

    // A legacy magic-1 message set through Produce v2 is refused clearly.
    auto legacy = batch_of(1, "old");
    legacy[kafka::batch_layout::magic] = std::byte{1};
    auto old = produce(c, "small", 0, legacy, 1, 2);
    EXPECT_EQ(old.responses[0].partition_responses[0].error_code, 43);
}

// `plain` (an uncompressed batch) with its record section compressed by
// `codec`: header fixed up and CRC recomputed, as a producer would send it.
bytes compressed(const bytes& plain, kafka::compression_codec codec) {
    namespace L = kafka::batch_layout;
    auto packed = kafka::compress(codec, bytes_view(plain).subspan(L::header_size));
    EXPECT_TRUE(packed.ok());
    bytes out(L::header_size + packed->size());
    std::memcpy(out.data(), plain.data(), L::header_size);
    std::memcpy(out.data() + L::header_size, packed->data(), packed->size());
    store_be<int32_t>(out.data() + L::batch_length,
                      static_cast<int32_t>(out.size() - L::log_overhead));
    store_be<int16_t>(out.data() + L::attributes, static_cast<int16_t>(codec));
    store_be<uint32_t>(out.data() + L::crc, kafka::compute_batch_crc(out));
    return out;
}

TEST_F(BrokerTest, ProduceValidatesTheRecordsInsideCompressedBatches) {
    namespace L = kafka::batch_layout;
    using kafka::compression_codec;
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back({"inner", 2, 1, {}, {}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);

    // First record's offsetDelta 1 instead of 0 (records this short have
    // one-byte length, attributes, timestampDelta and offsetDelta fields).
    bytes bad_offsets = batch_of(3, "b");
    ASSERT_EQ(bad_offsets[L::header_size + 3], std::byte{0});
    bad_offsets[L::header_size + 3] = std::byte{2};  // zig-zag 1

    // One request, two partitions: only the bad batch's partition fails.
    kafka::produce_request req;
    req.acks = -1;
    req.timeout_ms = 5000;
    auto& t = req.topic_data.emplace_back();
    t.name = "inner";
    t.partition_data.push_back({0, compressed(bad_offsets, compression_codec::zstd)});
    t.partition_data.push_back({1, compressed(batch_of(3, "a"), compression_codec::lz4)});
    auto resp = c.call<kafka::produce_response>(req, 8);
    ASSERT_TRUE(resp.has_value());
    const auto& parts = resp->responses[0].partition_responses;
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].error_code, 87);  // INVALID_RECORD
    EXPECT_EQ(parts[0].base_offset, -1);
    ASSERT_TRUE(parts[0].error_message.has_value());
    EXPECT_NE(parts[0].error_message->find("invalid offset"), std::string::npos)
        << *parts[0].error_message;
    EXPECT_EQ(parts[1].error_code, 0);
    EXPECT_EQ(parts[1].base_offset, 0);

    // recordsCount 4 (and lastOffsetDelta 3, so the header rules hold) over
    // three records, gzip: INVALID_RECORD.
    bytes miscounted = batch_of(3, "c");
    store_be<int32_t>(miscounted.data() + L::records_count, 4);
    store_be<int32_t>(miscounted.data() + L::last_offset_delta, 3);
    auto counted = produce(c, "inner", 0, compressed(miscounted, compression_codec::gzip));
    EXPECT_EQ(counted.responses[0].partition_responses[0].error_code, 87);

    // The compressed stream cut short (CRC recomputed over the cut batch):
    // CORRUPT_MESSAGE, as for any batch that does not decode.
    bytes cut = compressed(batch_of(50, "d"), compression_codec::lz4);
    cut.resize(cut.size() - 20);
    store_be<int32_t>(cut.data() + L::batch_length,
                      static_cast<int32_t>(cut.size() - L::log_overhead));
    store_be<uint32_t>(cut.data() + L::crc, kafka::compute_batch_crc(cut));
    auto truncated = produce(c, "inner", 0, cut);
    EXPECT_EQ(truncated.responses[0].partition_responses[0].error_code, 2);

    // Nothing of the refused batches was stored; the good one was, as sent.
    auto f0 = fetch(c, "inner", 0, 0);
    EXPECT_EQ(f0.responses[0].partitions[0].high_watermark, 0);
    auto f1 = fetch(c, "inner", 1, 0);
    EXPECT_EQ(f1.responses[0].partitions[0].high_watermark, 3);
    auto h = kafka::read_header(*f1.responses[0].partitions[0].records);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->compression(), compression_codec::lz4);

    // The same partition still takes a good compressed batch.
    auto good = produce(c, "inner", 0, compressed(batch_of(2, "e"), compression_codec::zstd));
    EXPECT_EQ(good.responses[0].partition_responses[0].error_code, 0);
    EXPECT_EQ(good.responses[0].partition_responses[0].base_offset, 0);
}

TEST_F(BrokerTest, IdempotentRetryGetsOriginalOffsets) {
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back({"idem", 1, 1, {}, {}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
    auto make = [](int32_t seq, int n) {
        kafka::batch_builder b;
        b.producer(42, 0, seq);
        for (int i = 0; i < n; ++i) {
            b.add(std::nullopt, "v" + std::to_string(seq + i), 1);
        }
        return b.build();
    };
    EXPECT_EQ(produce(c, "idem", 0, make(0, 2)).responses[0].partition_responses[0].base_offset, 0);
    EXPECT_EQ(produce(c, "idem", 0, make(2, 2)).responses[0].partition_responses[0].base_offset, 2);
    // A retry of the first batch: success with its original offset, nothing written.
    auto dup = produce(c, "idem", 0, make(0, 2));
    EXPECT_EQ(dup.responses[0].partition_responses[0].error_code, 0);
    EXPECT_EQ(dup.responses[0].partition_responses[0].base_offset, 0);
    // A gap: OUT_OF_ORDER_SEQUENCE_NUMBER.
    auto gap = produce(c, "idem", 0, make(9, 1));
    EXPECT_EQ(gap.responses[0].partition_responses[0].error_code, 45);
    EXPECT_EQ(fetch(c, "idem", 0, 0).responses[0].partitions[0].high_watermark, 4);

    // The producer state survives a restart: the retry is still recognised.
    restart();
    wire_client c2(port_);
    auto retried = produce(c2, "idem", 0, make(2, 2));
    EXPECT_EQ(retried.responses[0].partition_responses[0].base_offset, 2);
    EXPECT_EQ(produce(c2, "idem", 0, make(4, 1)).responses[0].partition_responses[0].base_offset,
              4);
}

// message.timestamp.difference.max.ms: a CreateTime record too far from the
// broker's clock is refused with INVALID_TIMESTAMP (32), as Kafka does.
TEST_F(BrokerTest, RecordTimestampFarFromTheBrokersClockIsInvalidTimestamp) {
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back(
        {"ts-bound", 1, 1, {}, {{"message.timestamp.difference.max.ms", std::string("60000")}}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto batch = [](int64_t first, int64_t second) {
        kafka::batch_builder b;
        b.add(std::nullopt, "a", first).add(std::nullopt, "b", second);
        return b.build();
    };
    auto code = [&](bytes b) {
        return produce(c, "ts-bound", 0, std::move(b))
            .responses[0]
            .partition_responses[0]
            .error_code;
    };
    EXPECT_EQ(code(batch(now, now + 1)), 0);
    EXPECT_EQ(code(batch(now, now - 3'600'000)), 32);  // the second record is an hour old
    EXPECT_EQ(code(batch(now + 3'600'000, now)), 32);
    EXPECT_EQ(fetch(c, "ts-bound", 0, 0).responses[0].partitions[0].high_watermark, 2);

    // Kafka 3.6's two bounds: an hour back allowed, a minute ahead not.
    kafka::create_topics_request two;
    two.topics.push_back({"ts-two",
                          1,
                          1,
                          {},
                          {{"message.timestamp.before.max.ms", std::string("7200000")},
                           {"message.timestamp.after.max.ms", std::string("1000")}}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(two, 4)->topics[0].error_code, 0);
    auto code_two = [&](bytes b) {
        return produce(c, "ts-two", 0, std::move(b)).responses[0].partition_responses[0].error_code;
    };
    EXPECT_EQ(code_two(batch(now, now - 3'600'000)), 0);
    EXPECT_EQ(code_two(batch(now, now + 60'000)), 32);
}

// A compacted topic refuses a batch holding a record without a key
// (INVALID_RECORD, 87), as Kafka does; keyed batches and tombstones pass.
TEST_F(BrokerTest, CompactedTopicRefusesRecordsWithoutAKey) {
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back({"compacted", 1, 1, {}, {{"cleanup.policy", std::string("compact")}}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
    auto code = [&](bytes b) {
        return produce(c, "compacted", 0, std::move(b))
            .responses[0]
            .partition_responses[0]
            .error_code;
    };
    kafka::batch_builder keyed;
    keyed.add("k1", "v", 1).add("k2", std::nullopt, 2);
    EXPECT_EQ(code(keyed.build()), 0);
    kafka::batch_builder mixed;
    mixed.add("k3", "v", 3).add(std::nullopt, "v", 4);
    EXPECT_EQ(code(mixed.build()), 87);
    EXPECT_EQ(fetch(c, "compacted", 0, 0).responses[0].partitions[0].high_watermark, 2);
}

// producer.id.expiration.ms: a producer silent that long is forgotten, so
// its next batch starts a new sequence instead of being a gap.
TEST_F(BrokerTest, SilentIdempotentProducerIsForgottenAfterItsExpiration) {
    extra_props_ = "producer.id.expiration.ms=1000\n";
    restart();
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back({"idem3", 1, 1, {}, {}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
    auto make = [](int32_t seq) {
        kafka::batch_builder b;
        b.producer(77, 0, seq).add(std::nullopt, "v" + std::to_string(seq), 1);
        return b.build();
    };
    EXPECT_EQ(produce(c, "idem3", 0, make(0)).responses[0].partition_responses[0].error_code, 0);
    EXPECT_EQ(produce(c, "idem3", 0, make(9)).responses[0].partition_responses[0].error_code, 45);
    // Checked on the broker's 1 s housekeeping tick; bounded wait.
    int16_t code = 45;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (code == 45 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        code = produce(c, "idem3", 0, make(9)).responses[0].partition_responses[0].error_code;
    }
    EXPECT_EQ(code, 0);
}

TEST_F(BrokerTest, ProducerStateIsRebuiltFromTheLogWithoutASnapshot) {
    {
        wire_client c(port_);
        kafka::create_topics_request create;
        create.topics.push_back({"idem2", 1, 1, {}, {}});
        ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
        kafka::batch_builder b;
        b.producer(7, 0, 0).add(std::nullopt, "only", 1);
        EXPECT_EQ(produce(c, "idem2", 0, b.build()).responses[0].partition_responses[0].base_offset,
                  0);
    }
    broker_.reset();
    std::filesystem::remove(dir_ / "data" / "idem2-0" / "producer-state.snapshot");
    start();
    wire_client c(port_);
    kafka::batch_builder b;
    b.producer(7, 0, 0).add(std::nullopt, "only", 1);
    auto dup = produce(c, "idem2", 0, b.build());
    EXPECT_EQ(dup.responses[0].partition_responses[0].base_offset, 0);
    EXPECT_EQ(fetch(c, "idem2", 0, 0).responses[0].partitions[0].high_watermark, 1);
}

TEST_F(BrokerTest, LongPollFetchWakesOnProduce) {
    wire_client c(port_);
    kafka::create_topics_request create;
    create.topics.push_back({"poll", 1, 1, {}, {}});
    ASSERT_EQ(c.call<kafka::create_topics_response>(create, 4)->topics[0].error_code, 0);
    kafka::fetch_request req;
    req.max_wait_ms = 20000;
    req.min_bytes = 1;
    req.max_bytes = 1 << 20;
    auto& t = req.topics.emplace_back();
    t.topic = "poll";
    t.partitions.push_back({0, -1, 0, -1, 1 << 20});
    ASSERT_TRUE(c.send(req, 11));
    wire_client producer(port_);
    produce(producer, "poll", 0, batch_of(1, "wake"));
    auto resp = c.receive<kafka::fetch_response>(11);  // would take 20 s without the wake-up
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->responses[0].partitions[0].high_watermark, 1);
    EXPECT_TRUE(resp->responses[0].partitions[0].records.has_value());
}

TEST_F(BrokerTest, UnknownApiKeyClosesOnlyThatConnection) {
    wire_client bad(port_);
    bytes frame(4);
    kafka::request_header h{999, 0, 1, std::string("x")};
    kafka::encode_request_header(h, 1, frame);
    store_be<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
    ASSERT_TRUE(bad.send_raw(frame));
    EXPECT_FALSE(bad.read_frame().has_value());
    wire_client good(port_);
    auto resp = good.call<kafka::api_versions_response>(kafka::api_versions_request{}, 0);
    EXPECT_TRUE(resp.has_value());
}

}  // namespace
}  // namespace cs::broker
