// What follows a stream-stream join, through the statement engine against
// our broker: an aggregation of the joined rows keeps counting across a
// restart (the join's windows and the groups are both read back from their
// changelogs), at least once and under exactly_once_v2; a joined TABLE is a
// look-up on each joined row.

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "streams/engine.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

using test::eventually;

class JoinAggregateEngineTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    std::unique_ptr<engine> make_engine(const std::string& service_id) {
        return test::start_engine(*broker_, service_id);
    }

    static query_status status_of(const engine& e) { return e.query_statuses().at(0); }

    // Clicks joined to their ad's impressions within an hour, counted per
    // ad (the join key: no repartition topic), across a restart.
    void count_across_a_restart(const std::string& service, const std::string& settings);

    std::unique_ptr<cs::testing::test_broker> broker_;
};

void JoinAggregateEngineTest::count_across_a_restart(const std::string& service,
                                                     const std::string& settings) {
    const std::string imp = service + "imp";
    const std::string clk = service + "clk";
    const std::string out = service + "out";
    const std::string statements = settings + fmt::format(
                                                  "CREATE STREAM imp (ad VARCHAR KEY, cost INT) "
                                                  "WITH (KAFKA_TOPIC='{}', VALUE_FORMAT='JSON', "
                                                  "PARTITIONS=2);\n"
                                                  "CREATE STREAM clk (ad VARCHAR KEY, uid VARCHAR) "
                                                  "WITH (KAFKA_TOPIC='{}', VALUE_FORMAT='JSON', "
                                                  "PARTITIONS=2);\n"
                                                  "CREATE TABLE per_ad WITH (KAFKA_TOPIC='{}') AS "
                                                  "SELECT c.ad, COUNT(*) AS n, SUM(i.cost) AS "
                                                  "cost FROM clk c JOIN imp i WITHIN 1 HOUR ON "
                                                  "c.ad = i.ad GROUP BY c.ad;",
                                                  imp, clk, out);
    {
        auto e = make_engine(service);
        test::run_script(*e, statements);
        test::produce(*broker_, imp,
                      {{.key = "a1", .value = R"({"COST":10})", .timestamp_ms = 1000},
                       {.key = "a2", .value = R"({"COST":5})", .timestamp_ms = 1000}});
        test::produce(*broker_, clk,
                      {{.key = "a1", .value = R"({"UID":"u1"})", .timestamp_ms = 2000},
                       {.key = "a2", .value = R"({"UID":"u2"})", .timestamp_ms = 2000}});
        ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 2; }))
            << status_of(*e).produced;
    }
    // Read after the restart: the clicks join the impressions read before
    // it, and the counts go on from the restored groups.
    test::produce(*broker_, clk,
                  {{.key = "a1", .value = R"({"UID":"u3"})", .timestamp_ms = 3000},
                   {.key = "a2", .value = R"({"UID":"u4"})", .timestamp_ms = 3000}});
    test::produce(*broker_, imp, {{.key = "a1", .value = R"({"COST":1})", .timestamp_ms = 4000}});
    auto e = make_engine(service);
    ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 4; }))
        << status_of(*e).produced << " " << status_of(*e).error;
    auto records = test::read_topic(*broker_, out, 2, 6, 3s);
    ASSERT_EQ(records.size(), 6u);
    std::map<std::string, std::vector<std::string>> by_ad;
    for (const auto& r : records) {
        by_ad[r.key.value_or("")].push_back(r.value.value_or("null"));
    }
    EXPECT_EQ(by_ad["a2"],
              (std::vector<std::string>{R"({"N":1,"COST":5})", R"({"N":2,"COST":10})"}));
    // a1: the click of 3000 joins the impression of 1000, the impression of
    // 4000 both clicks; the topics are read in no set order, so only the
    // first and last counts are certain.
    ASSERT_EQ(by_ad["a1"].size(), 4u);
    EXPECT_EQ(by_ad["a1"].front(), R"({"N":1,"COST":10})");
    EXPECT_EQ(by_ad["a1"].back(), R"({"N":4,"COST":22})");
}

TEST_F(JoinAggregateEngineTest, GroupByTheJoinKeyAcrossARestart) {
    count_across_a_restart("jag_", "");
}

