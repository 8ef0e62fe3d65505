#include "streams/query_runner.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "client/admin.h"
#include "client/java_partitioner.h"
#include "streams/test_exprs.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;
using test::col;
using test::column;
using test::keyed_plan;

source_def clicks_def() {
    source_def d;
    d.name = "CLICKS";
    d.topic = "clicks";
    d.columns = {column("EVENT_TYPE", sql_type::string()), column("USER_ID", sql_type::string())};
    return d;
}

source_def users_def() {
    source_def d;
    d.name = "USERS";
    d.kind = source_kind::table;
    d.topic = "users";
    d.columns = {column("USER_ID", sql_type::string(), column_origin::key),
                 column("USER_NAME", sql_type::string())};
    return d;
}

// SELECT c.USER_ID AS USER_ID (key), c.EVENT_TYPE, u.USER_NAME, <fails on 'boom'> AS CHECKED
// FROM clicks c <kind> JOIN users u ON c.USER_ID = u.USER_ID WHERE EVENT_TYPE <> 'skip'
query_plan enrich_plan(join_kind kind = join_kind::left) {
    query_plan p;
    p.id = "CSAS_ENRICHED_1";
    p.source = clicks_def();
    p.tables = {users_def()};
    p.joins = {join_step{.table = "USERS",
                         .kind = kind,
                         .stream_key = col(1, sql_type::string(), "C.USER_ID"),
                         .first_column = 2}};
    p.joined_width = 4;
    p.where = std::make_shared<test::lambda_expr>(
        [](const eval_context& ctx) -> result<value> {
            const value& v = (*ctx.joined)[0];
            if (v.is_null()) {
                return value();
            }
            return value(v.as_string() != "skip");
        },
        sql_type::boolean(), "(EVENT_TYPE <> 'skip')");
    auto checked = std::make_shared<test::lambda_expr>(
        [](const eval_context& ctx) -> result<value> {
            const value& v = (*ctx.joined)[0];
            if (!v.is_null() && v.as_string() == "boom") {
                return error{errc::invalid_argument, "boom is not allowed"};
            }
            return value(ctx.record.offset);
        },
        sql_type::bigint(), "CHECK(EVENT_TYPE)");
    p.projections = {
        {.name = "USER_ID", .expr = col(1, sql_type::string(), "C.USER_ID"), .is_key = true},
        {.name = "EVENT_TYPE", .expr = col(0, sql_type::string(), "EVENT_TYPE")},
        {.name = "USER_NAME", .expr = col(3, sql_type::string(), "U.USER_NAME")},
        {.name = "CHECKED", .expr = checked}};
    p.sink.name = "ENRICHED";
    p.sink.topic = "enriched";
    p.sink.columns = {column("USER_ID", sql_type::string(), column_origin::key),
                      column("EVENT_TYPE", sql_type::string()),
                      column("USER_NAME", sql_type::string()),
                      column("CHECKED", sql_type::bigint())};
    return p;
}

class QueryRunnerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        broker_ = cs::testing::start_clickstream_broker();
        ASSERT_TRUE(broker_->create_topic("clicks", 1).ok());
        ASSERT_TRUE(broker_->create_topic("users", 2).ok());
        test::produce(*broker_, "users",
                      {{.key = "u1", .value = R"({"user_name":"Alice"})"},
                       {.key = "u2", .value = R"({"USER_NAME":"Bob"})"}});
    }

    std::shared_ptr<table_reader> users() {
        auto store = table_store::create(users_def());
        EXPECT_TRUE(store.ok());
        auto reader = table_reader::start(*store, test::settings_for(*broker_));
        EXPECT_TRUE(reader.ok()) << reader.err().message;
        users_reader_ = std::shared_ptr<table_reader>(std::move(*reader));
        return users_reader_;
    }

    std::unique_ptr<query_runner> runner(query_plan plan, bool builtin_produce = true,
                                         std::chrono::milliseconds commit_interval = 2s,
                                         std::chrono::milliseconds poll_timeout = 100ms) {
        runner_options opts;
        opts.auto_offset_reset = "earliest";
        opts.builtin_produce = builtin_produce;
        opts.commit_interval = commit_interval;
        opts.poll_timeout = poll_timeout;
        auto r =
            query_runner::create(std::move(plan), {users()}, test::settings_for(*broker_), opts);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return std::move(*r);
    }

    // A plan without joins.
    std::unique_ptr<query_runner> runner_without_tables(query_plan plan) {
        runner_options opts;
        opts.auto_offset_reset = "earliest";
        auto r = query_runner::create(std::move(plan), {}, test::settings_for(*broker_), opts);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return std::move(*r);
    }

    // Steps until `consumed` records have been read in all (or a deadline),
    // then, unless `commit` is false, until what was processed is committed.
    static void run_until(query_runner& r, uint64_t consumed, bool commit = true) {
        auto st = test::step_until(r, r.counters().consumed, consumed);
        ASSERT_TRUE(st.ok()) << st.message();
        ASSERT_EQ(r.counters().consumed.load(), consumed);
        if (commit) {
            st = test::step_until_idle(r);
            ASSERT_TRUE(st.ok()) << st.message();
        }
    }

    void produce_two_clicks() {
        test::produce(*broker_, "clicks",
                      {{.value = R"({"event_type":"a","user_id":"u1"})"},
                       {.value = R"({"event_type":"b","user_id":"u2"})"}});
    }

    std::vector<client::partition_offset> committed_offsets(const std::string& group) {
        config::diagnostics diags;
        auto admin = client::admin_client::create(test::settings_for(*broker_), diags);
        EXPECT_TRUE(admin.ok());
        auto committed = (*admin)->list_group_offsets(group);
        EXPECT_TRUE(committed.ok());
        return committed.ok() ? *committed : std::vector<client::partition_offset>{};
    }

    static std::string header(const test::read_record& r, std::string_view key) {
        for (const auto& [k, v] : r.headers) {
            if (k == key) {
                return v.value_or("<null>");
            }
        }
        return "<missing>";
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
    std::shared_ptr<table_reader> users_reader_;
};

TEST_F(QueryRunnerTest, EnrichesFiltersAndSendsFailuresToTheDlq) {
    test::produce(*broker_, "clicks",
                  {{.value = R"({"event_type":"view","user_id":"u1"})", .timestamp_ms = 1000},
                   {.value = R"({"event_type":"click","user_id":"u2"})"},
                   {.value = R"({"event_type":"view","user_id":"u3"})"},              // join miss
                   {.value = R"({"event_type":"skip","user_id":"u1"})"},              // filtered
                   {.key = "k5", .value = "not json", .headers = {{"trace", "t5"}}},  // DLQ: decode
                   {.value = R"({"event_type":"boom","user_id":"u1"})"},  // DLQ: projection
                   {.value = std::nullopt},  // null value: a join skips it
                   {.value = R"({"event_type":"view","user_id":null})"}});  // NULL key: dropped

    auto r = runner(enrich_plan());
    ASSERT_TRUE(r->prepare().ok());
    EXPECT_EQ(r->group_id(), "_confluent-ksql-default_query_CSAS_ENRICHED_1");
    run_until(*r, 8);
    EXPECT_EQ(r->counters().produced.load(), 3u);
    EXPECT_EQ(r->counters().dlq.load(), 2u);
    EXPECT_EQ(r->counters().filtered.load(), 2u);  // 'skip' and the NULL join key
    EXPECT_EQ(r->counters().skipped.load(), 1u);
    EXPECT_EQ(r->counters().join_misses[0]->load(), 2u);
    EXPECT_EQ(r->counters().lag.load(), 0);

    auto out = test::read_topic(*broker_, "enriched", 1, 4, 2s);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].key, "u1");
    EXPECT_EQ(out[0].value, R"({"EVENT_TYPE":"view","USER_NAME":"Alice","CHECKED":0})");
    EXPECT_EQ(out[0].timestamp_ms, 1000);  // ROWTIME carries over
    EXPECT_EQ(out[1].value, R"({"EVENT_TYPE":"click","USER_NAME":"Bob","CHECKED":1})");
    EXPECT_EQ(out[2].value, R"({"EVENT_TYPE":"view","USER_NAME":null,"CHECKED":2})");
    // A NULL join key drops the record under LEFT JOIN too (ksqlDB, ksql#2657).

    auto dlq = test::read_topic(*broker_, "enriched-dlq", 1, 2);
    ASSERT_EQ(dlq.size(), 2u);
    EXPECT_EQ(dlq[0].key, "k5");
    EXPECT_EQ(dlq[0].value, "not json");
    EXPECT_EQ(header(dlq[0], "trace"), "t5");  // the original headers stay
    EXPECT_EQ(header(dlq[0], dlq_header_stage), "decode");
    EXPECT_NE(header(dlq[0], dlq_header_error).find("not valid JSON"), std::string::npos);
    EXPECT_EQ(header(dlq[0], dlq_header_topic), "clicks");
    EXPECT_EQ(header(dlq[0], dlq_header_partition), "0");
    EXPECT_EQ(header(dlq[0], dlq_header_offset), "4");
    EXPECT_EQ(header(dlq[0], dlq_header_query), "CSAS_ENRICHED_1");
    EXPECT_EQ(dlq[1].value, R"({"event_type":"boom","user_id":"u1"})");
    EXPECT_EQ(header(dlq[1], dlq_header_stage), "project");
    EXPECT_EQ(header(dlq[1], dlq_header_error), "CHECKED: boom is not allowed");
    EXPECT_EQ(header(dlq[1], dlq_header_offset), "5");

    // Committed only what was delivered: everything, here.
    auto committed = committed_offsets(r->group_id());
    ASSERT_EQ(committed.size(), 1u);
    EXPECT_EQ(committed[0].offset, 8);
    r->stop();
    EXPECT_EQ(r->state(), query_state::stopped);
}

