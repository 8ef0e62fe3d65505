// The sink task loop against our broker: commit-after-put, retries with
// backoff on the same batch, the dead-letter queue and its headers,
// tolerance=none failures, pause/resume, and SMTs on the way to the sink.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "connect/runtime_test_support.h"
#include "testing/test_brokers.h"

namespace cs::connect {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::sink_log;

class SinkWorkerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        broker_ = testing::start_clickstream_broker();
        worker_ = test::test_worker(broker_->bootstrap(), clock_);
    }

    task_spec spec(const std::string& name, config_map extra = {}) {
        config_map c = {{"connector.class", "io.example.TestSink"},
                        {"topics", "clicks"},
                        {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                        {"value.converter.schemas.enable", "false"},
                        {"key.converter", "org.apache.kafka.connect.storage.StringConverter"}};
        for (auto& [k, v] : extra) {
            c[k] = v;
        }
        return task_spec{name, 0, {{"topics", "clicks"}}, c};
    }

    std::unique_ptr<task_runner> start(const task_spec& s, std::shared_ptr<sink_log> log) {
        auto r =
            task_runner::start_sink_task(worker_, s, std::make_unique<test::recording_sink>(log));
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
        return std::move(r).value();
    }

    void produce_events(int from, int to) {
        std::vector<std::pair<std::string, std::string>> kvs;
        for (int i = from; i < to; ++i) {
            kvs.emplace_back(fmt::format("u{}", i),
                             fmt::format(R"({{"user_id":"u{}","n":{}}})", i, i));
        }
        test::produce(broker_->bootstrap(), "clicks", kvs);
    }

    int64_t committed(const std::string& connector) {
        auto offsets = read_sink_offsets(worker_, connector);
        EXPECT_TRUE(offsets.ok()) << (offsets.ok() ? "" : offsets.err().message);
        if (!offsets.ok() || offsets->empty()) {
            return -1;
        }
        for (const auto& [k, v] : offsets->front().offset.as_map()) {
            if (k == data("kafka_offset")) {
                return v.as_int();
            }
        }
        return -1;
    }

    manual_clock clock_;
    std::unique_ptr<testing::test_broker> broker_;
    worker_settings worker_;
};

TEST_F(SinkWorkerTest, CommitsOnlyWhatPutAcceptedAndResumesWithoutLossOrSkip) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 40);
    auto log = std::make_shared<sink_log>();
    log->fatal_at_offset = 25;  // the batch holding offset 25 is never accepted
    auto s = spec("pg", {{"consumer.override.max.poll.records", "10"}});
    auto runner = start(s, log);
    ASSERT_TRUE(eventually([&] { return runner->status().state == task_state::failed; }));
    EXPECT_NE(runner->status().trace.find("cannot write offset 25"), std::string::npos)
        << runner->status().trace;
    runner->stop();
    size_t first_run = log->written_count();
    ASSERT_GT(first_run, 0u);
    ASSERT_LT(first_run, 40u);
    // Exactly the accepted records are committed: the failed batch is not.
    EXPECT_EQ(committed("pg"), static_cast<int64_t>(first_run));

    produce_events(40, 50);
    auto log2 = std::make_shared<sink_log>();
    auto runner2 = start(s, log2);
    ASSERT_TRUE(eventually([&] { return log2->written_count() >= 50 - first_run; }));
    ASSERT_TRUE(eventually([&] { return committed("pg") == 50; }));
    runner2->stop();
    EXPECT_EQ(runner2->status().state, task_state::stopped);
    std::vector<int64_t> offsets;
    for (const auto& r : log->written) {
        offsets.push_back(r.kafka_offset);
    }
    for (const auto& r : log2->written) {
        offsets.push_back(r.kafka_offset);
    }
    ASSERT_EQ(offsets.size(), 50u);  // no loss, no duplicate
    for (int64_t i = 0; i < 50; ++i) {
        EXPECT_EQ(offsets[static_cast<size_t>(i)], i);
    }
    // Schemaless JSON became a map; the String key converter kept the key.
    const record& r0 = log->written.front();
    EXPECT_FALSE(r0.value_schema);
    EXPECT_EQ(r0.key, data("u0"));
    EXPECT_EQ(r0.value, data::map({{data("user_id"), data("u0")}, {data("n"), data(int64_t{0})}}));
    EXPECT_EQ(r0.raw_value, std::optional<std::string>(R"({"user_id":"u0","n":0})"));
    EXPECT_TRUE(log->stopped);
}

