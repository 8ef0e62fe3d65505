#include "tools/produce.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/handles.h"
#include "client/java_partitioner.h"
#include "testing/test_brokers.h"

namespace cs::tools {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

struct read_record {
    int32_t partition = 0;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

// Reads every record of topic with a plain librdkafka consumer (assign, no
// group), waiting until `expected` have arrived or 15 s passed.
std::vector<read_record> read_topic(const std::string& bootstrap, const std::string& topic,
                                    size_t expected) {
    client::conf_handle conf(rd_kafka_conf_new());
    char errstr[256];
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set(conf.get(), "group.id", "produce-test-reader", errstr, sizeof errstr);
    rd_kafka_conf_set(conf.get(), "enable.auto.commit", "false", errstr, sizeof errstr);
    client::kafka_handle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), errstr, sizeof errstr));
    EXPECT_TRUE(rk) << errstr;
    client::topic_handle t(rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr));
    const rd_kafka_metadata_t* md = nullptr;
    EXPECT_EQ(rd_kafka_metadata(rk.get(), 0, t.get(), &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
    client::metadata_handle owned(md);
    int partitions = md != nullptr && md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
    client::partition_list_handle list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p) {
        rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk.get(), list.get());
    std::vector<read_record> out;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
        client::message_handle m(rd_kafka_consumer_poll(rk.get(), 100));
        if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            continue;
        }
        read_record r;
        r.partition = m->partition;
        if (m->key != nullptr) {
            r.key = std::string(static_cast<const char*>(m->key), m->key_len);
        }
        if (m->payload != nullptr) {
            r.value = std::string(static_cast<const char*>(m->payload), m->len);
        }
        rd_kafka_headers_t* hdrs = nullptr;
        if (rd_kafka_message_headers(m.get(), &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* name = nullptr;
            const void* val = nullptr;
            size_t size = 0;
            for (size_t i = 0;
                 rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
                 ++i) {
                r.headers.emplace_back(name, val == nullptr
                                                 ? std::nullopt
                                                 : std::optional<std::string>(std::string(
                                                       static_cast<const char*>(val), size)));
            }
        }
        out.push_back(std::move(r));
    }
    rd_kafka_consumer_close(rk.get());
    return out;
}

std::vector<std::string> values_of(const std::vector<read_record>& rs) {
    std::vector<std::string> out;
    for (const auto& r : rs) {
        out.push_back(r.value.value_or("<null>"));
    }
    return out;
}

struct outcome {
    int code = 0;
    std::string err;
};

class ProduceTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }
    produce_options options(const std::string& topic) {
        produce_options o;
        o.bootstrap_server = broker_->bootstrap();
        o.topic = topic;
        return o;
    }
    outcome run(const produce_options& o, const std::string& input, produce_env env = {}) {
        std::istringstream in(input);
        std::ostringstream err;
        env.in = &in;
        env.err = &err;
        env.progress = env.progress.value_or(false);
        outcome out;
        out.code = run_produce(o, env);
        out.err = err.str();
        return out;
    }
    std::vector<read_record> read(const std::string& topic, size_t expected) {
        return read_topic(broker_->bootstrap(), topic, expected);
    }
    std::unique_ptr<testing::test_broker> broker_;
    testing::temp_dir dir_;
};

TEST_P(ProduceTest, EachLineIsARecord) {
    ASSERT_TRUE(broker_->create_topic("lines", 1).ok());
    auto r = run(options("lines"), "a\nb b\r\n\nlast");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "clickstream produce: topic lines: 4 delivered, 0 failed\n");
    auto got = read("lines", 4);
    EXPECT_EQ(values_of(got), (std::vector<std::string>{"a", "b b", "", "last"}));
    EXPECT_FALSE(got[0].key);
}

TEST_P(ProduceTest, ParseKeyAndHeadersAsKafkasLineReader) {
    ASSERT_TRUE(broker_->create_topic("kh", 1).ok());
    auto o = options("kh");
    o.properties = {
        "parse.key=true",      "parse.headers=true",      "key.separator=|", "headers.delimiter=#",
        "headers.separator=;", "headers.key.separator==", "null.marker=NULL"};
    auto r = run(o, "source=web;trace=NULL#user1|{\"n\":1}\nNULL#NULL|NULL\n");
    EXPECT_EQ(r.code, 0) << r.err;
    auto got = read("kh", 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].key, "user1");
    EXPECT_EQ(got[0].value, "{\"n\":1}");
    ASSERT_EQ(got[0].headers.size(), 2u);
    EXPECT_EQ(got[0].headers[0],
              (std::pair<std::string, std::optional<std::string>>{"source", "web"}));
    EXPECT_EQ(got[0].headers[1].first, "trace");
    EXPECT_FALSE(got[0].headers[1].second);
    EXPECT_FALSE(got[1].key);
    EXPECT_FALSE(got[1].value);  // a tombstone
    EXPECT_TRUE(got[1].headers.empty());
}