// The query writes with our own Produce path by default; with librdkafka's
// (builtin_produce=false, or settings it cannot serve) the output and the
// DLQ records are the same, field by field.
TEST_F(QueryRunnerTest, BothProducePathsWriteTheSameRecords) {
    test::produce(*broker_, "clicks",
                  {{.value = R"({"event_type":"view","user_id":"u1"})", .timestamp_ms = 1000},
                   {.value = R"({"event_type":"click","user_id":"u2"})", .timestamp_ms = 1001},
                   {.key = "k3",
                    .value = "not json",
                    .headers = {{"trace", "t3"}, {"nil", std::nullopt}},
                    .timestamp_ms = 1002},
                   {.value = R"({"event_type":"view","user_id":"u3"})", .timestamp_ms = 1003}});
    std::vector<std::vector<test::read_record>> outputs, dlqs;
    for (bool builtin : {true, false}) {
        SCOPED_TRACE(builtin);
        auto plan = enrich_plan();
        std::string suffix = builtin ? "" : "-rdk";
        plan.id += builtin ? "" : "_RDK";
        plan.sink.topic += suffix;
        auto r = runner(std::move(plan), builtin);
        ASSERT_TRUE(r->prepare().ok());
        run_until(*r, 4);
        r->stop();
        outputs.push_back(test::read_topic(*broker_, "enriched" + suffix, 1, 3, 2s));
        dlqs.push_back(test::read_topic(*broker_, "enriched" + suffix + "-dlq", 1, 1, 2s));
    }
    ASSERT_EQ(outputs[0].size(), 3u);
    ASSERT_EQ(outputs[1].size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(outputs[0][i].key, outputs[1][i].key);
        EXPECT_EQ(outputs[0][i].value, outputs[1][i].value);
        EXPECT_EQ(outputs[0][i].timestamp_ms, outputs[1][i].timestamp_ms);
        EXPECT_EQ(outputs[0][i].headers, outputs[1][i].headers);
    }
    EXPECT_EQ(outputs[0][0].timestamp_ms, 1000);
    ASSERT_EQ(dlqs[0].size(), 1u);
    ASSERT_EQ(dlqs[1].size(), 1u);
    EXPECT_EQ(dlqs[0][0].key, "k3");
    EXPECT_EQ(dlqs[0][0].value, dlqs[1][0].value);
    EXPECT_EQ(dlqs[0][0].timestamp_ms, 1002);
    EXPECT_EQ(dlqs[0][0].timestamp_ms, dlqs[1][0].timestamp_ms);
    ASSERT_EQ(dlqs[0][0].headers.size(), dlqs[1][0].headers.size());
    for (size_t h = 0; h < dlqs[0][0].headers.size(); ++h) {
        EXPECT_EQ(dlqs[0][0].headers[h].first, dlqs[1][0].headers[h].first);
        if (dlqs[0][0].headers[h].first != dlq_header_query) {
            EXPECT_EQ(dlqs[0][0].headers[h].second, dlqs[1][0].headers[h].second);
        }
    }
    EXPECT_EQ(header(dlqs[0][0], "nil"), "<null>");  // a null header value stays null
}

