// Stream-stream and table-table joins through the statement engine against
// our broker: a table-table join's state is read back from the tables'
// topics after a restart; a stream-stream join's window buffers are not
// (docs/streams.md); sources with different partition counts are refused
// unless a side is repartitioned (a join on anything but its key).

#include <chrono>

#include <gtest/gtest.h>

#include "client/java_partitioner.h"
#include "streams/engine.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

using test::eventually;

class JoinEngineTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    std::unique_ptr<engine> make_engine(const std::string& service_id) {
        return test::start_engine(*broker_, service_id);
    }

    std::string run(engine& e, const std::string& sql) { return test::run_script(e, sql); }

    static query_status status_of(const engine& e) { return e.query_statuses().at(0); }

    std::unique_ptr<cs::testing::test_broker> broker_;
};

// After a restart the right table's update joins the left row read before
// it: both tables were read back to the committed offsets (a LEFT join
// emits nothing for a right row without a left one).
TEST_F(JoinEngineTest, TableJoinStateIsReadBackAfterARestart) {
    const std::string statements =
        "CREATE TABLE jt_users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH "
        "(KAFKA_TOPIC='jt_users', VALUE_FORMAT='JSON', PARTITIONS=2);\n"
        "CREATE TABLE jt_plans (id VARCHAR PRIMARY KEY, plan VARCHAR) WITH "
        "(KAFKA_TOPIC='jt_plans', VALUE_FORMAT='JSON', PARTITIONS=2);\n"
        "CREATE TABLE jt_joined AS SELECT u.id, name, plan FROM jt_users u LEFT JOIN jt_plans "
        "p ON u.id = p.id;";
    {
        auto e = make_engine("jtr_");
        run(*e, statements);
        test::produce(*broker_, "jt_users",
                      {{.key = "u1", .value = R"({"NAME":"Ann"})"},
                       {.key = "u2", .value = R"({"NAME":"Bob"})"}});
        ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 2; }))
            << status_of(*e).produced;
        std::string explain = run(*e, "EXPLAIN CTAS_JT_JOINED_1;");
        EXPECT_NE(explain.find("[ LEFT JOIN ] | TABLE JT_PLANS ON JT_USERS.ID = JT_PLANS.ID"),
                  std::string::npos)
            << explain;
        EXPECT_NE(explain.find("[ SOURCE ] | JT_PLANS | Topic: jt_plans"), std::string::npos)
            << explain;
        std::string described = run(*e, "DESCRIBE jt_plans EXTENDED;");
        EXPECT_NE(described.find("CTAS_JT_JOINED_1 : CREATE TABLE jt_joined"), std::string::npos)
            << described;
    }
    test::produce(*broker_, "jt_plans", {{.key = "u1", .value = R"({"PLAN":"gold"})"}});
    auto e = make_engine("jtr_");
    ASSERT_TRUE(eventually([&] { return status_of(*e).consumed == 1; })) << status_of(*e).consumed;
    auto out = test::read_topic(*broker_, "JT_JOINED", 2, 3);
    ASSERT_EQ(out.size(), 3u);
    std::map<std::string, std::vector<std::string>> by_key;
    for (const auto& r : out) {
        by_key[r.key.value_or("")].push_back(r.value.value_or("null"));
    }
    EXPECT_EQ(by_key["u1"], (std::vector<std::string>{R"({"NAME":"Ann","PLAN":null})",
                                                      R"({"NAME":"Ann","PLAN":"gold"})"}));
    EXPECT_EQ(by_key["u2"], (std::vector<std::string>{R"({"NAME":"Bob","PLAN":null})"}));
}

// The documented limit: a stream-stream join's windows start empty after a
// restart, so a right record does not join a left one read before it.
TEST_F(JoinEngineTest, StreamJoinWindowsStartEmptyAfterARestart) {
    const std::string statements =
        "CREATE STREAM js_views (id VARCHAR KEY, page VARCHAR) WITH "
        "(KAFKA_TOPIC='js_views', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE STREAM js_clicks (id VARCHAR KEY, button VARCHAR) WITH "
        "(KAFKA_TOPIC='js_clicks', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE STREAM js_joined AS SELECT v.id, page, button FROM js_views v JOIN js_clicks c "
        "WITHIN 1 HOUR ON v.id = c.id;";
    {
        auto e = make_engine("jsr_");
        run(*e, statements);
        test::produce(*broker_, "js_views",
                      {{.key = "u1", .value = R"({"PAGE":"home"})", .timestamp_ms = 1000}});
        test::produce(*broker_, "js_clicks",
                      {{.key = "u1", .value = R"({"BUTTON":"buy"})", .timestamp_ms = 2000}});
        ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 1; }));
    }
    test::produce(*broker_, "js_clicks",
                  {{.key = "u1", .value = R"({"BUTTON":"again"})", .timestamp_ms = 3000}});
    test::produce(*broker_, "js_views",
                  {{.key = "u1", .value = R"({"PAGE":"cart"})", .timestamp_ms = 4000}});
    auto e = make_engine("jsr_");
    ASSERT_TRUE(eventually([&] { return status_of(*e).consumed == 2; }));
    ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 1; }));
    auto out = test::read_topic(*broker_, "JS_JOINED", 1, 2);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].value, R"({"PAGE":"home","BUTTON":"buy"})");
    // "cart" joins "again" (read after the restart), not "buy".
    EXPECT_EQ(out[1].value, R"({"PAGE":"cart","BUTTON":"again"})");
}

