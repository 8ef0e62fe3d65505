// Stream-stream and table-table joins through the statement engine against
// our broker: a table-table join's state is read back from the tables'
// topics after a restart, a stream-stream join's windows and held outer
// results from their changelog topics; sources with different partition
// counts are refused unless a side is repartitioned (a join on anything
// but its key).

#include <chrono>
#include <set>
#include <thread>

#include <fmt/format.h>
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

    void table_join_across_a_restart(const std::string& settings);

    std::unique_ptr<cs::testing::test_broker> broker_;
};

// After a restart the right table's update joins the left row read before
// it: both tables were read back to the committed offsets (a LEFT join
// emits nothing for a right row without a left one).
TEST_F(JoinEngineTest, TableJoinStateIsReadBackAfterARestart) {
    table_join_across_a_restart("");
}

// The same under exactly_once_v2: the join's output and both sources'
// offsets are committed in the query's transactions.
TEST_F(JoinEngineTest, TableJoinUnderExactlyOnce) {
    table_join_across_a_restart("SET 'processing.guarantee'='exactly_once_v2';\n");
}

void JoinEngineTest::table_join_across_a_restart(const std::string& settings) {
    const std::string statements =
        settings +
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

// A stream-stream join's windows are read back from their changelog
// topics after a restart: records read before it join records read after
// it, in both directions.
TEST_F(JoinEngineTest, StreamJoinWindowsAreRestoredAfterARestart) {
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
    // ksqlDB's store changelogs: the join key, timestamp and sequence
    // number; the row.
    const std::string changelog = "_confluent-ksql-jsr_query_CSAS_JS_JOINED_1-KSTREAM-";
    auto views =
        test::read_topic(*broker_, changelog + "JOINTHIS-0000000008-store-changelog", 1, 1);
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].key, std::string("u1\0\0\0\0\0\0\x03\xe8\0\0\0\0", 14));
    EXPECT_EQ(views[0].value, R"({"C0":"u1","C1":"home"})");
    EXPECT_EQ(views[0].timestamp_ms, 1000);
    auto clicks =
        test::read_topic(*broker_, changelog + "JOINOTHER-0000000009-store-changelog", 1, 1);
    ASSERT_EQ(clicks.size(), 1u);
    EXPECT_EQ(clicks[0].value, R"({"C0":"u1","C1":"buy"})");
    test::produce(*broker_, "js_clicks",
                  {{.key = "u1", .value = R"({"BUTTON":"again"})", .timestamp_ms = 3000}});
    test::produce(*broker_, "js_views",
                  {{.key = "u1", .value = R"({"PAGE":"cart"})", .timestamp_ms = 4000}});
    auto e = make_engine("jsr_");
    ASSERT_TRUE(eventually([&] { return status_of(*e).consumed == 2; }));
    // again|home, cart|buy and cart|again, in whichever order the two
    // topics were read.
    ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 3; })) << status_of(*e).produced;
    auto out = test::read_topic(*broker_, "JS_JOINED", 1, 5, 3s);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].value, R"({"PAGE":"home","BUTTON":"buy"})");
    std::multiset<std::string> after;
    for (size_t i = 1; i < out.size(); ++i) {
        after.insert(out[i].value.value_or("null"));
    }
    EXPECT_EQ(after, (std::multiset<std::string>{R"({"PAGE":"cart","BUTTON":"again"})",
                                                 R"({"PAGE":"cart","BUTTON":"buy"})",
                                                 R"({"PAGE":"home","BUTTON":"again"})"}));
}