// A batch is processed in chunks of 256 records, phase by phase (decode,
// join, project): outputs and DLQ records must still come out in input
// order, across chunk boundaries, with every kind of record mixed in.
TEST_F(QueryRunnerTest, ManyRecordsAcrossChunksKeepTheirOrder) {
    constexpr int n = 1000;
    std::vector<test::test_record> in;
    for (int i = 0; i < n; ++i) {
        if (i % 7 == 0) {
            in.push_back({.value = fmt::format("not json {}", i)});
        } else if (i % 13 == 0) {
            in.push_back({.value = R"({"event_type":"skip","user_id":"u1"})"});
        } else {
            const char* user = i % 11 == 0 ? "u3" : (i % 2 ? "u1" : "u2");
            in.push_back(
                {.value = fmt::format(R"({{"event_type":"e{}","user_id":"{}"}})", i, user)});
        }
    }
    test::produce(*broker_, "clicks", in);
    auto r = runner(enrich_plan());
    ASSERT_TRUE(r->prepare().ok());
    run_until(*r, n);

    std::vector<std::string> want_out;
    std::vector<std::string> want_dlq;
    for (int i = 0; i < n; ++i) {
        if (i % 7 == 0) {
            want_dlq.push_back(std::to_string(i));
        } else if (i % 13 != 0) {
            const char* name = i % 11 == 0 ? "null" : (i % 2 ? R"("Alice")" : R"("Bob")");
            want_out.push_back(
                fmt::format(R"({{"EVENT_TYPE":"e{}","USER_NAME":{},"CHECKED":{}}})", i, name, i));
        }
    }
    auto out = test::read_topic(*broker_, "enriched", 1, want_out.size(), 10s);
    ASSERT_EQ(out.size(), want_out.size());
    for (size_t k = 0; k < out.size(); ++k) {
        ASSERT_EQ(out[k].value, want_out[k]) << "output " << k;
    }
    auto dlq = test::read_topic(*broker_, "enriched-dlq", 1, want_dlq.size(), 10s);
    ASSERT_EQ(dlq.size(), want_dlq.size());
    for (size_t k = 0; k < dlq.size(); ++k) {
        ASSERT_EQ(header(dlq[k], dlq_header_offset), want_dlq[k]) << "DLQ record " << k;
    }
    EXPECT_EQ(r->counters().produced.load(), want_out.size());
    EXPECT_EQ(r->counters().dlq.load(), want_dlq.size());
    r->stop();
}

TEST_F(QueryRunnerTest, ARestartedQueryResumesAtItsCommittedOffsets) {
    produce_two_clicks();
    {
        auto r = runner(enrich_plan(), true, 1h);
        ASSERT_TRUE(r->prepare().ok());
        run_until(*r, 2, false);
        EXPECT_TRUE(committed_offsets(r->group_id()).empty());
        r->stop();  // commits what was processed
    }
    test::produce(*broker_, "clicks", {{.value = R"({"event_type":"c","user_id":"u1"})"}});
    auto r = runner(enrich_plan());
    ASSERT_TRUE(r->prepare().ok());
    run_until(*r, 1);
    // Nothing more arrives: the first two are not read again.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(r->step().ok());
    }
    EXPECT_EQ(r->counters().consumed.load(), 1u);
    auto out = test::read_topic(*broker_, "enriched", 1, 3);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].value, R"({"EVENT_TYPE":"c","USER_NAME":"Alice","CHECKED":2})");
}