TEST_P(ProduceTest, MissingKeySeparatorIsReportedCountedAndTheRunGoesOn) {
    ASSERT_TRUE(broker_->create_topic("sep", 1).ok());
    auto o = options("sep");
    o.properties = {"parse.key=true"};
    auto r = run(o, "k1\tv1\nno separator\nk2\tv2\n");
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("error: stdin line 2: no key separator found\n"));
    EXPECT_THAT(r.err, HasSubstr("topic sep: 2 delivered, 1 failed (malformed input: 1)\n"));
    auto got = read("sep", 2);
    EXPECT_EQ(values_of(got), (std::vector<std::string>{"v1", "v2"}));
    EXPECT_EQ(got[1].key, "k2");
}

TEST_P(ProduceTest, IgnoreErrorSendsTheLineAsValueWithNullKey) {
    ASSERT_TRUE(broker_->create_topic("ign", 1).ok());
    auto o = options("ign");
    o.properties = {"parse.key=true", "ignore.error=true"};
    auto r = run(o, "k\tv\nwhole line\n");
    EXPECT_EQ(r.code, 0) << r.err;
    auto got = read("ign", 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].value, "whole line");
    EXPECT_FALSE(got[1].key);
}

TEST_P(ProduceTest, KeysLandWhereJavasProducerPutsThem) {
    ASSERT_TRUE(broker_->create_topic("keyed", 6).ok());
    auto o = options("keyed");
    o.properties = {"parse.key=true", "key.separator=:"};
    std::string input;
    for (int i = 0; i < 60; ++i) {
        input += "user" + std::to_string(i) + ":v" + std::to_string(i) + "\n";
    }
    auto r = run(o, input);
    EXPECT_EQ(r.code, 0) << r.err;
    auto got = read("keyed", 60);
    ASSERT_EQ(got.size(), 60u);
    std::set<int32_t> used;
    for (const auto& rec : got) {
        EXPECT_EQ(rec.partition, client::java_partition(*rec.key, 6)) << *rec.key;
        used.insert(rec.partition);
    }
    EXPECT_GT(used.size(), 3u);
}

TEST_P(ProduceTest, JsonLinesAreValidatedAndKeyedByAField) {
    ASSERT_TRUE(broker_->create_topic("json", 1).ok());
    auto o = options("json");
    o.format = produce_format::json;
    o.key_field = "user_id";
    std::string input =
        "{\"user_id\":\"u1\",\"url\":\"/a\"}\n"
        "\n"
        "{\"user_id\":\"u2\",\"url\":\n"
        "  {\"user_id\":42, \"url\":\"/c\"}  \n"
        "{\"url\":\"/d\"}\n";
    auto r = run(o, input);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("error: stdin line 3: not valid JSON ("));
    EXPECT_THAT(r.err, HasSubstr("error: stdin line 5: no field \"user_id\" in the object\n"));
    EXPECT_THAT(r.err, HasSubstr("2 delivered, 2 failed (malformed input: 2)"));
    auto got = read("json", 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].key, "u1");
    EXPECT_EQ(got[0].value, "{\"user_id\":\"u1\",\"url\":\"/a\"}");
    EXPECT_EQ(got[1].key, "42");
    EXPECT_EQ(got[1].value, "{\"user_id\":42, \"url\":\"/c\"}");
}

TEST_P(ProduceTest, CsvRowsBecomeJsonObjectsKeyedByAColumn) {
    ASSERT_TRUE(broker_->create_topic("csv", 3).ok());
    auto o = options("csv");
    o.format = produce_format::csv;
    o.key_field = "user_id";
    std::string input =
        "\xEF\xBB\xBFtimestamp,user_id,url\r\n"
        "2024-01-01T00:00:00Z,u1,\"/a?x=1,2\"\r\n"
        "2024-01-01T00:00:01Z,u2\r\n"
        "2024-01-01T00:00:02Z,u3,\"/b \"\"quoted\"\"\nnext line\"\r\n";
    auto r = run(o, input);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err,
                HasSubstr("error: stdin line 3: 2 fields, but the header has 3 (ragged row)\n"));
    EXPECT_THAT(r.err, HasSubstr("2 delivered, 1 failed (malformed input: 1)"));
    auto got = read("csv", 2);
    ASSERT_EQ(got.size(), 2u);
    std::map<std::string, read_record> by_key;
    for (auto& rec : got) {
        by_key[*rec.key] = rec;
    }
    EXPECT_EQ(by_key["u1"].value,
              R"({"timestamp":"2024-01-01T00:00:00Z","user_id":"u1","url":"/a?x=1,2"})");
    EXPECT_EQ(
        by_key["u3"].value,
        R"({"timestamp":"2024-01-01T00:00:02Z","user_id":"u3","url":"/b \"quoted\"\nnext line"})");
    EXPECT_EQ(by_key["u1"].partition, client::java_partition("u1", 3));
    EXPECT_EQ(by_key["u3"].partition, client::java_partition("u3", 3));
}

