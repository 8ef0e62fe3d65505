#include "streams/engine.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "streams/enrichment_test_sql.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

using test::eventually;

class EngineTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    std::unique_ptr<engine> make_engine(const std::string& service_id = "default_") {
        return test::start_engine(*broker_, service_id);
    }

    std::string run(engine& e, const std::string& sql) { return test::run_script(e, sql); }

    status fails(engine& e, const std::string& sql) {
        std::vector<std::string> out;
        return e.execute_script(sql, out);
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
};

constexpr const char* seed_create =
    "CREATE STREAM source_json (Event_Type VARCHAR, Event_Version VARCHAR, User_ID VARCHAR, "
    "Listing_ID VARCHAR, Server_Time VARCHAR, Device_Type VARCHAR) WITH "
    "(KAFKA_TOPIC='events', VALUE_FORMAT='JSON');";
constexpr const char* seed_csas_avro =
    "CREATE STREAM target_json WITH "
    "(KAFKA_TOPIC='events_avro',REPLICAS=1,PARTITIONS=1,VALUE_FORMAT='AVRO') AS SELECT *, "
    "SUBSTRING(Server_Time, 0, 10) as Server_Date FROM source_json;";
constexpr const char* seed_csas_json =
    "CREATE STREAM target_json WITH "
    "(KAFKA_TOPIC='events_avro',REPLICAS=1,PARTITIONS=1,VALUE_FORMAT='JSON') AS SELECT *, "
    "SUBSTRING(Server_Time, 0, 10) as Server_Date FROM source_json;";

TEST_F(EngineTest, SeedStatementsRunAndAvroIsNotSupportedYet) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    auto e = make_engine();
    EXPECT_EQ(run(*e, seed_create), "Stream created");

    auto avro = fails(*e, seed_csas_avro);
    ASSERT_FALSE(avro.ok());
    EXPECT_NE(avro.message().find("not supported yet"), std::string::npos) << avro.message();
    EXPECT_EQ(e->find("TARGET_JSON"), nullptr);

    EXPECT_NE(run(*e, seed_csas_json).find("CSAS_TARGET_JSON_1"), std::string::npos);
    test::produce(*broker_, "events",
                  {{.value = R"({"Event_Type":"view","User_ID":"u1",)"
                             R"("Server_Time":"2024-03-05 10:11:12"})"}});
    auto out = test::read_topic(*broker_, "events_avro", 1, 1);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_TRUE(out[0].value);
    EXPECT_NE(out[0].value->find(R"("SERVER_DATE":"2024-03-05")"), std::string::npos)
        << *out[0].value;
    EXPECT_NE(out[0].value->find(R"("USER_ID":"u1")"), std::string::npos) << *out[0].value;

    // A topic that does not exist needs PARTITIONS.
    auto missing = fails(*e,
                         "CREATE STREAM nope (a INT) WITH (KAFKA_TOPIC='nope', "
                         "VALUE_FORMAT='JSON');");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.message().find("does not exist"), std::string::npos);
    // ... and an existing one with another partition count is an error.
    auto other = fails(*e,
                       "CREATE STREAM ev2 (a INT) WITH (KAFKA_TOPIC='events', "
                       "VALUE_FORMAT='JSON', PARTITIONS=4);");
    ASSERT_FALSE(other.ok());
    EXPECT_NE(other.message().find("partition count"), std::string::npos) << other.message();

    // The source is in use: DROP names the query.
    auto drop = fails(*e, "DROP STREAM source_json;");
    ASSERT_FALSE(drop.ok());
    EXPECT_NE(drop.message().find("CSAS_TARGET_JSON_1"), std::string::npos) << drop.message();

    std::string streams = run(*e, "SHOW STREAMS;");
    EXPECT_NE(streams.find(" Stream Name "), std::string::npos) << streams;
    EXPECT_NE(streams.find(" SOURCE_JSON "), std::string::npos) << streams;
    EXPECT_NE(streams.find(" events_avro "), std::string::npos) << streams;
    std::string queries = run(*e, "SHOW QUERIES;");
    EXPECT_NE(queries.find("CSAS_TARGET_JSON_1 | PERSISTENT"), std::string::npos) << queries;
    std::string topics = run(*e, "SHOW TOPICS;");
    EXPECT_NE(topics.find(" events_avro "), std::string::npos) << topics;
    EXPECT_EQ(topics.find("_command_topic"), std::string::npos) << topics;

    std::string desc = run(*e, "DESCRIBE target_json;");
    EXPECT_NE(desc.find(" SERVER_DATE "), std::string::npos) << desc;
    EXPECT_NE(desc.find(" EVENT_TYPE "), std::string::npos) << desc;
    ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).produced == 1; }));
    std::string ext = run(*e, "DESCRIBE EXTENDED source_json;");
    EXPECT_NE(ext.find("CSAS_TARGET_JSON_1: consumed 1, produced 1, dlq 0"), std::string::npos)
        << ext;

    EXPECT_EQ(run(*e, "TERMINATE CSAS_TARGET_JSON_1;"), "Query terminated.");
    EXPECT_EQ(e->running_queries(), 0u);
    EXPECT_NE(run(*e, "DROP STREAM target_json DELETE TOPIC;").find("was dropped"),
              std::string::npos);
    EXPECT_EQ(e->find("TARGET_JSON"), nullptr);
    EXPECT_NE(run(*e, "DROP STREAM source_json;").find("was dropped"), std::string::npos);
}