// The output of batch after batch is sent without waiting for it; the
// offsets (and the produced counters) follow at a commit: when the commit
// interval has passed, or when a poll finds nothing new.
TEST_F(QueryRunnerTest, CommitsAfterTheIntervalOrWhenAPollFindsNothing) {
    produce_two_clicks();
    {
        auto r = runner(enrich_plan(), true, 1h);
        ASSERT_TRUE(r->prepare().ok());
        run_until(*r, 2, false);
        EXPECT_EQ(r->counters().produced.load(), 0u);
        EXPECT_TRUE(committed_offsets(r->group_id()).empty());
        ASSERT_TRUE(test::step_until_idle(*r).ok());  // nothing new: commits
        EXPECT_EQ(r->counters().produced.load(), 2u);
        auto committed = committed_offsets(r->group_id());
        ASSERT_EQ(committed.size(), 1u);
        EXPECT_EQ(committed[0].offset, 2);
        r->stop();
    }
    test::produce(*broker_, "clicks", {{.value = R"({"event_type":"c","user_id":"u1"})"}});
    auto r = runner(enrich_plan(), true, 0ms);  // the interval has passed at every batch
    ASSERT_TRUE(r->prepare().ok());
    run_until(*r, 1, false);
    EXPECT_EQ(r->counters().produced.load(), 1u);
    auto committed = committed_offsets(r->group_id());
    ASSERT_EQ(committed.size(), 1u);
    EXPECT_EQ(committed[0].offset, 3);
    EXPECT_EQ(test::read_topic(*broker_, "enriched", 1, 3).size(), 3u);
    r->stop();
}

// Before a rebalance takes a runner's partitions (eager: all of them, even
// those it gets back), it commits what it processed, so whoever reads them
// next does not repeat it.
TEST_F(QueryRunnerTest, ProcessedRecordsAreCommittedBeforeARebalanceMovesThem) {
    test::produce(*broker_, "clicks",
                  {{.value = R"({"event_type":"a","user_id":"u1"})"},
                   {.value = R"({"event_type":"b","user_id":"u2"})"},
                   {.value = R"({"event_type":"c","user_id":"u1"})"}});
    auto make = [&](std::chrono::milliseconds poll_timeout) {
        runner_options opts;
        opts.auto_offset_reset = "earliest";
        opts.commit_interval = 1h;
        opts.poll_timeout = poll_timeout;
        auto settings = test::settings_for(*broker_);
        settings.set("heartbeat.interval.ms", "100", "test: see a rebalance at once");
        auto r = query_runner::create(enrich_plan(), {users()}, settings, opts);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return std::move(*r);
    };
    // A's polls are long: no poll of it finds nothing (and commits) before
    // the deadline below, so only the revocation can commit by then.
    auto a = make(3s);
    ASSERT_TRUE(a->prepare().ok());
    run_until(*a, 3, false);
    ASSERT_TRUE(committed_offsets(a->group_id()).empty());

    auto b = make(100ms);
    std::vector<client::partition_offset> committed;
    (void)test::run_while_second_member_joins(
        *a, *b,
        [&] {
            committed = committed_offsets(a->group_id());
            return !committed.empty();
        },
        2500ms);
    ASSERT_EQ(committed.size(), 1u);
    EXPECT_EQ(committed[0].offset, 3);
    EXPECT_EQ(a->counters().consumed.load() + b->counters().consumed.load(), 3u);
    a->stop();
    b->stop();
    EXPECT_EQ(test::read_topic(*broker_, "enriched", 1, 4, 1s).size(), 3u);
}