TEST_F(SinkWorkerTest, CommitsOnlyWhatPreCommitAllowsAndPutsWhenIdle) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 20);
    auto log = std::make_shared<sink_log>();
    log->hold_back = 5;  // e.g. an S3 sink's open files
    auto runner = start(spec("held"), log);
    ASSERT_TRUE(eventually([&] { return log->written_count() == 20; }));
    ASSERT_TRUE(eventually([&] { return committed("held") == 15; }));
    // Idle polls still reach the task, and what it releases then commits.
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(log->mu);
        return log->idle_puts > 0;
    }));
    {
        std::lock_guard lock(log->mu);
        log->hold_back = 0;
    }
    ASSERT_TRUE(eventually([&] { return committed("held") == 20; }));
    runner->stop();
}

TEST_F(SinkWorkerTest, RetriesTheSameBatchWithExponentialBackoff) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 5);
    auto log = std::make_shared<sink_log>();
    log->retriable_failures = 3;
    auto runner = start(
        spec("retry", {{"errors.retry.delay.max.ms", "1000"}, {"errors.retry.timeout", "60000"}}),
        log);
    ASSERT_TRUE(eventually([&] { return log->put_calls() == 1; }));
    EXPECT_EQ(runner->status().state, task_state::running);
    // 300 ms, then 600, then 1000 (capped): the clock drives the retries.
    clock_.advance_ms(299);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(log->put_calls(), 1u);
    clock_.advance_ms(1);
    ASSERT_TRUE(eventually([&] { return log->put_calls() == 2; }));
    clock_.advance_ms(600);
    ASSERT_TRUE(eventually([&] { return log->put_calls() == 3; }));
    clock_.advance_ms(999);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(log->put_calls(), 3u);
    clock_.advance_ms(1);
    ASSERT_TRUE(eventually([&] { return log->put_calls() == 4; }));
    ASSERT_TRUE(eventually([&] { return log->written_count() == 5; }));
    {
        std::lock_guard lock(log->mu);
        // The same batch every time: nothing was skipped or split.
        EXPECT_EQ(log->batch_sizes, (std::vector<size_t>{5, 5, 5, 5}));
    }
    EXPECT_EQ(runner->counters().retries, 3u);
    ASSERT_TRUE(eventually([&] { return committed("retry") == 5; }));
    runner->stop();
}

TEST_F(SinkWorkerTest, KeepsRetryingAfterTheRetryTimeoutInsteadOfSkipping) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 3);
    auto log = std::make_shared<sink_log>();
    log->retriable_failures = 4;
    auto runner = start(
        spec("patient", {{"errors.retry.delay.max.ms", "500"}, {"errors.retry.timeout", "100"}}),
        log);
    for (size_t calls = 1; calls <= 4; ++calls) {
        ASSERT_TRUE(eventually([&] { return log->put_calls() == calls; }));
        EXPECT_EQ(runner->status().state, task_state::running);
        clock_.advance_ms(500);
    }
    ASSERT_TRUE(eventually([&] { return log->written_count() == 3; }));
    ASSERT_TRUE(eventually([&] { return committed("patient") == 3; }));
    runner->stop();
}

