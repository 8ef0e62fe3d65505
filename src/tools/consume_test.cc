#include "tools/consume.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/producer.h"
#include "testing/test_brokers.h"

namespace cs::tools {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr int64_t base_ts = 1'700'000'000'000;

struct run_result {
    int code = 0;
    std::string out;
    std::string err;
};

// A stream that asks the run to stop after its first write, like a Ctrl-C
// arriving while the first batch is printed.
class stop_after_first_write : public std::stringbuf {
  public:
    explicit stop_after_first_write(std::atomic<bool>& stop) : stop_(stop) {}

  protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        stop_.store(true);
        return std::stringbuf::xsputn(s, n);
    }

  private:
    std::atomic<bool>& stop_;
};

class ConsumeTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }

    consume_options options(std::string topic) const {
        consume_options o;
        o.bootstrap_server = broker_->bootstrap();
        o.topic = std::move(topic);
        // Short sessions: librdkafka's mock coordinator rebalances a group a
        // member left only after the session timeout.
        o.consumer_properties = {"fetch.wait.max.ms=50", "session.timeout.ms=6000",
                                 "heartbeat.interval.ms=500"};
        o.env = [](const std::string&) { return std::optional<std::string>(); };
        return o;
    }

    static run_result run(const consume_options& o) {
        std::ostringstream out;
        std::ostringstream err;
        int code = run_consume(o, out, err);
        return {code, out.str(), err.str()};
    }

    // Records "v<i>" keyed "k<i>" with headers source=test and empty=null,
    // timestamps base_ts + i, to partition p (or i % partitions when p < 0).
    void produce(const std::string& topic, int n, int partitions = 1, int p = -1) {
        client::client_settings s;
        client::apply_bootstrap(s, broker_->bootstrap());
        config::diagnostics diags;
        auto prod = client::producer::create(s, diags);
        ASSERT_TRUE(prod.ok());
        for (int i = 0; i < n; ++i) {
            std::string key = "k" + std::to_string(i);
            std::string value = "v" + std::to_string(i);
            ASSERT_TRUE((*prod)
                            ->send({.topic = topic,
                                    .partition = p >= 0 ? p : i % partitions,
                                    .key = key,
                                    .value = value,
                                    .headers = {{"source", "test"}, {"empty", std::nullopt}},
                                    .timestamp_ms = base_ts + i})
                            .ok());
        }
        ASSERT_TRUE((*prod)->flush(10s).ok());
    }

    void produce_nulls(const std::string& topic) {
        client::client_settings s;
        client::apply_bootstrap(s, broker_->bootstrap());
        config::diagnostics diags;
        auto prod = client::producer::create(s, diags);
        ASSERT_TRUE(prod.ok());
        // A record with neither key, value nor headers (a tombstone).
        ASSERT_TRUE((*prod)->send({.topic = topic, .timestamp_ms = base_ts}).ok());
        ASSERT_TRUE((*prod)->flush(10s).ok());
    }

    std::unique_ptr<testing::test_broker> broker_;
};

TEST_P(ConsumeTest, PrintsValuesByDefaultAndTheTotalOnStderr) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 5);
    auto o = options("events");
    o.from_beginning = true;
    o.max_messages = 5;
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "v0\nv1\nv2\nv3\nv4\n");
    EXPECT_THAT(r.err, HasSubstr("Processed a total of 5 messages\n"));
}

TEST_P(ConsumeTest, EveryPrintPropertyInKafkasOrder) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 2);
    auto o = options("events");
    o.from_beginning = true;
    o.max_messages = 2;
    o.properties = {"print.timestamp=true", "print.partition=true", "print.offset=true",
                    "print.headers=true",   "print.key=true",       "key.separator=|"};
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out,
              "CreateTime:1700000000000|Partition:0|Offset:0|source:test,empty:null|k0|v0\n"
              "CreateTime:1700000000001|Partition:0|Offset:1|source:test,empty:null|k1|v1\n");

    o.properties = {"print.key=TRUE ",     "print.value=false",       "print.headers=true",
                    "headers.separator=;", "headers.key.separator==", "line.separator=;;\n",
                    "null.literal=<nil>",  "key.separator= "};
    r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "source=test;empty=<nil> k0;;\nsource=test;empty=<nil> k1;;\n");
}