TEST_F(EngineTest, EnrichmentWithThreeLeftJoinsProducesEnrichedClicks) {
    auto e = make_engine();
    run(*e,
        "CREATE TABLE users (`user_id` STRING PRIMARY KEY, `user_name` STRING) "
        "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE TABLE devices (`device_id` STRING PRIMARY KEY, `device_type` STRING) "
        "WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE TABLE urls (`url` STRING PRIMARY KEY, `url_category` STRING) "
        "WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE STREAM clickstream (`timestamp` STRING, `user_id` STRING, `device_id` "
        "STRING, `url` STRING) WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON', "
        "PARTITIONS=2);");
    test::produce(*broker_, "users", {{.key = "u1", .value = R"({"user_name":"Alice"})"}});
    test::produce(*broker_, "devices", {{.key = "d1", .value = R"({"device_type":"mobile"})"}});
    test::produce(*broker_, "urls", {{.key = "/home", .value = R"({"url_category":"home"})"}});
    const std::string csas = testing::enrichment_csas + " WHERE c.`url` <> '/health';";
    // EXPLAIN of the statement plans it and creates nothing.
    std::string planned = run(*e, "EXPLAIN " + csas);
    for (const char* step :
         {"Query ID if run now  : CSAS_ENRICHED_1",
          "[ SINK ] | ENRICHED | Topic: enriched-clickstream", "[ FILTER ] |",
          "[ LEFT JOIN ] | USERS", "[ LEFT JOIN ] | DEVICES", "[ LEFT JOIN ] | URLS",
          "[ SOURCE ] | CLICKSTREAM | Topic: clickstream"}) {
        EXPECT_NE(planned.find(step), std::string::npos) << step << "\n" << planned;
    }
    EXPECT_LT(planned.find("[ SINK ]"), planned.find("[ PROJECT ]"));
    EXPECT_LT(planned.find("[ LEFT JOIN ] | URLS"), planned.find("[ LEFT JOIN ] | USERS"));
    EXPECT_EQ(e->find("ENRICHED"), nullptr);
    EXPECT_TRUE(e->query_statuses().empty());
    auto bad = fails(*e, "EXPLAIN CREATE STREAM x AS SELECT nope FROM clickstream;");
    EXPECT_NE(bad.message().find("NOPE"), std::string::npos) << bad.message();

    std::string created = run(*e, csas);
    EXPECT_NE(created.find("CSAS_ENRICHED_1"), std::string::npos) << created;
    std::string running = run(*e, "EXPLAIN CSAS_ENRICHED_1;");
    EXPECT_NE(running.find("Execution plan"), std::string::npos) << running;
    EXPECT_NE(running.find("[ LEFT JOIN ] | DEVICES"), std::string::npos) << running;
    test::produce(*broker_, "clickstream",
                  {{.value = R"({"timestamp":"t1","user_id":"u1","device_id":"d1","url":"/home"})"},
                   {.value = R"({"timestamp":"t2","user_id":"u9","device_id":"d1","url":"/x"})"}});
    auto out = test::read_topic(*broker_, "enriched-clickstream", 2, 2);
    ASSERT_EQ(out.size(), 2u);
    std::vector<std::string> values;
    for (auto& r : out) {
        values.push_back(r.value.value_or(""));
    }
    std::sort(values.begin(), values.end());
    EXPECT_EQ(values[0], R"({"timestamp":"t1","user_id":"u1","device_id":"d1","url":"/home",)"
                         R"("user_name":"Alice","device_type":"mobile","url_category":"home"})");
    EXPECT_EQ(values[1], R"({"timestamp":"t2","user_id":"u9","device_id":"d1","url":"/x",)"
                         R"("user_name":null,"device_type":"mobile","url_category":null})");
    auto drop = fails(*e, "DROP TABLE users;");
    ASSERT_FALSE(drop.ok());
    EXPECT_NE(drop.message().find("CSAS_ENRICHED_1"), std::string::npos) << drop.message();
    std::string tables = run(*e, "SHOW TABLES;");
    EXPECT_NE(tables.find(" USERS "), std::string::npos) << tables;
    std::string desc = run(*e, "DESCRIBE users;");
    EXPECT_NE(desc.find("(primary key)"), std::string::npos) << desc;
}