TEST_F(QueryRunnerTest, InnerJoinDropsMissesAndNullKeys) {
    test::produce(*broker_, "clicks",
                  {{.value = R"({"event_type":"a","user_id":"u1"})"},
                   {.value = R"({"event_type":"b","user_id":"nobody"})"},
                   {.value = R"({"event_type":"c"})"}});
    auto r = runner(enrich_plan(join_kind::inner));
    ASSERT_TRUE(r->prepare().ok());
    run_until(*r, 3);
    EXPECT_EQ(r->counters().produced.load(), 1u);
    EXPECT_EQ(r->counters().filtered.load(), 2u);
    EXPECT_EQ(r->counters().join_misses[0]->load(), 2u);
}

// ksqlDB passes a null value through a projection (and PARTITION BY) as a
// null value; the key comes from the record key, or is NULL when the key
// expression reads value columns (ksqlDB evaluates it on a null row).
TEST_F(QueryRunnerTest, NullValuesPassThroughAProjectionWithTheKeyComputed) {
    test::produce(*broker_, "clicks",
                  {{.key = "k1", .value = std::nullopt, .timestamp_ms = 500},
                   {.key = "k2", .value = R"({"name":"x","ts":1})", .timestamp_ms = 600}});
    auto bang = std::make_shared<test::lambda_expr>(
        [](const eval_context& ctx) -> result<value> {
            const value& k = (*ctx.joined)[0];
            return k.is_null() ? value() : value(k.as_string() + "!");
        },
        sql_type::string(), "CONCAT(K, '!')");
    struct want {
        std::string sink;
        expr_ptr key;
        bool key_only;
        std::optional<std::string> tombstone_key;
        std::string key2;
    };
    const std::vector<want> cases = {
        {"by_k", col(0, sql_type::string(), "K"), true, "k1", "k2"},
        {"by_k_expr", bang, true, "k1!", "k2!"},
        {"by_name", col(1, sql_type::string(), "NAME"), false, std::nullopt, "x"}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.sink);
        auto r = runner_without_tables(keyed_plan(c.sink, c.key, c.key_only));
        ASSERT_TRUE(r->prepare().ok());
        run_until(*r, 2);
        EXPECT_EQ(r->counters().produced.load(), 2u);
        EXPECT_EQ(r->counters().skipped.load(), 0u);
        auto out = test::read_topic(*broker_, c.sink, 1, 2);
        ASSERT_EQ(out.size(), 2u);
        EXPECT_EQ(out[0].key, c.tombstone_key);
        EXPECT_EQ(out[0].value, std::nullopt);
        EXPECT_EQ(out[0].timestamp_ms, 500);
        EXPECT_EQ(out[1].key, c.key2);
        EXPECT_EQ(out[1].value, R"({"NAME":"x"})");
        r->stop();
    }
}

// A filter or a join drops a null value, and so does a source with a
// TIMESTAMP column (ksqlDB's extractor fails on it): counted as skipped.
TEST_F(QueryRunnerTest, NullValuesAreSkippedByWhereAndTimestampColumns) {
    test::produce(*broker_, "clicks",
                  {{.key = "k1", .value = std::nullopt},
                   {.key = "k2", .value = R"({"name":"x","ts":1000})"}});
    query_plan filtered = keyed_plan("filtered", col(0, sql_type::string(), "K"), true);
    filtered.where = std::make_shared<test::lambda_expr>(
        [](const eval_context&) -> result<value> { return value(true); }, sql_type::boolean(),
        "TRUE");
    query_plan timed = keyed_plan("timed", col(0, sql_type::string(), "K"), true);
    timed.source.timestamp_column = "TS";
    for (auto* plan : {&filtered, &timed}) {
        SCOPED_TRACE(plan->sink.topic);
        auto r = runner_without_tables(*plan);
        ASSERT_TRUE(r->prepare().ok());
        run_until(*r, 2);
        EXPECT_EQ(r->counters().produced.load(), 1u);
        EXPECT_EQ(r->counters().skipped.load(), 1u);
        auto out = test::read_topic(*broker_, plan->sink.topic, 1, 1);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0].key, "k2");
        r->stop();
    }
    // The LEFT JOIN plan: see EnrichesFiltersAndSendsFailuresToTheDlq.
}

