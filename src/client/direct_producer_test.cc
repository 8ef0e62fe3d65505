#include "client/direct_producer.h"

#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "client/fetch_test_records.h"
#include "client/fetcher.h"
#include "client/java_partitioner.h"
#include "client/producer.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

using testing_records::base_ts;
using testing_records::expect_record;
using testing_records::fixed_leader;
using testing_records::parse_address;

// Every partition of every topic is led by `addr`.
topic_layout_source fixed_layout(broker_address addr, int partitions) {
    return [addr, partitions](const std::string&) -> result<std::vector<partition_leader>> {
        std::vector<partition_leader> out;
        for (int p = 0; p < partitions; ++p) {
            out.push_back({p, addr});
        }
        return out;
    };
}

produce_options quick_options() {
    produce_options o;
    o.request_timeout = 5s;
    o.retry_backoff = 20ms;
    o.reconnect_backoff = 20ms;
    return o;
}

// What the delivery reports said, summed.
struct reports {
    uint64_t delivered = 0;
    uint64_t failed = 0;
    uint64_t bytes = 0;
    std::map<std::string, uint64_t> errors;

    delivery_sink sink() {
        return [this](const delivery_report& r) {
            if (r.error.empty()) {
                delivered += r.records;
                bytes += r.bytes;
            } else {
                failed += r.records;
                errors[r.error] += r.records;
            }
        };
    }
};

const std::vector<direct_producer::header> record_headers(int i, std::string& n) {
    n = std::to_string(i);
    return {{"n", n}, {"nil", std::nullopt}};
}

class DirectProducerTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
        addr_ = parse_address(broker_->bootstrap());
    }

    // Records first..first+n-1 (fetch_test_records.h) to partition i % partitions.
    void append_records(direct_producer& p, const std::string& topic, int n, int partitions,
                        int first = 0) {
        for (int i = first; i < first + n; ++i) {
            auto key = testing_records::key(i);
            auto value = testing_records::value(i);
            std::string scratch;
            auto hs = record_headers(i, scratch);
            auto st = p.append(
                topic, i % partitions, key ? std::optional<std::string_view>(*key) : std::nullopt,
                value ? std::optional<std::string_view>(*value) : std::nullopt, hs, base_ts + i);
            ASSERT_TRUE(st.ok()) << st.message();
        }
    }

    // Reads n records of topic's partitions from offset 0.
    std::vector<message> read_back(const std::string& topic, int partitions, size_t n) {
        fetch_options fo;
        fo.max_wait_ms = 100;
        fo.auto_offset_reset = "earliest";
        fetcher f(fo, fixed_leader(addr_));
        for (int p = 0; p < partitions; ++p) {
            f.add({topic, p}, 0);
        }
        std::vector<message> out;
        auto until = clock::now() + 15s;
        while (out.size() < n && clock::now() < until) {
            auto got = f.poll(out, n - out.size(), 100ms);
            EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.err().message);
            if (!got.ok()) {
                break;
            }
        }
        return out;
    }

    // Every record i of n, in order per partition (partition i % partitions).
    void expect_all(const std::vector<message>& msgs, int n, int partitions) {
        ASSERT_EQ(msgs.size(), static_cast<size_t>(n));
        std::map<int32_t, int64_t> next;
        for (const auto& m : msgs) {
            EXPECT_EQ(m.offset(), next[m.partition()]++);
            expect_record(m, static_cast<int>(m.offset()) * partitions + m.partition());
        }
    }

    std::unique_ptr<testing::test_broker> broker_;
    broker_address addr_;
};

