// GROUP BY through the statement engine against our broker: the state
// survives a restart (restored from the changelog topic) and two engines
// running the same query share its groups through the repartition topic,
// across a rebalance.

#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "streams/engine.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

using test::eventually;

class AggregateEngineTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    std::unique_ptr<engine> make_engine(const std::string& service_id) {
        return test::start_engine(*broker_, service_id);
    }

    std::string run(engine& e, const std::string& sql) { return test::run_script(e, sql); }

    static uint64_t produced(const engine& e) {
        uint64_t n = 0;
        for (const auto& s : e.query_statuses()) {
            n += s.produced;
        }
        return n;
    }

    // "u<k>" clicks, n per user, spread over the partitions by their ids.
    void clicks(int users, int per_user, int first_id) {
        std::vector<test::test_record> in;
        int id = first_id;
        for (int i = 0; i < per_user; ++i) {
            for (int u = 0; u < users; ++u) {
                in.push_back({.key = fmt::format("id{}", id++),
                              .value = fmt::format(R"({{"user_id":"u{}"}})", u)});
            }
        }
        test::produce(*broker_, "ag_clicks", in);
    }

    // Every count each user's rows carried, in output order.
    std::map<std::string, std::vector<std::string>> counts(size_t records, int partitions) {
        std::map<std::string, std::vector<std::string>> by_user;
        for (const auto& r : test::read_topic(*broker_, "AG_PER_USER", partitions, records, 20s)) {
            by_user[r.key.value_or("")].push_back(r.value.value_or("null"));
        }
        return by_user;
    }

    static std::vector<std::string> one_to(int n) {
        std::vector<std::string> v;
        for (int i = 1; i <= n; ++i) {
            v.push_back(fmt::format(R"({{"N":{}}})", i));
        }
        return v;
    }

    static constexpr const char* statements =
        "CREATE STREAM ag_clicks (id VARCHAR KEY, user_id VARCHAR) WITH "
        "(KAFKA_TOPIC='ag_clicks', VALUE_FORMAT='JSON', PARTITIONS=4);\n"
        "CREATE TABLE ag_per_user AS SELECT user_id, COUNT(*) AS n FROM ag_clicks "
        "GROUP BY user_id;";

    std::unique_ptr<cs::testing::test_broker> broker_;
};

// A stopped engine's counts go on where they were after a restart: not
// reset (the state is read back from the changelog), not doubled (the
// offsets were committed on stop).
TEST_F(AggregateEngineTest, CountsContinueAfterARestart) {
    {
        auto e = make_engine("agr_");
        run(*e, statements);
        clicks(3, 2, 0);
        ASSERT_TRUE(eventually([&] { return produced(*e) == 6; })) << produced(*e);
    }
    clicks(3, 3, 100);
    auto e = make_engine("agr_");
    ASSERT_TRUE(eventually([&] { return produced(*e) == 9; })) << produced(*e);
    std::string explain = run(*e, "EXPLAIN CTAS_AG_PER_USER_1;");
    EXPECT_NE(explain.find("[ AGGREGATE ] | GROUP BY "), std::string::npos) << explain;
    EXPECT_NE(explain.find("KSQL_AGG_VARIABLE_0 := COUNT(*)"), std::string::npos) << explain;
    EXPECT_NE(explain.find("[ REPARTITION ]"), std::string::npos) << explain;
    std::string described = run(*e, "DESCRIBE ag_per_user EXTENDED;");
    EXPECT_NE(described.find("USER_ID"), std::string::npos) << described;
    EXPECT_NE(described.find("(primary key)"), std::string::npos) << described;
    EXPECT_NE(run(*e, "SHOW QUERIES;").find("CTAS_AG_PER_USER_1"), std::string::npos);
    auto by_user = counts(15, 4);
    ASSERT_EQ(by_user.size(), 3u);
    for (const auto& [user, values] : by_user) {
        EXPECT_EQ(values, one_to(5)) << user;
    }
}