TEST_F(SinkWorkerTest, DeadLetterQueueGetsOriginalBytesAndContextHeaders) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    std::string good =
        R"({"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"user_id"}]},"payload":{"user_id":"u1"}})";
    test::produce(broker_->bootstrap(), "clicks",
                  {{"k0", good}, {"k1", R"({"user_id":"plain json"})"}, {"k2", good}, {"k3", good}},
                  {{"trace-id", "abc"}});
    auto log = std::make_shared<sink_log>();
    log->errant_offsets = {3};
    auto runner = start(spec("dlq", {{"value.converter.schemas.enable", "true"},
                                     {"errors.tolerance", "all"},
                                     {"errors.log.enable", "true"},
                                     {"errors.deadletterqueue.topic.name", "clicks-dlq"},
                                     {"errors.deadletterqueue.topic.replication.factor", "1"},
                                     {"errors.deadletterqueue.context.headers.enable", "true"}}),
                        log);
    ASSERT_TRUE(eventually([&] { return committed("dlq") == 4; }));
    EXPECT_EQ(log->written_count(), 2u);
    auto dlq = test::read_topic(broker_->bootstrap(), "clicks-dlq", 2);
    ASSERT_EQ(dlq.size(), 2u);
    EXPECT_EQ(dlq[0].key, std::optional<std::string>("k1"));
    EXPECT_EQ(dlq[0].value, std::optional<std::string>(R"({"user_id":"plain json"})"));
    EXPECT_EQ(dlq[0].header("trace-id"), std::optional<std::string>("abc"));
    EXPECT_EQ(dlq[0].header("__connect.errors.topic"), std::optional<std::string>("clicks"));
    EXPECT_EQ(dlq[0].header("__connect.errors.partition"), std::optional<std::string>("0"));
    EXPECT_EQ(dlq[0].header("__connect.errors.offset"), std::optional<std::string>("1"));
    EXPECT_EQ(dlq[0].header("__connect.errors.connector.name"), std::optional<std::string>("dlq"));
    EXPECT_EQ(dlq[0].header("__connect.errors.task.id"), std::optional<std::string>("0"));
    EXPECT_EQ(dlq[0].header("__connect.errors.stage"),
              std::optional<std::string>("VALUE_CONVERTER"));
    EXPECT_EQ(dlq[0].header("__connect.errors.class.name"),
              std::optional<std::string>("org.apache.kafka.connect.json.JsonConverter"));
    EXPECT_EQ(dlq[0].header("__connect.errors.exception.class.name"),
              std::optional<std::string>("org.apache.kafka.connect.errors.DataException"));
    EXPECT_NE(
        dlq[0].header("__connect.errors.exception.message").value_or("").find("schemas.enable"),
        std::string::npos);
    EXPECT_TRUE(dlq[0].header("__connect.errors.exception.stacktrace").has_value());
    EXPECT_EQ(dlq[1].header("__connect.errors.offset"), std::optional<std::string>("3"));
    EXPECT_EQ(dlq[1].header("__connect.errors.stage"), std::optional<std::string>("TASK_PUT"));
    EXPECT_EQ(dlq[1].header("__connect.errors.exception.message"),
              std::optional<std::string>("value too long for column (test)"));
    EXPECT_EQ(runner->counters().records_to_dlq, 2u);
    EXPECT_EQ(runner->status().state, task_state::running);
    runner->stop();
}

TEST_F(SinkWorkerTest, ToleranceNoneFailsWithReadableTrace) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    test::produce(broker_->bootstrap(), "clicks", {{"k", "not json at all"}});
    auto log = std::make_shared<sink_log>();
    auto runner = start(spec("strict"), log);
    ASSERT_TRUE(eventually([&] { return runner->status().state == task_state::failed; }));
    const std::string trace = runner->status().trace;
    EXPECT_NE(trace.find("Tolerance exceeded in error handler"), std::string::npos) << trace;
    EXPECT_NE(trace.find("VALUE_CONVERTER"), std::string::npos) << trace;
    EXPECT_NE(trace.find("offset=0"), std::string::npos) << trace;
    EXPECT_EQ(log->written_count(), 0u);
    runner->stop();
    EXPECT_EQ(runner->status().state, task_state::failed);
    EXPECT_EQ(committed("strict"), -1);
}

TEST_F(SinkWorkerTest, PauseStopsWritingAndResumeDeliversEverything) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 3);
    auto log = std::make_shared<sink_log>();
    std::vector<task_state> states;
    std::mutex states_mu;
    auto r = task_runner::start_sink_task(worker_, spec("pausable"),
                                          std::make_unique<test::recording_sink>(log),
                                          [&](const task_spec&, const task_status& st) {
                                              std::lock_guard lock(states_mu);
                                              states.push_back(st.state);
                                          });
    ASSERT_TRUE(r.ok());
    auto runner = std::move(r).value();
    ASSERT_TRUE(eventually([&] { return log->written_count() == 3; }));
    runner->pause();
    ASSERT_TRUE(eventually([&] { return runner->status().state == task_state::paused; }));
    produce_events(3, 8);
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(log->written_count(), 3u);
    runner->resume();
    ASSERT_TRUE(eventually([&] { return log->written_count() == 8; }));
    EXPECT_EQ(runner->status().state, task_state::running);
    runner->stop();
    std::lock_guard lock(states_mu);
    EXPECT_EQ(states, (std::vector<task_state>{task_state::running, task_state::paused,
                                               task_state::running, task_state::stopped}));
    for (size_t i = 0; i < log->written.size(); ++i) {
        EXPECT_EQ(log->written[i].kafka_offset, static_cast<int64_t>(i));
    }
}