TEST_P(DirectProducerTest, WritesEveryRecordWithAllFieldsInOrder) {
    ASSERT_TRUE(broker_->create_topic("clicks", 3).ok());
    reports rep;
    direct_producer p(quick_options(), fixed_layout(addr_, 3), rep.sink());
    auto n = p.partition_count("clicks");
    ASSERT_TRUE(n.ok()) << n.err().message;
    EXPECT_EQ(*n, 3);
    append_records(p, "clicks", 300, 3);
    EXPECT_EQ(p.in_flight(), 300u);
    auto st = p.flush(10s);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(p.in_flight(), 0u);
    EXPECT_EQ(rep.delivered, 300u);
    EXPECT_EQ(rep.failed, 0u);
    EXPECT_GT(rep.bytes, 300u * 3);
    EXPECT_EQ(p.counters().batches, 3u);  // one batch per partition
    EXPECT_EQ(p.counters().requests, 1u);
    EXPECT_EQ(p.counters().retries, 0u);
    expect_all(read_back("clicks", 3, 300), 300, 3);

    // More after a flush: the same connection, appended after the first.
    append_records(p, "clicks", 30, 3, 300);
    ASSERT_TRUE(p.flush(10s).ok());
    EXPECT_EQ(rep.delivered, 330u);
    EXPECT_EQ(p.counters().reconnects, 1u);
    expect_all(read_back("clicks", 3, 330), 330, 3);
}

TEST_P(DirectProducerTest, EveryCompressionCodec) {
    for (auto codec : {kafka::compression_codec::gzip, kafka::compression_codec::snappy,
                       kafka::compression_codec::lz4, kafka::compression_codec::zstd}) {
        std::string topic = fmt::format("codec-{}", static_cast<int>(codec));
        SCOPED_TRACE(topic);
        ASSERT_TRUE(broker_->create_topic(topic, 2).ok());
        auto o = quick_options();
        o.codec = codec;
        reports rep;
        direct_producer p(o, fixed_layout(addr_, 2), rep.sink());
        append_records(p, topic, 200, 2);
        ASSERT_TRUE(p.flush(10s).ok());
        EXPECT_EQ(rep.delivered, 200u);
        expect_all(read_back(topic, 2, 200), 200, 2);
    }
}

TEST_P(DirectProducerTest, SmallBatchesGoInManyRequestsAndKeepTheirOrder) {
    ASSERT_TRUE(broker_->create_topic("small", 2).ok());
    auto o = quick_options();
    o.batch_size = 400;
    o.max_request_size = 1000;
    reports rep;
    direct_producer p(o, fixed_layout(addr_, 2), rep.sink());
    append_records(p, "small", 1000, 2);
    ASSERT_TRUE(p.flush(10s).ok());
    EXPECT_EQ(rep.delivered, 1000u);
    EXPECT_GT(p.counters().batches, 50u);
    EXPECT_GT(p.counters().requests, 25u);
    expect_all(read_back("small", 2, 1000), 1000, 2);
}

TEST_P(DirectProducerTest, AppendWaitsWhileTheBufferIsFull) {
    ASSERT_TRUE(broker_->create_topic("bounded", 2).ok());
    auto o = quick_options();
    o.max_buffered_records = 10;
    reports rep;
    direct_producer p(o, fixed_layout(addr_, 2), rep.sink());
    for (int i = 0; i < 100; ++i) {
        append_records(p, "bounded", 1, 2, i);
        EXPECT_LE(p.in_flight(), 10u);
    }
    ASSERT_TRUE(p.flush(10s).ok());
    EXPECT_EQ(rep.delivered, 100u);
    expect_all(read_back("bounded", 2, 100), 100, 2);

    o.max_buffered_records = 100'000;
    o.max_buffered_kbytes = 4;  // about two 2,000-byte values
    direct_producer q(o, fixed_layout(addr_, 2), rep.sink());
    std::string value(2000, 'v');
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(q.append("bounded", i % 2, std::nullopt, value, {}, base_ts).ok());
        EXPECT_LE(q.in_flight(), 2u);
    }
    ASSERT_TRUE(q.flush(10s).ok());
    EXPECT_EQ(rep.delivered, 120u);
}

