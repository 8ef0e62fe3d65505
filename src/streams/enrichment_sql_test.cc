// The seeds' enrichment job as SQL, end to end through the real parser and
// planner and the runtime: three broadcast tables, three LEFT JOINs, the
// EnrichedClick shape, bad records to the DLQ.

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "streams/enrichment_test_sql.h"
#include "streams/parser.h"
#include "streams/planner.h"
#include "streams/query_runner.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

TEST(EnrichmentSql, SeedsEnrichmentJobProducesEnrichedClicks) {
    auto broker = cs::testing::start_clickstream_broker();
    map_catalog catalog;
    for (std::string_view sql :
         {"CREATE TABLE users (`user_id` STRING PRIMARY KEY, `user_name` STRING) "
          "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');",
          "CREATE TABLE devices (`device_id` STRING PRIMARY KEY, `device_type` STRING) "
          "WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON');",
          "CREATE TABLE urls (`url` STRING PRIMARY KEY, `url_category` STRING) "
          "WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON');",
          "CREATE STREAM clickstream (`timestamp` STRING, `user_id` STRING, `device_id` "
          "STRING, `url` STRING) WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON');"}) {
        auto st = parse_statement(sql);
        ASSERT_TRUE(st.ok()) << st.err().message;
        auto def = make_source_def(std::get<ast::create_source_stmt>(st->body), *st);
        ASSERT_TRUE(def.ok()) << def.err().message;
        ASSERT_TRUE(broker->create_topic(def->topic, def->topic == "clickstream" ? 2 : 1).ok());
        catalog.defs[def->name] = *def;
    }
    auto stmt = parse_statement(testing::enrichment_csas + ";");
    ASSERT_TRUE(stmt.ok()) << stmt.err().message;
    auto plan =
        plan_create_as_select(std::get<ast::create_as_select_stmt>(stmt->body), *stmt, catalog);
    ASSERT_TRUE(plan.ok()) << plan.err().message;
    plan->id = "CSAS_ENRICHED_0";

    test::produce(*broker, "users", {{.key = "user_123", .value = R"({"user_name":"Alice"})"}});
    test::produce(*broker, "devices",
                  {{.key = "device_456", .value = R"({"device_type":"iPhone"})"}});
    test::produce(*broker, "urls",
                  {{.key = "/products/abc", .value = R"({"url_category":"product-page"})"}});
    test::produce(*broker, "clickstream",
                  {{.value = R"({"timestamp":"2025-04-30T12:00:00Z","user_id":"user_123",)"
                             R"("device_id":"device_456","url":"/products/abc"})",
                    .partition = 0},
                   {.value = R"({"timestamp":"2025-04-30T12:00:01Z","user_id":"user_999",)"
                             R"("device_id":"device_456","url":"/other"})",
                    .partition = 0},
                   {.value = R"({"timestamp": broken)", .partition = 1}});

    std::vector<std::shared_ptr<table_reader>> readers;
    for (const auto& t : plan->tables) {
        auto store = table_store::create(t);
        ASSERT_TRUE(store.ok()) << store.err().message;
        auto reader = table_reader::start(*store, test::settings_for(*broker));
        ASSERT_TRUE(reader.ok()) << reader.err().message;
        readers.push_back(std::shared_ptr<table_reader>(std::move(*reader)));
    }
    runner_options opts;
    opts.auto_offset_reset = "earliest";
    auto runner =
        query_runner::create(std::move(*plan), readers, test::settings_for(*broker), opts);
    ASSERT_TRUE(runner.ok()) << runner.err().message;
    auto& r = **runner;
    ASSERT_TRUE(r.prepare().ok());
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (r.counters().consumed.load() < 3 && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(r.step().ok());
    }
    ASSERT_TRUE(test::step_until_idle(r).ok());  // the output is sent, then committed
    EXPECT_EQ(r.counters().produced.load(), 2u);
    EXPECT_EQ(r.counters().dlq.load(), 1u);
    EXPECT_EQ(r.counters().join_misses[0]->load(), 1u);  // user_999
    EXPECT_EQ(r.counters().join_misses[1]->load(), 0u);
    EXPECT_EQ(r.counters().join_misses[2]->load(), 1u);  // /other

    auto out = test::read_topic(*broker, "enriched-clickstream", 2, 2);
    ASSERT_EQ(out.size(), 2u);
    std::vector<std::string> values;
    for (const auto& o : out) {
        values.push_back(o.value.value_or("<null>"));
    }
    std::sort(values.begin(), values.end());
    EXPECT_EQ(values[0], R"({"timestamp":"2025-04-30T12:00:00Z","user_id":"user_123",)"
                         R"("device_id":"device_456","url":"/products/abc","user_name":"Alice",)"
                         R"("device_type":"iPhone","url_category":"product-page"})");
    EXPECT_EQ(values[1], R"({"timestamp":"2025-04-30T12:00:01Z","user_id":"user_999",)"
                         R"("device_id":"device_456","url":"/other","user_name":null,)"
                         R"("device_type":"iPhone","url_category":null})");
    auto dlq = test::read_topic(*broker, "enriched-clickstream-dlq", 2, 1);
    ASSERT_EQ(dlq.size(), 1u);
    EXPECT_EQ(dlq[0].value, R"({"timestamp": broken)");
    r.stop();
}

}  // namespace
}  // namespace cs::streams