// Two engines with the same service id run the query as one consumer
// group: each user's clicks are counted by the one process owning its
// repartition partition; when one engine stops, the other restores that
// state and goes on. Each user's counts are 1, 2, ... with no gap, reset
// or repeat.
TEST_F(AggregateEngineTest, TwoEnginesShareTheGroupsAcrossARebalance) {
    auto a = make_engine("agt_");
    run(*a, statements);
    auto b = make_engine("agt_");  // replays the command topic: the same query
    ASSERT_EQ(b->query_statuses().size(), 1u);
    ASSERT_TRUE(eventually([&] {
        return a->query_statuses().at(0).state == query_state::running &&
               b->query_statuses().at(0).state == query_state::running;
    }));
    std::this_thread::sleep_for(3s);  // both members in the group
    clicks(8, 5, 0);
    ASSERT_TRUE(eventually([&] { return produced(*a) + produced(*b) == 40; }, 60s))
        << produced(*a) << " + " << produced(*b);
    EXPECT_GT(produced(*a), 0u);
    EXPECT_GT(produced(*b), 0u);
    const uint64_t by_a = produced(*a);
    b.reset();  // leaves the group: a takes over its partitions
    clicks(8, 3, 1000);
    ASSERT_TRUE(eventually([&] { return produced(*a) == by_a + 24; })) << produced(*a);
    auto by_user = counts(64, 4);
    ASSERT_EQ(by_user.size(), 8u);
    for (const auto& [user, values] : by_user) {
        EXPECT_EQ(values, one_to(8)) << user;
    }
}