TEST_F(SinkWorkerTest, ReportsEachTopicItReadsOnceUntilForgotten) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    ASSERT_TRUE(broker_->create_topic("views", 1));
    auto log = std::make_shared<sink_log>();
    auto s = spec("tracked");
    s.task_config["topics"] = "clicks,views";
    s.connector_config["topics"] = "clicks,views";
    auto runner = start(s, log);
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(runner->take_active_topics().empty()) << "no record read yet";
    produce_events(0, 3);
    ASSERT_TRUE(eventually([&] { return log->written_count() == 3; }));
    EXPECT_EQ(runner->take_active_topics(), (std::vector<std::string>{"clicks"}));
    produce_events(3, 6);
    test::produce(broker_->bootstrap(), "views", {{"k", R"({"v":1})"}});
    ASSERT_TRUE(eventually([&] { return log->written_count() == 7; }));
    EXPECT_EQ(runner->take_active_topics(), (std::vector<std::string>{"views"}))
        << "clicks was reported already";
    runner->forget_active_topics();
    produce_events(6, 7);
    ASSERT_TRUE(eventually([&] { return log->written_count() == 8; }));
    EXPECT_EQ(runner->take_active_topics(), (std::vector<std::string>{"clicks"}))
        << "after a reset the next record reports its topic again";
    runner->stop();
}

TEST_F(SinkWorkerTest, TransformsRunBeforeTheSink) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 4);
    auto log = std::make_shared<sink_log>();
    auto runner = start(
        spec("smt", {{"transforms", "key,drop,route"},
                     {"transforms.key.type", "org.apache.kafka.connect.transforms.ValueToKey"},
                     {"transforms.key.fields", "user_id"},
                     {"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter"},
                     {"transforms.drop.predicate", "isU2"},
                     {"predicates", "isU2"},
                     {"predicates.isU2.type",
                      "org.apache.kafka.connect.transforms.predicates.HasHeaderKey"},
                     {"predicates.isU2.name", "nope"},
                     {"transforms.drop.negate", "true"},
                     {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
                     {"transforms.route.regex", "clicks"},
                     {"transforms.route.replacement", "events"}}),
        log);
    // negate on a header nobody has: the Filter drops every record.
    ASSERT_TRUE(eventually([&] { return committed("smt") == 4; }));
    EXPECT_EQ(log->written_count(), 0u);
    EXPECT_EQ(runner->counters().records_filtered, 4u);
    runner->stop();

    auto log2 = std::make_shared<sink_log>();
    produce_events(4, 6);
    auto runner2 = start(
        spec("smt2", {{"transforms", "key,route"},
                      {"transforms.key.type", "org.apache.kafka.connect.transforms.ValueToKey"},
                      {"transforms.key.fields", "user_id"},
                      {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
                      {"transforms.route.regex", "clicks"},
                      {"transforms.route.replacement", "events"}}),
        log2);
    ASSERT_TRUE(eventually([&] { return log2->written_count() == 6; }));
    runner2->stop();
    const record& r = log2->written[5];
    EXPECT_EQ(r.topic, "events");
    EXPECT_EQ(r.key, data::map({{data("user_id"), data("u5")}}));
}

TEST_F(SinkWorkerTest, BadConfigIsRejectedAtStart) {
    auto log = std::make_shared<sink_log>();
    auto r = task_runner::start_sink_task(worker_, spec("bad", {{"errors.tolerance", "some"}}),
                                          std::make_unique<test::recording_sink>(log));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message.find("errors.tolerance"), std::string::npos);
    auto r2 = task_runner::start_sink_task(
        worker_, spec("bad", {{"value.converter", "io.confluent.connect.avro.AvroConverter"}}),
        std::make_unique<test::recording_sink>(log));
    ASSERT_FALSE(r2.ok());
}

TEST_F(SinkWorkerTest, OffsetsApiAltersAndResetsTheGroup) {
    ASSERT_TRUE(broker_->create_topic("clicks", 1));
    produce_events(0, 6);
    auto log = std::make_shared<sink_log>();
    auto s = spec("offs");
    auto runner = start(s, log);
    ASSERT_TRUE(eventually([&] { return committed("offs") == 6; }));
    runner->stop();
    ASSERT_TRUE(alter_sink_offsets(
        worker_, "offs",
        {{data::map({{data("kafka_topic"), data("clicks")}, {data("kafka_partition"), data(0)}}),
          data::map({{data("kafka_offset"), data(int64_t{2})}})}}));
    EXPECT_EQ(committed("offs"), 2);
    auto log2 = std::make_shared<sink_log>();
    auto runner2 = start(s, log2);
    ASSERT_TRUE(eventually([&] { return log2->written_count() == 4; }));
    EXPECT_EQ(log2->written.front().kafka_offset, 2);
    runner2->stop();
    ASSERT_TRUE(reset_sink_offsets(worker_, "offs"));
    EXPECT_EQ(committed("offs"), -1);
    EXPECT_FALSE(alter_sink_offsets(worker_, "offs", {{data::map({}), data()}}).ok());
}

}  // namespace
}  // namespace cs::connect