TEST_P(DirectProducerTest, RefusesWhatCannotBeSent) {
    ASSERT_TRUE(broker_->create_topic("refuse", 2).ok());
    auto o = quick_options();
    o.max_request_size = 1000;
    reports rep;
    direct_producer p(o, fixed_layout(addr_, 2), rep.sink());
    std::string big(2000, 'x');
    auto st = p.append("refuse", 0, "k", big, {}, base_ts);
    EXPECT_EQ(st.code(), errc::too_large);
    EXPECT_NE(st.message().find("message.max.bytes=1000"), std::string::npos) << st.message();
    st = p.append("refuse", 2, "k", "v", {}, base_ts);
    EXPECT_EQ(st.code(), errc::not_found);
    EXPECT_NE(st.message().find("refuse has no partition 2"), std::string::npos);
    EXPECT_EQ(p.in_flight(), 0u);
    ASSERT_TRUE(p.flush(1s).ok());
    EXPECT_EQ(rep.delivered + rep.failed, 0u);
}

TEST_P(DirectProducerTest, BrokerGoneFailsEachRecordOnceAfterTheDeliveryTimeout) {
    ASSERT_TRUE(broker_->create_topic("gone", 1).ok());
    auto o = quick_options();
    o.delivery_timeout = 300ms;
    reports rep;
    direct_producer p(o, fixed_layout(addr_, 1), rep.sink());
    append_records(p, "gone", 5, 1);
    ASSERT_TRUE(p.flush(10s).ok());
    broker_.reset();
    append_records(p, "gone", 7, 1, 5);
    auto st = p.flush(10s);
    ASSERT_TRUE(st.ok()) << st.message();  // every record reported
    EXPECT_EQ(rep.delivered, 5u);
    EXPECT_EQ(rep.failed, 7u);
    ASSERT_EQ(rep.errors.size(), 1u);
    EXPECT_NE(rep.errors.begin()->first.find("Message timed out"), std::string::npos)
        << rep.errors.begin()->first;
    EXPECT_GE(p.counters().reconnects, 2u);
}

TEST_P(DirectProducerTest, FlushTimesOutWithRecordsInFlight) {
    ASSERT_TRUE(broker_->create_topic("slow", 1).ok());
    reports rep;
    direct_producer p(quick_options(), fixed_layout({9, "127.0.0.1", 1}, 1), rep.sink());
    append_records(p, "slow", 3, 1);
    auto start = clock::now();
    auto st = p.flush(200ms);
    EXPECT_LT(clock::now() - start, 2s);
    EXPECT_EQ(st.code(), errc::timed_out);
    EXPECT_NE(st.message().find("3 records still in flight"), std::string::npos) << st.message();
    EXPECT_EQ(p.in_flight(), 3u);
}

TEST_P(DirectProducerTest, RecoversFromAWrongLeader) {
    ASSERT_TRUE(broker_->create_topic("moved", 2).ok());
    int calls = 0;
    broker_address wrong{7, "127.0.0.1", 1};  // nothing listens on port 1
    topic_layout_source first_wrong = [&](const std::string&) {
        ++calls;
        std::vector<partition_leader> out;
        for (int p = 0; p < 2; ++p) {
            out.push_back({p, calls <= 2 ? wrong : addr_});
        }
        return result<std::vector<partition_leader>>(out);
    };
    reports rep;
    direct_producer p(quick_options(), first_wrong, rep.sink());
    append_records(p, "moved", 40, 2);
    auto st = p.flush(10s);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(rep.delivered, 40u);
    EXPECT_GE(calls, 3);
    EXPECT_GE(p.counters().reconnects, 3u);  // two refused, then the leader
    expect_all(read_back("moved", 2, 40), 40, 2);
}

INSTANTIATE_TEST_SUITE_P(Brokers, DirectProducerTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

// Our broker refuses a record above its message.max.bytes: a broker error
// that no retry helps, reported at once with Kafka's error name.
TEST(DirectProducer, BrokerRefusalIsReportedWithItsName) {
    auto broker = testing::start_clickstream_broker("message.max.bytes=2000\n");
    ASSERT_TRUE(broker->create_topic("strict", 1).ok());
    reports rep;
    direct_producer p(quick_options(), fixed_layout(parse_address(broker->bootstrap()), 1),
                      rep.sink());
    std::string big(5000, 'x');
    ASSERT_TRUE(p.append("strict", 0, "k", big, {}, base_ts).ok());
    ASSERT_TRUE(p.flush(10s).ok());
    EXPECT_EQ(rep.failed, 1u);
    ASSERT_EQ(rep.errors.size(), 1u);
    EXPECT_NE(rep.errors.begin()->first.find("MESSAGE_TOO_LARGE"), std::string::npos)
        << rep.errors.begin()->first;
    EXPECT_EQ(p.counters().retries, 0u);
}

// ---- client::producer with builtin_produce ----

class BuiltinProducerTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }

    client_settings settings(const std::string& partitioner = "murmur2_random") {
        client_settings s;
        apply_bootstrap(s, broker_->bootstrap());
        if (!partitioner.empty()) {
            s.set("partitioner", partitioner, "test");
        }
        return s;
    }

    std::unique_ptr<testing::test_broker> broker_;
};