// A windowed aggregation restores its windows and its stream time: after
// the restart a record for a window closed before it is still late, and an
// open window's count goes on.
TEST_F(AggregateEngineTest, WindowsAndStreamTimeSurviveARestart) {
    auto click = [](int64_t ts) {
        return test::test_record{.key = "u1", .value = R"({"url":"/a"})", .timestamp_ms = ts};
    };
    {
        auto e = make_engine("agw_");
        run(*e,
            "CREATE STREAM ag_clicks (user_id VARCHAR KEY, url VARCHAR) WITH "
            "(KAFKA_TOPIC='ag_clicks', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
            "CREATE TABLE ag_per_user AS SELECT user_id, COUNT(*) AS n FROM ag_clicks "
            "WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 1 MINUTE) GROUP BY user_id;");
        test::produce(*broker_, "ag_clicks", {click(1'000), click(200'000)});
        ASSERT_TRUE(eventually([&] { return produced(*e) == 2; })) << produced(*e);
    }
    test::produce(*broker_, "ag_clicks", {click(2'000), click(201'000)});
    auto e = make_engine("agw_");
    std::string described = run(*e, "DESCRIBE ag_per_user EXTENDED;");
    EXPECT_NE(described.find("Windowed             : TUMBLING"), std::string::npos) << described;
    ASSERT_TRUE(eventually([&] { return e->query_statuses().at(0).consumed == 2; }));
    ASSERT_TRUE(eventually([&] { return produced(*e) == 1; })) << produced(*e);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(produced(*e), 1u);  // the record at 2000 was late
    auto out = test::read_topic(*broker_, "AG_PER_USER", 1, 4, 3s);
    ASSERT_EQ(out.size(), 3u);
    auto start_of = [](const std::string& key) {
        int64_t v = 0;
        for (size_t i = key.size() - 8; i < key.size(); ++i) {
            v = (v << 8) | static_cast<uint8_t>(key[i]);
        }
        return v;
    };
    EXPECT_EQ(start_of(out[0].key.value_or("")), 0);
    EXPECT_EQ(start_of(out[1].key.value_or("")), 180'000);
    EXPECT_EQ(start_of(out[2].key.value_or("")), 180'000);
    EXPECT_EQ(out[2].key.value_or("").substr(0, 2), "u1");
    EXPECT_EQ(out[2].value.value_or(""), R"({"N":2})");
}

// A session window restored from the changelog merges with a record after
// the restart: the old session's tombstone, then the merged session.
TEST_F(AggregateEngineTest, SessionsMergeAcrossARestart) {
    auto click = [](int64_t ts) {
        return test::test_record{.key = "u1", .value = R"({"url":"/a"})", .timestamp_ms = ts};
    };
    const std::string setup =
        "CREATE STREAM ag_clicks (user_id VARCHAR KEY, url VARCHAR) WITH "
        "(KAFKA_TOPIC='ag_clicks', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE TABLE ag_per_user AS SELECT user_id, COUNT(*) AS n FROM ag_clicks "
        "WINDOW SESSION (10 SECONDS) GROUP BY user_id;";
    {
        auto e = make_engine("ags_");
        run(*e, setup);
        test::produce(*broker_, "ag_clicks", {click(1'000)});
        ASSERT_TRUE(eventually([&] { return produced(*e) == 1; })) << produced(*e);
    }
    test::produce(*broker_, "ag_clicks", {click(2'000)});
    auto e = make_engine("ags_");
    ASSERT_TRUE(eventually([&] { return produced(*e) == 2; })) << produced(*e);
    auto out = test::read_topic(*broker_, "AG_PER_USER", 1, 3, 5s);
    ASSERT_EQ(out.size(), 3u);
    auto bounds = [](const std::string& key) {  // end, start
        auto at = [&](size_t from) {
            int64_t v = 0;
            for (size_t i = from; i < from + 8; ++i) {
                v = (v << 8) | static_cast<uint8_t>(key[i]);
            }
            return v;
        };
        return std::pair{at(key.size() - 16), at(key.size() - 8)};
    };
    EXPECT_EQ(bounds(out[0].key.value_or("")), (std::pair<int64_t, int64_t>{1'000, 1'000}));
    EXPECT_EQ(out[0].value.value_or(""), R"({"N":1})");
    EXPECT_EQ(bounds(out[1].key.value_or("")), (std::pair<int64_t, int64_t>{1'000, 1'000}));
    EXPECT_FALSE(out[1].value.has_value());  // the old session's tombstone
    EXPECT_EQ(bounds(out[2].key.value_or("")), (std::pair<int64_t, int64_t>{2'000, 1'000}));
    EXPECT_EQ(out[2].value.value_or(""), R"({"N":2})");
}

// exactly_once_v2: the changelog writes are in the query's transactions;
// a restart restores the committed state. (GROUP BY another expression
// under exactly_once_v2: repartition_eos_test.cc.)
TEST_F(AggregateEngineTest, ExactlyOnceGroupByTheKey) {
    const std::string setup =
        "SET 'processing.guarantee'='exactly_once_v2';\n"
        "CREATE STREAM ag_clicks (user_id VARCHAR KEY, url VARCHAR) WITH "
        "(KAFKA_TOPIC='ag_clicks', VALUE_FORMAT='JSON', PARTITIONS=2);\n";
    {
        auto e = make_engine("age_");
        run(*e, setup +
                    "CREATE TABLE ag_per_user AS SELECT user_id, COUNT(*) AS n FROM ag_clicks "
                    "GROUP BY user_id;");
        std::vector<test::test_record> in;
        for (int i = 0; i < 6; ++i) {
            in.push_back({.key = fmt::format("u{}", i % 3), .value = R"({"url":"/a"})"});
        }
        test::produce(*broker_, "ag_clicks", in);
        ASSERT_TRUE(eventually([&] { return produced(*e) == 6; })) << produced(*e);
    }
    std::vector<test::test_record> more;
    for (int i = 0; i < 3; ++i) {
        more.push_back({.key = fmt::format("u{}", i), .value = R"({"url":"/b"})"});
    }
    test::produce(*broker_, "ag_clicks", more);
    auto e = make_engine("age_");
    ASSERT_TRUE(eventually([&] { return produced(*e) == 3; })) << produced(*e);
    auto by_user = counts(9, 2);
    ASSERT_EQ(by_user.size(), 3u);
    for (const auto& [user, values] : by_user) {
        EXPECT_EQ(values, one_to(3)) << user;
    }
}

}  // namespace
}  // namespace cs::streams
