// Stream-stream joins under exactly_once_v2 (query_runner, the plan from
// SQL): the window changelogs are written in the query's transactions, so
// an aborted or crashed transaction leaves no window state behind, and the
// offsets of both sources are committed with them. The injected abort is
// the mock cluster's (skips on our broker); the crash needs a broker that
// hides aborted records from read_committed readers (ours).

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "streams/parser.h"
#include "streams/planner.h"
#include "streams/query_runner.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

constexpr int16_t add_partitions_to_txn_api = 24;

class JoinEosTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        broker_ = GetParam() == "mock" ? cs::testing::start_mock_cluster()
                                       : cs::testing::start_clickstream_broker();
        define(
            "CREATE STREAM je_views (id VARCHAR KEY, page VARCHAR) WITH "
            "(KAFKA_TOPIC='je_views', VALUE_FORMAT='JSON');");
        define(
            "CREATE STREAM je_clicks (id VARCHAR KEY, button VARCHAR) WITH "
            "(KAFKA_TOPIC='je_clicks', VALUE_FORMAT='JSON');");
        auto st = parse_statement(
            "CREATE STREAM je_out AS SELECT v.id, page, button FROM je_views v JOIN je_clicks c "
            "WITHIN 1 HOUR ON v.id = c.id;");
        ASSERT_TRUE(st.ok()) << st.err().message;
        auto p =
            plan_create_as_select(std::get<ast::create_as_select_stmt>(st->body), *st, catalog_);
        ASSERT_TRUE(p.ok()) << p.err().message;
        plan_ = std::move(*p);
        plan_.id = "CSAS_JE_OUT_1";
        // The mock cluster has no CreateTopics: every topic exists up front.
        const std::string group = query_group_id("default_", plan_.id);
        for (const std::string& t :
             {std::string("je_views"), std::string("je_clicks"), plan_.sink.topic, plan_.dlq_topic,
              group + "-KSTREAM-JOINTHIS-0000000008-store-changelog",
              group + "-KSTREAM-JOINOTHER-0000000009-store-changelog"}) {
            ASSERT_TRUE(broker_->create_topic(t, 1).ok()) << t;
        }
    }

    void define(const std::string& sql) {
        auto st = parse_statement(sql);
        ASSERT_TRUE(st.ok()) << st.err().message;
        auto def = make_source_def(std::get<ast::create_source_stmt>(st->body), *st);
        ASSERT_TRUE(def.ok()) << def.err().message;
        catalog_.defs[def->name] = *def;
    }

    std::unique_ptr<query_runner> runner(std::chrono::milliseconds commit_interval) {
        runner_options opts;
        opts.auto_offset_reset = "earliest";
        opts.commit_interval = commit_interval;
        opts.poll_timeout = 100ms;
        opts.guarantee = processing_guarantee::exactly_once_v2;
        auto s = test::settings_for(*broker_);
        s.set("transaction.timeout.ms", txn_timeout_ms_, "test");
        auto r = query_runner::create(plan_, {}, s, opts);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return r.ok() ? std::move(*r) : nullptr;
    }

    void view(const char* page, int64_t ts) {
        test::produce(
            *broker_, "je_views",
            {{.key = "u1", .value = fmt::format(R"({{"PAGE":"{}"}})", page), .timestamp_ms = ts}});
    }
    void click(const char* button, int64_t ts) {
        test::produce(*broker_, "je_clicks",
                      {{.key = "u1",
                        .value = fmt::format(R"({{"BUTTON":"{}"}})", button),
                        .timestamp_ms = ts}});
    }

    // The committed output's "page|button" pairs.
    std::multiset<std::string> joined(size_t count) {
        std::multiset<std::string> out;
        for (const auto& r : test::read_topic(*broker_, plan_.sink.topic, 1, count, 3s)) {
            const std::string v = r.value.value_or("");
            auto field = [&](const std::string& name) {
                auto at = v.find("\"" + name + "\":\"");
                return at == std::string::npos
                           ? std::string("?")
                           : v.substr(at + name.size() + 4,
                                      v.find('"', at + name.size() + 4) - at - name.size() - 4);
            };
            out.insert(field("PAGE") + "|" + field("BUTTON"));
        }
        return out;
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
    map_catalog catalog_;
    query_plan plan_;
    std::string txn_timeout_ms_ = "60000";
};

// The first transaction fails (AddPartitionsToTxn): after the abort the
// windows are restored from the changelog's committed records (none), not
// kept with the aborted transaction's records in them, so the input read
// again joins once.
TEST_P(JoinEosTest, AnAbortedTransactionsWindowsAreRestoredWithoutIt) {
    if (auto st = broker_->fail_next_requests(add_partitions_to_txn_api,
                                              {RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED});
        !st) {
        GTEST_SKIP() << st.message();
    }
    view("home", 1000);
    click("buy", 2000);
    click("again", 3000);
    auto r = runner(0ms);  // commits after every batch
    ASSERT_TRUE(r->prepare().ok());
    ASSERT_TRUE(test::step_until(*r, r->counters().produced, 2).ok()) << r->last_error();
    EXPECT_EQ(r->counters().txn_aborted.load(), 1u);
    ASSERT_TRUE(test::step_until_idle(*r).ok());
    EXPECT_EQ(r->counters().produced.load(), 2u);
    r->stop();
    EXPECT_EQ(joined(3), (std::multiset<std::string>{"home|buy", "home|again"}));
}

// A runner dies with its transaction open (a click joined and buffered,
// nothing committed). The next one restores the windows from committed
// changelog records only and reads both sources from their committed
// offsets: every pair joins once.
TEST_P(JoinEosTest, ACrashedTransactionLeavesNoWindowStateBehind) {
    if (GetParam() == "mock") {
        GTEST_SKIP() << "the mock cluster shows aborted records to read_committed readers";
    }
    txn_timeout_ms_ = "3000";  // the broker aborts the dead runner's transaction this soon
    view("home", 1000);
    click("buy", 2000);
    {
        auto r = runner(1h);
        ASSERT_TRUE(r->prepare().ok());
        ASSERT_TRUE(test::step_until(*r, r->counters().consumed, 2).ok());
        ASSERT_TRUE(test::step_until_idle(*r).ok());  // an idle poll commits
        ASSERT_EQ(r->counters().produced.load(), 1u);
        click("again", 3000);
        ASSERT_TRUE(test::step_until(*r, r->counters().consumed, 3).ok());
        std::this_thread::sleep_for(200ms);  // its output and changelog record reach the broker
        r->abandon();
    }
    view("cart", 4000);
    auto r = runner(1h);
    ASSERT_TRUE(r->prepare().ok());
    ASSERT_TRUE(test::step_until(*r, r->counters().produced, 3).ok()) << r->last_error();
    ASSERT_TRUE(test::step_until_idle(*r).ok());
    EXPECT_EQ(r->counters().consumed.load(), 2u);  // again, cart: from the committed offsets
    EXPECT_EQ(r->counters().produced.load(), 3u);
    r->stop();
    EXPECT_EQ(joined(5),
              (std::multiset<std::string>{"home|buy", "home|again", "cart|buy", "cart|again"}));
}

INSTANTIATE_TEST_SUITE_P(Brokers, JoinEosTest, ::testing::Values("mock", "clickstream"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace cs::streams