TEST_P(BuiltinProducerTest, KeysLandWhereJavasPartitionerPutsThem) {
    ASSERT_TRUE(broker_->create_topic("keyed", 4).ok());
    config::diagnostics diags;
    auto prod = producer::create(settings(), diags, {.builtin_produce = true});
    ASSERT_TRUE(prod.ok()) << prod.err().message;
    ASSERT_TRUE((*prod)->uses_builtin_produce());
    ASSERT_TRUE((*prod)->learn_topics({"keyed"}, 5s).ok());
    for (int i = 0; i < 200; ++i) {
        std::string key = "user-" + std::to_string(i);
        ASSERT_TRUE((*prod)->send({.topic = "keyed", .key = key, .value = "v"}).ok());
    }
    // Keyless records stick to one partition until the flush.
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE((*prod)->send({.topic = "keyed", .value = "keyless"}).ok());
    }
    ASSERT_TRUE((*prod)->flush(10s).ok()) << (*prod)->summary();
    EXPECT_EQ((*prod)->stats().delivered, 250u);
    EXPECT_EQ((*prod)->stats().failed, 0u);

    fetch_options fo;
    fo.max_wait_ms = 100;
    auto addr = parse_address(broker_->bootstrap());
    fetcher f(fo, fixed_leader(addr));
    for (int p = 0; p < 4; ++p) {
        f.add({"keyed", p}, 0);
    }
    std::vector<message> msgs;
    auto until = clock::now() + 15s;
    while (msgs.size() < 250 && clock::now() < until) {
        ASSERT_TRUE(f.poll(msgs, 250 - msgs.size(), 100ms).ok());
    }
    ASSERT_EQ(msgs.size(), 250u);
    std::map<int32_t, int> keyless;
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    for (const auto& m : msgs) {
        if (m.key()) {
            EXPECT_EQ(m.partition(), java_partition(*m.key(), 4)) << *m.key();
        } else {
            ++keyless[m.partition()];
        }
        // timestamp_ms 0 in the record: CreateTime is the time of send().
        EXPECT_GT(m.timestamp_ms(), now_ms - 60'000);
        EXPECT_LE(m.timestamp_ms(), now_ms);
    }
    ASSERT_EQ(keyless.size(), 1u);
    EXPECT_EQ(keyless.begin()->second, 50);
}

// A topic that does not exist yet is created by the metadata request (as
// librdkafka's producer asks for it) when the broker allows it.
TEST_P(BuiltinProducerTest, ANewTopicIsCreatedOnFirstSend) {
    config::diagnostics diags;
    auto prod = producer::create(settings(), diags, {.builtin_produce = true});
    ASSERT_TRUE(prod.ok()) << prod.err().message;
    ASSERT_TRUE((*prod)->uses_builtin_produce());
    auto st = (*prod)->send({.topic = "made-on-send", .key = "k", .value = "v"});
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_TRUE((*prod)->flush(10s).ok()) << (*prod)->summary();
    EXPECT_EQ((*prod)->stats().delivered, 1u);
}

