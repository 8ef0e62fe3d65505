// GROUP BY over a TABLE through the statement engine against our broker:
// after a restart the query takes a changed row out of the group it was
// in before the restart, so the source table's rows (restored from its
// topic up to the committed offsets) and the groups (restored from the
// changelog) both come back.

#include <chrono>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "streams/engine.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

using test::eventually;

class TableAggregateEngineTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    static uint64_t produced(const engine& e) {
        uint64_t n = 0;
        for (const auto& s : e.query_statuses()) {
            n += s.produced;
        }
        return n;
    }

    void user(int i, const std::string& region, int score) {
        test::produce(*broker_, "tae_users",
                      {{.key = fmt::format("u{}", i),
                        .value = fmt::format(R"({{"region":"{}","score":{}}})", region, score)}});
    }

    // Each region's last row.
    std::map<std::string, std::string> latest(size_t records) {
        std::map<std::string, std::string> last;
        for (const auto& r : test::read_topic(*broker_, "TAE_BY_REGION", 4, records, 20s)) {
            last[r.key.value_or("")] = r.value.value_or("null");
        }
        return last;
    }

    static constexpr const char* statements =
        "CREATE TABLE tae_users (id VARCHAR PRIMARY KEY, region VARCHAR, score INT) WITH "
        "(KAFKA_TOPIC='tae_users', VALUE_FORMAT='JSON', PARTITIONS=4);\n"
        "CREATE TABLE tae_by_region AS SELECT region, COUNT(*) AS n, SUM(score) AS total "
        "FROM tae_users GROUP BY region;";

    std::unique_ptr<cs::testing::test_broker> broker_;
};

TEST_F(TableAggregateEngineTest, ChangesAfterARestartLeaveTheGroupsOfBefore) {
    {
        auto e = test::start_engine(*broker_, "tae_");
        test::run_script(*e, statements);
        for (int i = 0; i < 8; ++i) {
            user(i, fmt::format("r{}", i % 2), i + 1);
        }
        ASSERT_TRUE(eventually([&] { return produced(*e) == 8; })) << produced(*e);
    }
    auto before = latest(8);
    EXPECT_EQ(before["r0"], R"({"N":4,"TOTAL":16})");
    EXPECT_EQ(before["r1"], R"({"N":4,"TOTAL":20})");
    // While the engine is down: u0 moves to r1, u1 goes, u2 changes within r0.
    user(0, "r1", 10);
    test::produce(*broker_, "tae_users", {{.key = "u1", .value = std::nullopt}});
    user(2, "r0", 100);
    auto e = test::start_engine(*broker_, "tae_");
    // u0: r0 then r1; u1: r1; u2: r0 once.
    ASSERT_TRUE(eventually([&] { return produced(*e) == 4; })) << produced(*e);
    auto after = latest(12);
    EXPECT_EQ(after["r0"], R"({"N":3,"TOTAL":112})");
    EXPECT_EQ(after["r1"], R"({"N":4,"TOTAL":28})");
    // And the restarted query goes on from there.
    user(3, "r0", 1);
    ASSERT_TRUE(eventually([&] { return produced(*e) == 6; })) << produced(*e);
    auto last = latest(14);
    EXPECT_EQ(last["r0"], R"({"N":4,"TOTAL":113})");
    EXPECT_EQ(last["r1"], R"({"N":3,"TOTAL":24})");
    EXPECT_EQ(e->query_statuses().at(0).dlq, 0u);
    std::string explain = test::run_script(*e, "EXPLAIN CTAS_TAE_BY_REGION_1;");
    EXPECT_NE(explain.find("[ AGGREGATE ] | GROUP BY "), std::string::npos) << explain;
    EXPECT_NE(explain.find("[ REPARTITION ]"), std::string::npos) << explain;
}

}  // namespace
}  // namespace cs::streams