// Under exactly_once_v2 the groups' changelog and the join's are in the
// query's transactions; GROUP BY anything but the join key goes through its
// repartition topic, read in the transactions too (repartition_eos_test.cc
// covers crashes and aborts): every joined row counted once.
TEST_F(JoinAggregateEngineTest, GroupByTheJoinKeyUnderExactlyOnce) {
    count_across_a_restart("jae_", "SET 'processing.guarantee'='exactly_once_v2';\n");
    auto e = make_engine("jae_");
    test::run_script(*e,
                     "SET 'processing.guarantee'='exactly_once_v2';\n"
                     "SET 'auto.offset.reset'='earliest';\n"
                     "CREATE TABLE per_user WITH (KAFKA_TOPIC='jae_per_user') AS SELECT c.uid, "
                     "COUNT(*) AS n FROM clk c JOIN imp i WITHIN 1 HOUR ON c.ad = i.ad GROUP BY "
                     "c.uid;");
    // a1: clicks u1, u3 x impressions at 1000, 4000; a2: clicks u2, u4 x
    // the impression at 1000.
    auto records = test::read_topic(*broker_, "jae_per_user", 2, 6, 30s);
    ASSERT_EQ(records.size(), 6u);
    std::map<std::string, std::string> last;
    for (const auto& r : records) {
        last[r.key.value_or("")] = r.value.value_or("null");
    }
    EXPECT_EQ(last, (std::map<std::string, std::string>{{"u1", R"({"N":2})"},
                                                        {"u2", R"({"N":1})"},
                                                        {"u3", R"({"N":2})"},
                                                        {"u4", R"({"N":1})"}}));
}

// A TABLE after the stream-stream join: each joined row looks its user up;
// an unknown user leaves the LEFT JOIN's columns NULL. Joined on another
// column than the join key, the output is keyed by the look-up (ksqlDB's
// key after the repartition it would make; broadcast here).
TEST_F(JoinAggregateEngineTest, TableLookUpOnTheJoinedRow) {
    auto e = make_engine("jat_");
    test::run_script(*e,
                     "CREATE TABLE users (uid VARCHAR PRIMARY KEY, country VARCHAR) WITH "
                     "(KAFKA_TOPIC='jat_users', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
                     "CREATE STREAM imp (ad VARCHAR KEY, cost INT) WITH (KAFKA_TOPIC='jat_imp', "
                     "VALUE_FORMAT='JSON', PARTITIONS=1);\n"
                     "CREATE STREAM clk (ad VARCHAR KEY, uid VARCHAR) WITH (KAFKA_TOPIC='jat_clk', "
                     "VALUE_FORMAT='JSON', PARTITIONS=1);\n");
    test::produce(*broker_, "jat_users", {{.key = "u1", .value = R"({"COUNTRY":"DE"})"}});
    test::run_script(
        *e,
        "CREATE STREAM enriched WITH (KAFKA_TOPIC='jat_out') AS SELECT c.uid, c.ad, "
        "cost, country FROM clk c JOIN imp i WITHIN 1 HOUR ON c.ad = i.ad LEFT JOIN users "
        "u ON c.uid = u.uid;");
    test::produce(*broker_, "jat_imp",
                  {{.key = "a1", .value = R"({"COST":10})", .timestamp_ms = 1000}});
    test::produce(*broker_, "jat_clk",
                  {{.key = "a1", .value = R"({"UID":"u1"})", .timestamp_ms = 2000},
                   {.key = "a1", .value = R"({"UID":"u9"})", .timestamp_ms = 3000}});
    ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 2; }))
        << status_of(*e).produced << " " << status_of(*e).error;
    auto records = test::read_topic(*broker_, "jat_out", 1, 2, 3s);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].key, "u1");
    EXPECT_EQ(records[0].value, R"({"C_AD":"a1","COST":10,"COUNTRY":"DE"})");
    EXPECT_EQ(records[1].key, "u9");
    EXPECT_EQ(records[1].value, R"({"C_AD":"a1","COST":10,"COUNTRY":null})");
    std::string explain = test::run_script(*e, "EXPLAIN CSAS_ENRICHED_1;");
    EXPECT_NE(explain.find("[ LEFT JOIN ] | USERS"), std::string::npos) << explain;
    EXPECT_NE(explain.find("[ INNER JOIN ] | STREAM IMP"), std::string::npos) << explain;
}

}  // namespace
}  // namespace cs::streams