TEST_P(ProduceTest, CsvKeyFieldMustBeAColumn) {
    ASSERT_TRUE(broker_->create_topic("csv2", 1).ok());
    auto o = options("csv2");
    o.format = produce_format::csv;
    o.key_field = "user";
    auto r = run(o, "user_id,url\nu1,/a\n");
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("--key-field user: the CSV header has no such column (columns: "
                                 "user_id, url)"));
}

TEST_P(ProduceTest, FileInputWithProgress) {
    ASSERT_TRUE(broker_->create_topic("file", 2).ok());
    auto path = dir_.path() / "clicks.jsonl";
    {
        std::ofstream f(path);
        for (int i = 0; i < 10000; ++i) {
            f << "{\"user_id\":\"u" << i % 13 << "\",\"n\":" << i << "}\n";
        }
    }
    auto o = options("file");
    o.file = path.string();
    o.format = produce_format::json;
    FILE* progress_out = std::tmpfile();
    ASSERT_NE(progress_out, nullptr);
    produce_env env;
    env.progress = true;
    env.progress_out = progress_out;
    auto r = run(o, "ignored: --file is read", env);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "clickstream produce: topic file: 10000 delivered, 0 failed\n");
    std::rewind(progress_out);
    char buf[4096] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, progress_out);
    std::fclose(progress_out);
    std::string drawn(buf, n);
    EXPECT_THAT(drawn, HasSubstr("100%  10,000 records"));
    EXPECT_EQ(read("file", 10000).size(), 10000u);
}

TEST_P(ProduceTest, SeedsProducerConfigWithBootstrapServerFlag) {
    ASSERT_TRUE(broker_->create_topic("seeds", 1).ok());
    auto path = dir_.path() / "producer.properties";
    std::ofstream(path) << "bootstrap.servers=kafka1:9092,kafka2:9092\n"
                           "acks=all\n"
                           "compression.type=snappy\n"
                           "batch.size=32768\n"
                           "linger.ms=10\n"
                           "buffer.memory=67108864\n"
                           "key.serializer=org.apache.kafka.common.serialization.StringSerializer\n"
                           "value.serializer=org.apache.kafka.common.serialization."
                           "StringSerializer\n"
                           "max.request.size=1048576\n"
                           "retries=3\n";
    auto o = options("seeds");
    o.producer_config = path.string();
    // --bootstrap-server wins over the file's kafka1:9092, as in Kafka's tool.
    auto r = run(o, "x\ny\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("2 delivered, 0 failed"));
    EXPECT_EQ(read("seeds", 2).size(), 2u);
}

TEST_P(ProduceTest, BrokerListIsAnAliasAndBootstrapServerWins) {
    ASSERT_TRUE(broker_->create_topic("alias", 1).ok());
    auto o = options("alias");
    o.bootstrap_server.reset();
    o.broker_list = broker_->bootstrap();
    EXPECT_EQ(run(o, "a\n").code, 0);
    o.bootstrap_server = broker_->bootstrap();
    o.broker_list = "127.0.0.1:1";
    EXPECT_EQ(run(o, "b\n").code, 0);
    EXPECT_EQ(values_of(read("alias", 2)), (std::vector<std::string>{"a", "b"}));
}

TEST_P(ProduceTest, ProducerPropertyIsApplied) {
    ASSERT_TRUE(broker_->create_topic("props", 1).ok());
    auto o = options("props");
    o.producer_properties = {"message.max.bytes=1000", "linger.ms=1"};
    auto r = run(o, "small\n" + std::string(3000, 'x') + "\nsmall again\n");
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("stdin line 2: not sent: props: "));
    EXPECT_THAT(r.err, HasSubstr("2 delivered, 1 failed"));
    o.producer_properties = {"no.such.setting=1"};
    r = run(o, "a\n");
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("no.such.setting"));
}