TEST_F(EngineTest, RestartReplaysTheCommandTopicAndResumesWithoutDuplicates) {
    {
        auto e = make_engine("svc1_");
        run(*e,
            "CREATE STREAM src (a INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', "
            "PARTITIONS=1);\n"
            "CREATE STREAM doubled AS SELECT a * 2 AS b FROM src;\n"
            "CREATE STREAM gone AS SELECT a FROM src;\n"
            "TERMINATE CSAS_GONE_2;\n"
            "DROP STREAM gone;");
        test::produce(*broker_, "src", {{.value = R"({"a":1})"}, {.value = R"({"a":2})"}});
        ASSERT_TRUE(eventually([&] {
            auto s = e->query_statuses();
            return s.size() == 1 && s[0].produced == 2;
        }));
    }
    test::produce(*broker_, "src", {{.value = R"({"a":3})"}});
    auto e = make_engine("svc1_");
    auto s = e->query_statuses();
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].id, "CSAS_DOUBLED_1");
    EXPECT_EQ(e->find("GONE"), nullptr);
    ASSERT_NE(e->find("DOUBLED"), nullptr);
    ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).produced == 1; }));
    auto out = test::read_topic(*broker_, "DOUBLED", 1, 4, 2s);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].value.value_or(""), R"({"B":2})");
    EXPECT_EQ(out[1].value.value_or(""), R"({"B":4})");
    EXPECT_EQ(out[2].value.value_or(""), R"({"B":6})");
    // New statements after a restart continue the query numbering.
    EXPECT_NE(run(*e, "CREATE STREAM more AS SELECT a FROM src;").find("CSAS_MORE_3"),
              std::string::npos);
}

// CREATE OR REPLACE ... AS SELECT upgrades the query in place: same id,
// same consumer group, so it resumes where the old one stopped (no record
// twice, none lost), with the new projection; a restart replays both
// statements and keeps the new one. Changes ksqlDB refuses are refused.
TEST_F(EngineTest, CreateOrReplaceUpgradesTheQueryInPlace) {
    {
        auto e = make_engine("svc2_");
        run(*e,
            "CREATE STREAM src (a INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', "
            "PARTITIONS=1);\n"
            "CREATE STREAM out AS SELECT a FROM src;");
        test::produce(*broker_, "src", {{.value = R"({"a":1})"}, {.value = R"({"a":2})"}});
        ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).produced == 2; }));
        auto replaced = run(*e, "CREATE OR REPLACE STREAM out AS SELECT a, a * 10 AS b FROM src;");
        EXPECT_NE(replaced.find("CSAS_OUT_1"), std::string::npos) << replaced;
        auto s = e->query_statuses();
        ASSERT_EQ(s.size(), 1u);
        EXPECT_EQ(s[0].id, "CSAS_OUT_1");
        EXPECT_NE(s[0].sql.find("a * 10"), std::string::npos);
        test::produce(*broker_, "src", {{.value = R"({"a":3})"}});
        ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).produced == 1; }));
        // Refused: a dropped column, a changed type, another source.
        EXPECT_NE(fails(*e, "CREATE OR REPLACE STREAM out AS SELECT a * 10 AS b FROM src;")
                      .message()
                      .find("Cannot upgrade query CSAS_OUT_1"),
                  std::string::npos);
        EXPECT_FALSE(
            fails(*e, "CREATE OR REPLACE STREAM out AS SELECT CAST(a AS BIGINT) AS a FROM src;")
                .ok());
        EXPECT_NE(fails(*e, "CREATE OR REPLACE STREAM src AS SELECT a FROM out;")
                      .message()
                      .find("no running query writes it"),
                  std::string::npos);
    }
    test::produce(*broker_, "src", {{.value = R"({"a":4})"}});
    auto e = make_engine("svc2_");
    auto s = e->query_statuses();
    ASSERT_EQ(s.size(), 1u);
    EXPECT_NE(s[0].sql.find("a * 10"), std::string::npos);
    ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).produced == 1; }));
    auto out = test::read_topic(*broker_, "OUT", 1, 5, 2s);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].value.value_or(""), R"({"A":1})");
    EXPECT_EQ(out[1].value.value_or(""), R"({"A":2})");
    EXPECT_EQ(out[2].value.value_or(""), R"({"A":3,"B":30})");
    EXPECT_EQ(out[3].value.value_or(""), R"({"A":4,"B":40})");
    ASSERT_NE(e->find("OUT"), nullptr);
    EXPECT_EQ(e->find("OUT")->columns.size(), 2u);
}