TEST_F(QueryRunnerTest, ThreadedRunAndTableUpdatesWhileRunning) {
    auto r = runner(enrich_plan());
    r->start();
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (r->state() != query_state::running && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(r->state(), query_state::running);
    test::produce(*broker_, "users", {{.key = "u9", .value = R"({"user_name":"Nine"})"}});
    // Wait for the table to see u9 (its reader runs on), then a click that needs it.
    bool seen = false;
    while (!seen && std::chrono::steady_clock::now() < deadline) {
        auto lock = users_reader_->store()->read_lock();
        seen = users_reader_->store()->find("u9") != nullptr;
        lock.unlock();
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(seen);
    test::produce(*broker_, "clicks", {{.value = R"({"event_type":"x","user_id":"u9"})"}});
    auto out = test::read_topic(*broker_, "enriched", 1, 1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].value, R"({"EVENT_TYPE":"x","USER_NAME":"Nine","CHECKED":0})");
    r->stop();
    EXPECT_EQ(r->state(), query_state::stopped);
}

// ksqlDB's output is written by Java's producer: a key's partition is
// murmur2 of the key bytes, not librdkafka's default CRC32.
TEST_F(QueryRunnerTest, OutputKeysLandWhereJavasPartitionerPutsThem) {
    query_plan p = enrich_plan();
    p.sink.partitions = 4;
    std::vector<test::test_record> in;
    for (int i = 0; i < 40; ++i) {
        in.push_back({.value = fmt::format(R"({{"event_type":"e","user_id":"user-{}"}})", i)});
    }
    test::produce(*broker_, "clicks", in);
    auto r = runner(std::move(p));
    ASSERT_TRUE(r->prepare().ok());
    run_until(*r, in.size());
    auto out = test::read_topic(*broker_, "enriched", 4, in.size(), 10s);
    ASSERT_EQ(out.size(), in.size());
    std::set<int32_t> used;
    for (const auto& rec : out) {
        ASSERT_TRUE(rec.key.has_value());
        EXPECT_EQ(rec.partition, client::java_partition(*rec.key, 4)) << *rec.key;
        used.insert(rec.partition);
    }
    EXPECT_EQ(used.size(), 4u);
    r->stop();
}

TEST_F(QueryRunnerTest, ExistingSinkWithOtherPartitionCountIsAnError) {
    ASSERT_TRUE(broker_->create_topic("enriched", 3).ok());
    query_plan p = enrich_plan();
    p.sink.partitions = 2;
    auto r = runner(std::move(p));
    auto st = r->prepare();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("exists with 3 partitions"), std::string::npos) << st.message();
}

TEST_F(QueryRunnerTest, MissingSinkIsCreatedWithTheSourcePartitionCount) {
    auto r = runner(enrich_plan());
    ASSERT_TRUE(r->prepare().ok());
    config::diagnostics diags;
    auto admin = client::admin_client::create(test::settings_for(*broker_), diags);
    ASSERT_TRUE(admin.ok());
    auto md = (*admin)->metadata();
    ASSERT_TRUE(md.ok());
    std::map<std::string, size_t> parts;
    for (const auto& t : md->topics) {
        parts[t.name] = t.partitions.size();
    }
    EXPECT_EQ(parts["enriched"], 1u);
    EXPECT_EQ(parts["enriched-dlq"], 1u);
}

TEST(QueryRunnerPlan, RejectsAPlanWhoseShapeDoesNotAdd) {
    query_plan p = enrich_plan();
    p.joined_width = 5;
    auto store = table_store::create(users_def());
    ASSERT_TRUE(store.ok());
    // No reader is needed to check the shape: create() fails first.
    auto r = query_runner::create(p, {}, client::client_settings{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().message, "query CSAS_ENRICHED_1: 0 tables for 1 joins");
    EXPECT_EQ(query_group_id("svc_", "Q1"), "_confluent-ksql-svc_query_Q1");
}

}  // namespace
}  // namespace cs::streams