TEST_P(ProduceTest, ThroughputSpacesRecords) {
    ASSERT_TRUE(broker_->create_topic("slow", 1).ok());
    auto o = options("slow");
    o.throughput = 100;
    manual_clock clk(0);
    std::chrono::microseconds slept{0};
    produce_env env;
    env.clk = &clk;
    env.sleep = [&](std::chrono::microseconds d) {
        slept += d;
        clk.advance_ms(d.count() / 1000);
    };
    std::string input;
    for (int i = 0; i < 50; ++i) {
        input += std::to_string(i) + "\n";
    }
    auto r = run(o, input, env);
    EXPECT_EQ(r.code, 0) << r.err;
    // 50 records at 100/s: the 50th goes out 490 ms after the first.
    EXPECT_EQ(clk.monotonic_ms(), 490);
    EXPECT_EQ(slept, 490ms);
}

TEST_P(ProduceTest, InterruptedBeforeReadingSendsNothingAndSaysSo) {
    ASSERT_TRUE(broker_->create_topic("intr", 1).ok());
    std::atomic<int> presses{1};
    produce_env env;
    env.interrupts = &presses;
    auto r = run(options("intr"), "a\nb\n", env);
    EXPECT_EQ(r.code, 130);
    EXPECT_EQ(r.err, "clickstream produce: topic intr: 0 delivered, 0 failed; interrupted\n");
}

TEST_P(ProduceTest, ContradictoryOptionsAreUsageErrors) {
    auto o = options("any");
    o.key_field = "k";
    auto r = run(o, "");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "clickstream produce: error: --key-field needs --format json or csv\n");
    o.format = produce_format::json;
    o.properties = {"parse.key=true"};
    EXPECT_EQ(run(o, "").code, 2);
    o = options("any");
    o.format = produce_format::csv;
    o.properties = {"parse.key=true"};
    EXPECT_EQ(run(o, "").code, 2);
    o = options("any");
    o.properties = {"headers.separator=:"};
    r = run(o, "");
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("headers.separator and headers.key.separator may not be equal"));
}

INSTANTIATE_TEST_SUITE_P(Brokers, ProduceTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

// Our broker only: the mock cluster has no max.message.bytes or
// auto.create.topics.enable to set.
TEST(ProduceOnOurBroker, RecordRejectedByTheBrokerIsAFailedDelivery) {
    auto broker = testing::start_clickstream_broker("message.max.bytes=1000\n");
    ASSERT_TRUE(broker->create_topic("small", 1).ok());
    produce_options o;
    o.bootstrap_server = broker->bootstrap();
    o.topic = "small";
    o.producer_properties = {"batch.num.messages=1"};  // the big record in a batch of its own
    std::istringstream in("ok\n" + std::string(3000, 'x') + "\nok\n");
    std::ostringstream err;
    produce_env env;
    env.in = &in;
    env.err = &err;
    env.progress = false;
    EXPECT_EQ(run_produce(o, env), 1);
    EXPECT_THAT(err.str(), HasSubstr("topic small: 2 delivered, 1 failed (Broker: Message size "
                                     "too large: 1)\n"));
}

TEST(ProduceOnOurBroker, UnknownTopicWithoutAutoCreationIsAClearError) {
    auto broker = testing::start_clickstream_broker("auto.create.topics.enable=false\n");
    produce_options o;
    o.bootstrap_server = broker->bootstrap();
    o.topic = "missing";
    std::istringstream in("a\n");
    std::ostringstream err;
    produce_env env;
    env.in = &in;
    env.err = &err;
    EXPECT_EQ(run_produce(o, env), 1);
    EXPECT_THAT(err.str(), HasSubstr("error: topic \"missing\" does not exist and the broker did "
                                     "not create it"));
}

TEST(ProduceOnOurBroker, UnknownTopicIsCreatedWhenTheBrokerAutoCreates) {
    auto broker = testing::start_clickstream_broker();
    produce_options o;
    o.bootstrap_server = broker->bootstrap();
    o.topic = "fresh";
    std::istringstream in("a\n");
    std::ostringstream err;
    produce_env env;
    env.in = &in;
    env.err = &err;
    EXPECT_EQ(run_produce(o, env), 0) << err.str();
    EXPECT_EQ(read_topic(broker->bootstrap(), "fresh", 1).size(), 1u);
}

TEST(Produce, UnreachableBrokerIsAnErrorWithinSeconds) {
    produce_options o;
    o.bootstrap_server = "127.0.0.1:1";
    o.topic = "t";
    std::istringstream in("a\n");
    std::ostringstream err;
    produce_env env;
    env.in = &in;
    env.err = &err;
    env.connect_timeout = 1500ms;
    EXPECT_EQ(run_produce(o, env), 1);
    EXPECT_THAT(err.str(), HasSubstr("error: no Kafka broker answered at 127.0.0.1:1"));
}

}  // namespace
}  // namespace cs::tools