TEST(BuiltinProducer, AnUnknownTopicIsAnErrorWhenTheBrokerDoesNotCreateIt) {
    auto broker = testing::start_clickstream_broker("auto.create.topics.enable=false\n");
    client_settings s;
    apply_bootstrap(s, broker->bootstrap());
    s.set("partitioner", "murmur2_random", "test");
    config::diagnostics diags;
    auto prod = producer::create(s, diags, {.builtin_produce = true});
    ASSERT_TRUE(prod.ok()) << prod.err().message;
    ASSERT_TRUE((*prod)->uses_builtin_produce());
    auto start = clock::now();
    auto st = (*prod)->send({.topic = "nowhere", .key = "k", .value = "v"});
    EXPECT_LT(clock::now() - start, 3s);  // at once, not after the propagation wait
    EXPECT_EQ(st.code(), errc::not_found);
    EXPECT_NE(st.message().find("Unknown topic"), std::string::npos) << st.message();
    EXPECT_EQ((*prod)->stats().sent, 0u);
}

TEST_P(BuiltinProducerTest, SettingsItCannotServeFallBackToLibrdkafka) {
    for (auto [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"acks", "0"},
                                                          {"enable.idempotence", "true"},
                                                          {"transactional.id", "t1"},
                                                          {"security.protocol", "SSL"}}) {
        SCOPED_TRACE(key);
        auto s = settings();
        s.set(key, value, "test");
        config::diagnostics diags;
        auto prod = producer::create(s, diags, {.builtin_produce = true});
        if (!prod.ok()) {
            continue;  // librdkafka itself refuses it here (e.g. SSL without certificates)
        }
        EXPECT_FALSE((*prod)->uses_builtin_produce());
    }
    config::diagnostics diags;
    auto plain = producer::create(settings(""), diags, {.builtin_produce = true});
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE((*plain)->uses_builtin_produce());  // librdkafka's CRC32 partitioner
    auto off = producer::create(settings(), diags);
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE((*off)->uses_builtin_produce());
}

INSTANTIATE_TEST_SUITE_P(Brokers, BuiltinProducerTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

TEST(ProduceOptions, FromSettingsReadsLibrdkafkaAndJavaKeys) {
    client_settings s;
    s.set("acks", "1", "p.properties", 1);
    s.set("delivery.timeout.ms", "1234", "p.properties", 2);
    s.set("max.request.size", "50000", "p.properties", 3);
    s.set("compression.type", "ZSTD", "p.properties", 4);
    s.set("batch.size", "16384", "p.properties", 5);
    s.set("linger.ms", "0", "p.properties", 6);
    s.set("client.id", "me", "p.properties", 7);
    s.set("queue.buffering.max.messages", "500", "p.properties", 8);
    auto o = produce_options::from_settings(s);
    ASSERT_TRUE(o.ok()) << o.err().message;
    EXPECT_EQ(o->acks, 1);
    EXPECT_EQ(o->delivery_timeout, 1234ms);
    EXPECT_EQ(o->max_request_size, 50000);
    EXPECT_EQ(o->codec, kafka::compression_codec::zstd);
    EXPECT_EQ(o->batch_size, 16384);
    EXPECT_EQ(o->linger, 0ms);
    EXPECT_EQ(o->client_id, "me");
    EXPECT_EQ(o->max_buffered_records, 500);

    auto defaults = produce_options::from_settings({});
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->acks, -1);
    EXPECT_EQ(defaults->codec, kafka::compression_codec::none);

    client_settings bad;
    bad.set("compression.type", "brotli", "p.properties", 9);
    auto e = produce_options::from_settings(bad);
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.err().message.find("p.properties"), std::string::npos) << e.err().message;
    EXPECT_NE(e.err().message.find("brotli"), std::string::npos);
    client_settings bad_acks;
    bad_acks.set("acks", "two", "flag");
    EXPECT_FALSE(produce_options::from_settings(bad_acks).ok());
}

TEST(ProduceOptions, UnsupportedReason) {
    client_settings s;
    s.set("partitioner", "murmur2_random", "test");
    EXPECT_EQ(produce_options::unsupported_reason(s), "");
    s.set("partitioner", "murmur2", "test");
    EXPECT_EQ(produce_options::unsupported_reason(s), "");
    s.set("partitioner", "consistent_random", "test");
    EXPECT_NE(produce_options::unsupported_reason(s).find("consistent_random"), std::string::npos);
    client_settings none;
    EXPECT_NE(produce_options::unsupported_reason(none).find("partitioner"), std::string::npos);
}

}  // namespace
}  // namespace cs::client