TEST_F(JoinEngineTest, SourcesWithDifferentPartitionCountsAreRefused) {
    auto e = make_engine("jsp_");
    run(*e,
        "CREATE STREAM jp_a (id VARCHAR KEY, x INT) WITH (KAFKA_TOPIC='jp_a', "
        "VALUE_FORMAT='JSON', PARTITIONS=2);\n"
        "CREATE STREAM jp_b (id VARCHAR KEY, y INT) WITH (KAFKA_TOPIC='jp_b', "
        "VALUE_FORMAT='JSON', PARTITIONS=3);\n"
        "CREATE STREAM jp_out AS SELECT a.id, x, y FROM jp_a a JOIN jp_b b WITHIN 1 SECOND ON "
        "a.id = b.id;");
    ASSERT_TRUE(eventually([&] { return status_of(*e).state == query_state::failed; }));
    EXPECT_NE(status_of(*e).error.find("number of partitions don't match"), std::string::npos)
        << status_of(*e).error;
}

// ksqlDB's tutorial join: shipments keyed by their own id (2 partitions)
// join orders (3 partitions, keyed by order id as Java's producer places
// them) ON o.id = s.order_id. The shipments go through the repartition
// topic, created with the orders' 3 partitions, keyed by order id; every
// pair joins wherever its records were written, keyed by the order id.
TEST_F(JoinEngineTest, NonKeyJoinRepartitionsTheOtherSide) {
    auto e = make_engine("jrp_");
    run(*e,
        "CREATE STREAM orders (id VARCHAR KEY, item VARCHAR) WITH (KAFKA_TOPIC='jr_orders', "
        "VALUE_FORMAT='JSON', PARTITIONS=3);\n"
        "CREATE STREAM shipments (id VARCHAR KEY, order_id VARCHAR, warehouse VARCHAR) WITH "
        "(KAFKA_TOPIC='jr_shipments', VALUE_FORMAT='JSON', PARTITIONS=2);\n"
        "CREATE STREAM shipped_orders AS SELECT o.id AS order_id, item, warehouse FROM orders o "
        "INNER JOIN shipments s WITHIN 7 DAYS ON o.id = s.order_id;");
    constexpr int n = 24;
    std::vector<test::test_record> orders;
    std::vector<test::test_record> shipments;
    for (int i = 0; i < n; ++i) {
        const std::string order = "o" + std::to_string(i);
        orders.push_back({.key = order,
                          .value = R"({"ITEM":"item)" + std::to_string(i) + R"("})",
                          .partition = client::java_partition(order, 3),
                          .timestamp_ms = 1000 + i});
        shipments.push_back({.key = "s" + std::to_string(i),
                             .value = R"({"ORDER_ID":")" + order + R"(","WAREHOUSE":"w)" +
                                      std::to_string(i % 4) + R"("})",
                             .partition = (i + 1) % 2,
                             .timestamp_ms = 2000 + i});
    }
    test::produce(*broker_, "jr_orders", orders);
    test::produce(*broker_, "jr_shipments", shipments);
    ASSERT_TRUE(eventually([&] { return status_of(*e).produced == n; }))
        << status_of(*e).produced << " " << status_of(*e).error;
    auto out = test::read_topic(*broker_, "SHIPPED_ORDERS", 3, n);
    ASSERT_EQ(out.size(), static_cast<size_t>(n));
    std::map<std::string, std::string> by_key;
    for (const auto& r : out) {
        by_key[r.key.value_or("")] = r.value.value_or("null");
    }
    ASSERT_EQ(by_key.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        EXPECT_EQ(by_key["o" + std::to_string(i)], R"({"ITEM":"item)" + std::to_string(i) +
                                                       R"(","WAREHOUSE":"w)" +
                                                       std::to_string(i % 4) + R"("})");
    }
    std::string explain = run(*e, "EXPLAIN " + status_of(*e).id + ";");
    EXPECT_NE(explain.find("ON O.ID = S.ORDER_ID (repartitioned by the join key: SHIPMENTS "
                           "through <query group>-RightSourceKeyed-SelectKey-repartition)"),
              std::string::npos)
        << explain;
    // Each shipment went through the repartition topic, whose 3 partitions
    // hold each order id where Java's partitioner puts it.
    const std::string repartition =
        join_repartition_topic(query_group_id("jrp_", status_of(*e).id), 1);
    auto rekeyed = test::read_topic(*broker_, repartition, 3, n);
    ASSERT_EQ(rekeyed.size(), static_cast<size_t>(n));
    for (const auto& r : rekeyed) {
        ASSERT_TRUE(r.key.has_value());
        EXPECT_EQ(r.partition, client::java_partition(*r.key, 3)) << *r.key;
    }
    EXPECT_EQ(status_of(*e).consumed, static_cast<uint64_t>(2 * n));
}

}  // namespace
}  // namespace cs::streams