TEST_P(ConsumeTest, NullsAndMissingHeadersPrintKafkasLiterals) {
    ASSERT_TRUE(broker_->create_topic("nulls", 1).ok());
    produce_nulls("nulls");
    auto o = options("nulls");
    o.from_beginning = true;
    o.max_messages = 1;
    o.properties = {"print.key=true", "print.headers=true"};
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "NO_HEADERS\tnull\tnull\n");

    o.formatter = "json";
    o.properties = {};
    r = run(o);
    EXPECT_EQ(r.out, R"({"topic":"nulls","partition":0,"offset":0,"timestamp":1700000000000,)"
                     R"("timestampType":"CreateTime","key":null,"value":null,"headers":[]})"
                     "\n");
}

TEST_P(ConsumeTest, JsonFormatterWritesOneObjectPerRecord) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 2);
    auto o = options("events");
    o.from_beginning = true;
    o.max_messages = 2;
    o.formatter = "json";
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, R"({"topic":"events","partition":0,"offset":0,"timestamp":1700000000000,)"
                     R"("timestampType":"CreateTime","key":"k0","value":"v0","headers":[)"
                     R"({"key":"source","value":"test"},{"key":"empty","value":null}]})"
                     "\n"
                     R"({"topic":"events","partition":0,"offset":1,"timestamp":1700000000001,)"
                     R"("timestampType":"CreateTime","key":"k1","value":"v1","headers":[)"
                     R"({"key":"source","value":"test"},{"key":"empty","value":null}]})"
                     "\n");
}

TEST_P(ConsumeTest, AGroupContinuesWhereTheLastRunStopped) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 10);
    auto o = options("events");
    o.group = "resume";
    o.from_beginning = true;
    o.max_messages = 3;
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "v0\nv1\nv2\n");
    o.max_messages = 2;
    r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "v3\nv4\n");
}

TEST_P(ConsumeTest, StopFlagCommitsExactlyWhatWasPrinted) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    // Ten separately flushed producer batches, and a consumer that prefetches
    // little: the first printed batch is a part of the topic.
    for (int i = 0; i < 10; ++i) {
        produce("events", 200);
    }
    std::atomic<bool> stop{false};
    auto o = options("events");
    o.group = "interrupted";
    o.from_beginning = true;
    o.stop = &stop;
    o.consumer_properties.push_back("queued.max.messages.kbytes=1");
    o.timeout_ms = 10000;  // a safety net: the stop flag ends the run
    stop_after_first_write buf(stop);
    std::ostream out(&buf);
    std::ostringstream err;
    ASSERT_EQ(run_consume(o, out, err), 0) << err.str();
    std::string first = buf.str();
    size_t printed = static_cast<size_t>(std::count(first.begin(), first.end(), '\n'));
    ASSERT_GT(printed, 0u);
    EXPECT_THAT(err.str(), HasSubstr(fmt::format("Processed a total of {} messages", printed)));

    o.stop = nullptr;
    o.consumer_properties.pop_back();  // queued.max.messages.kbytes
    o.max_messages = 1;
    o.timeout_ms = 15000;
    o.properties = {"print.offset=true"};
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    // The next run starts right after the last printed record (nothing when
    // the first batch happened to hold the whole topic).
    EXPECT_EQ(r.out, printed == 2000 ? std::string()
                                     : fmt::format("Offset:{}\tv{}\n", printed, printed % 200));
}