// ksql.streams.commit.interval.ms sets how often a query commits; a value
// that is not a number of milliseconds fails the statement, naming it.
TEST_F(EngineTest, CommitIntervalIsASessionProperty) {
    ASSERT_TRUE(broker_->create_topic("src", 1).ok());
    auto e = make_engine();
    run(*e, "CREATE STREAM src (a INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON');");
    run(*e, "SET 'ksql.streams.commit.interval.ms'='2s';");
    auto bad = fails(*e, "CREATE STREAM copy1 AS SELECT a FROM src;");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("ksql.streams.commit.interval.ms: '2s' is not a number of "
                                 "milliseconds"),
              std::string::npos)
        << bad.message();
    EXPECT_TRUE(e->query_statuses().empty());
    EXPECT_EQ(e->find("COPY1"), nullptr);
    run(*e, "SET 'ksql.streams.commit.interval.ms'='50';");
    EXPECT_NE(run(*e, "CREATE STREAM copy2 AS SELECT a FROM src;").find("CSAS_COPY2_"),
              std::string::npos);
    test::produce(*broker_, "src", {{.value = R"({"a":1})"}});
    ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).produced == 1; }));
}

// processing.guarantee (or ksql.streams.processing.guarantee) picks a
// query's guarantee when it starts; a value ksqlDB does not know fails the
// statement, naming the key and the values it takes.
TEST_F(EngineTest, ProcessingGuaranteeIsASessionProperty) {
    ASSERT_TRUE(broker_->create_topic("src", 1).ok());
    auto e = make_engine();
    run(*e, "CREATE STREAM src (a INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON');");
    run(*e, "SET 'processing.guarantee'='exactly_twice';");
    auto bad = fails(*e, "CREATE STREAM copy1 AS SELECT a FROM src;");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("processing.guarantee: 'exactly_twice' is not one of "
                                 "at_least_once, exactly_once_v2, exactly_once"),
              std::string::npos)
        << bad.message();
    EXPECT_TRUE(e->query_statuses().empty());

    run(*e, "UNSET 'processing.guarantee';");
    run(*e, "SET 'ksql.streams.processing.guarantee'='at_least_twice';");
    bad = fails(*e, "CREATE STREAM copy2 AS SELECT a FROM src;");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find("ksql.streams.processing.guarantee: 'at_least_twice'"),
              std::string::npos)
        << bad.message();

    // exactly_once is Kafka's deprecated name: run as exactly_once_v2.
    run(*e, "SET 'ksql.streams.processing.guarantee'='exactly_once';");
    run(*e, "CREATE STREAM copy3 AS SELECT a FROM src;");
    run(*e, "SET 'ksql.streams.processing.guarantee'='at_least_once';");
    run(*e, "CREATE STREAM copy4 AS SELECT a FROM src;");
    auto s = e->query_statuses();
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].sink, "COPY3");
    EXPECT_TRUE(s[0].exactly_once);
    EXPECT_EQ(s[1].sink, "COPY4");
    EXPECT_FALSE(s[1].exactly_once);
}

}  // namespace
}  // namespace cs::streams