// A LEFT JOIN with GRACE PERIOD holds an unmatched record until its window
// closes; held across a restart, it is emitted once after it, and a second
// restart does not emit it again (its held entry was deleted).
TEST_F(JoinEngineTest, HeldOuterResultsAreEmittedOnceAfterARestart) {
    const std::string statements =
        "CREATE STREAM jo_views (id VARCHAR KEY, page VARCHAR) WITH "
        "(KAFKA_TOPIC='jo_views', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE STREAM jo_clicks (id VARCHAR KEY, button VARCHAR) WITH "
        "(KAFKA_TOPIC='jo_clicks', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE STREAM jo_joined AS SELECT v.id, page, button FROM jo_views v LEFT JOIN "
        "jo_clicks c WITHIN 1 SECOND GRACE PERIOD 1 SECOND ON v.id = c.id;";
    auto view = [&](const char* id, const char* page, int64_t ts) {
        test::produce(
            *broker_, "jo_views",
            {{.key = id, .value = fmt::format(R"({{"PAGE":"{}"}})", page), .timestamp_ms = ts}});
    };
    {
        auto e = make_engine("jor_");
        run(*e, statements);
        view("u1", "home", 1000);  // held
        ASSERT_TRUE(eventually([&] { return status_of(*e).consumed == 1; }));
        EXPECT_EQ(status_of(*e).produced, 0u);
    }
    // A LEFT join's stores as Kafka Streams names them.
    const std::string changelog = "_confluent-ksql-jor_query_CSAS_JO_JOINED_1-KSTREAM-";
    auto views =
        test::read_topic(*broker_, changelog + "JOINTHIS-0000000008-store-changelog", 1, 1);
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].value, R"({"C0":"u1","C1":"home"})");
    const std::string held = changelog + "OUTERSHARED-0000000008-store-changelog";
    view("u2", "cart", 10000);  // closes home's window: home first, cart held
    {
        auto e = make_engine("jor_");
        ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 1; }));
    }
    // Timestamp, side (1: left), key -> the held rows; a tombstone once emitted.
    auto changes = test::read_topic(*broker_, held, 1, 4, 3s);
    ASSERT_EQ(changes.size(), 3u);
    const std::string home_key("\0\0\0\0\0\0\x03\xe8\x01u1", 11);
    EXPECT_EQ(changes[0].key, home_key);
    EXPECT_EQ(changes[0].value, std::string("\0\0\0\x17", 4) + R"({"C0":"u1","C1":"home"})");
    EXPECT_EQ(changes[1].key, home_key);
    EXPECT_FALSE(changes[1].value.has_value());
    view("u3", "pay", 20000);  // closes cart's
    auto e = make_engine("jor_");
    ASSERT_TRUE(eventually([&] { return status_of(*e).produced == 1; }));
    auto out = test::read_topic(*broker_, "JO_JOINED", 1, 3, 3s);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].key, "u1");
    EXPECT_EQ(out[0].value, R"({"PAGE":"home","BUTTON":null})");
    EXPECT_EQ(out[0].timestamp_ms, 1000);
    EXPECT_EQ(out[1].key, "u2");
    EXPECT_EQ(out[1].value, R"({"PAGE":"cart","BUTTON":null})");
}

// Two engines run the same join; when one leaves, the other restores the
// windows of its partitions: the clicks read after the rebalance join the
// views the engine that left read.
TEST_F(JoinEngineTest, StreamJoinWindowsMoveWithARebalance) {
    const std::string statements =
        "CREATE STREAM jr_views (id VARCHAR KEY, page VARCHAR) WITH "
        "(KAFKA_TOPIC='jr_views', VALUE_FORMAT='JSON', PARTITIONS=2);\n"
        "CREATE STREAM jr_clicks (id VARCHAR KEY, button VARCHAR) WITH "
        "(KAFKA_TOPIC='jr_clicks', VALUE_FORMAT='JSON', PARTITIONS=2);\n"
        "CREATE STREAM jr_joined AS SELECT v.id, page, button FROM jr_views v JOIN jr_clicks c "
        "WITHIN 1 HOUR ON v.id = c.id;";
    auto a = make_engine("jrb_");
    run(*a, statements);
    auto b = make_engine("jrb_");  // replays the command topic: the same query
    ASSERT_TRUE(eventually([&] {
        return status_of(*a).state == query_state::running &&
               status_of(*b).state == query_state::running;
    }));
    // Views, one user at a time, until b has read some: the rebalance that
    // gives b its partitions takes a few seconds, and a reads everything
    // until then.
    int views = 0;
    ASSERT_TRUE(eventually(
        [&] {
            if (status_of(*b).consumed > 0) {
                return true;
            }
            if (views < 400) {
                test::produce(*broker_, "jr_views",
                              {{.key = fmt::format("u{}", views++),
                                .value = R"({"PAGE":"home"})",
                                .timestamp_ms = 1000}});
            }
            std::this_thread::sleep_for(50ms);
            return false;
        },
        60s))
        << views << " views, none read by b";
    const auto n = static_cast<uint64_t>(views);
    ASSERT_TRUE(eventually([&] { return status_of(*a).consumed + status_of(*b).consumed == n; }));
    // b's windows move to a.
    b.reset();  // leaves the group: a takes over its partitions
    std::vector<test::test_record> clicks;
    for (int u = 0; u < views; ++u) {
        clicks.push_back(
            {.key = fmt::format("u{}", u), .value = R"({"BUTTON":"buy"})", .timestamp_ms = 2000});
    }
    test::produce(*broker_, "jr_clicks", clicks);
    ASSERT_TRUE(eventually([&] { return status_of(*a).produced == n; })) << status_of(*a).produced;
    auto out = test::read_topic(*broker_, "JR_JOINED", 2, n + 1, 3s);
    EXPECT_EQ(out.size(), n);
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