TEST_P(ConsumeTest, TimeoutEndsTheRunNormally) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 4);
    auto o = options("events");
    o.from_beginning = true;
    o.timeout_ms = 8000;  // above the mock coordinator's 3 s initial join delay
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "v0\nv1\nv2\nv3\n");
    EXPECT_THAT(r.err, HasSubstr("Processed a total of 4 messages"));
}

TEST_P(ConsumeTest, PartitionAndOffsetReadOnePartitionWithoutAGroup) {
    ASSERT_TRUE(broker_->create_topic("two", 2).ok());
    produce("two", 6, 2, 0);
    produce("two", 6, 2, 1);
    auto o = options("two");
    o.partition = 1;
    o.offset = "4";
    o.max_messages = 2;
    o.properties = {"print.partition=true", "print.offset=true"};
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "Partition:1\tOffset:4\tv4\nPartition:1\tOffset:5\tv5\n");

    o.offset = "EARLIEST";
    o.max_messages = 1;
    r = run(o);
    EXPECT_EQ(r.out, "Partition:1\tOffset:0\tv0\n");

    o.offset.reset();
    o.from_beginning = true;  // --from-beginning without --offset: earliest
    r = run(o);
    EXPECT_EQ(r.out, "Partition:1\tOffset:0\tv0\n");

    o.from_beginning = false;
    o.offset = "latest";
    o.max_messages = -1;
    o.timeout_ms = 1000;
    r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr("Processed a total of 0 messages"));
}

TEST_P(ConsumeTest, IncludeMatchesWholeTopicNames) {
    for (const char* t : {"clicks-a", "clicks-b", "views"}) {
        ASSERT_TRUE(broker_->create_topic(t, 1).ok());
        produce(t, 3);
    }
    auto o = options("");
    o.topic.reset();
    o.include = "clicks-.*";
    o.from_beginning = true;
    o.max_messages = 6;
    o.formatter = "json";
    o.consumer_properties.push_back("topic.metadata.refresh.interval.ms=500");
    auto r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 6);
    EXPECT_THAT(r.out, Not(HasSubstr("\"views\"")));

    // "clicks" alone matches no whole name: nothing within the timeout.
    o.include = "clicks";
    o.max_messages = -1;
    o.timeout_ms = 1500;
    r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_P(ConsumeTest, IsolationLevelsReadCommittedRecords) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 2);
    auto o = options("events");
    o.from_beginning = true;
    o.max_messages = 2;
    for (const char* level : {"read_committed", "read_uncommitted"}) {
        o.isolation_level = level;
        auto r = run(o);
        EXPECT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(r.out, "v0\nv1\n") << level;
    }
    o.isolation_level = "dirty";
    EXPECT_EQ(run(o).code, 2);
}

TEST_P(ConsumeTest, ConsumerConfigFileAndPropertiesAsInKafka) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce("events", 6);
    testing::temp_dir dir;
    auto path = dir.path() / "consumer.properties";
    // The seeds' Java consumer file: it names other brokers; the flag wins.
    std::ofstream(path) << "bootstrap.servers=kafka1:9092,kafka2:9092\n"
                           "group.id=clickstream-consumer\n"
                           "enable.auto.commit=false\n"
                           "auto.offset.reset=latest\n"
                           "max.poll.records=500\n"
                           "key.deserializer=org.apache.kafka.common.serialization."
                           "StringDeserializer\n"
                           "session.timeout.ms=10000\n"
                           "partition.assignment.strategy=org.apache.kafka.clients.consumer."
                           "CooperativeStickyAssignor\n";
    auto o = options("events");
    o.consumer_config = path.string();
    o.max_messages = 2;

    // auto.offset.reset=latest in the file and --from-beginning conflict.
    o.from_beginning = true;
    auto r = run(o);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("--from-beginning and 'auto.offset.reset=latest'"));

    // A property overrides the file; enable.auto.commit=false: nothing committed.
    o.consumer_properties.push_back("auto.offset.reset=earliest");
    r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "v0\nv1\n");
    r = run(o);
    EXPECT_EQ(r.out, "v0\nv1\n") << "the file disables commits";

    // With commits enabled by a property, the file's group resumes.
    o.consumer_properties.push_back("enable.auto.commit=true");
    r = run(o);
    EXPECT_EQ(r.out, "v0\nv1\n");
    o.group = "clickstream-consumer";  // the same id in two places is fine
    r = run(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "v2\nv3\n");

    o.group = "another";
    r = run(o);
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("'another', 'clickstream-consumer'"));

    o.group.reset();
    o.consumer_properties.push_back("fetch.wait.max.msx=5");
    r = run(o);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("did you mean \"fetch.wait.max.ms\""));
}

TEST_P(ConsumeTest, UnknownTopicOrPartitionIsAClearError) {
    ASSERT_TRUE(broker_->create_topic("events", 2).ok());
    auto o = options("nope");
    auto r = run(o);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("clickstream consume: error: topic \"nope\" does not exist"));

    o.topic = "events";
    o.partition = 2;
    r = run(o);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("has 2 partitions (0..1); partition 2 does not exist"));
}

INSTANTIATE_TEST_SUITE_P(Brokers, ConsumeTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

// Option combinations Kafka refuses are refused before any connection.
TEST(ConsumeUsage, ConflictingOptionsAreUsageErrors) {
    auto base = [] {
        consume_options o;
        o.bootstrap_server = "127.0.0.1:1";
        o.topic = "t";
        return o;
    };
    auto code = [](const consume_options& o, std::string* err_text = nullptr) {
        std::ostringstream out;
        std::ostringstream err;
        int c = run_consume(o, out, err);
        if (err_text != nullptr) {
            *err_text = err.str();
        }
        return c;
    };
    std::string err;
    auto o = base();
    o.topic.reset();
    EXPECT_EQ(code(o, &err), 2);
    EXPECT_THAT(err, HasSubstr("exactly one of --topic or --include is required"));
    o = base();
    o.include = "x.*";
    EXPECT_EQ(code(o), 2);
    o = base();
    o.offset = "5";
    EXPECT_EQ(code(o, &err), 2);
    EXPECT_THAT(err, HasSubstr("the partition is required when offset is specified"));
    o = base();
    o.partition = 0;
    o.offset = "5";
    o.from_beginning = true;
    EXPECT_EQ(code(o), 2);
    o = base();
    o.partition = 0;
    o.offset = "-3";
    EXPECT_EQ(code(o, &err), 2);
    EXPECT_THAT(err, HasSubstr("'-3' is incorrect"));
    o = base();
    o.partition = 0;
    o.group = "g";
    EXPECT_EQ(code(o, &err), 2);
    EXPECT_THAT(err, HasSubstr("--group and --partition cannot be specified together"));
    o = base();
    o.topic.reset();
    o.include = "a";
    o.partition = 0;
    EXPECT_EQ(code(o), 2);
    o = base();
    o.formatter = "kafka.tools.LoggingMessageFormatter";
    EXPECT_EQ(code(o), 2);
    o = base();
    o.properties = {"print.keys=true"};
    EXPECT_EQ(code(o, &err), 2);
    EXPECT_THAT(err, HasSubstr("unknown --property \"print.keys\""));
    o = base();
    o.consumer_properties = {"novalue"};
    EXPECT_EQ(code(o), 2);
}

TEST(ConsumeUsage, UnreachableBrokerIsAnErrorWithinSeconds) {
    consume_options o;
    o.bootstrap_server = "127.0.0.1:1";
    o.topic = "t";
    o.connect_timeout = 1500ms;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_consume(o, out, err), 1);
    EXPECT_THAT(err.str(), HasSubstr("no Kafka broker answered at 127.0.0.1:1"));
    EXPECT_THAT(err.str(), HasSubstr("Processed a total of 0 messages"));
}

}  // namespace
}  // namespace cs::tools
