// query_runner with processing.guarantee=exactly_once_v2, against
// librdkafka's mock cluster and our broker. Injected request errors are the
// mock's (rd_kafka_mock_push_request_errors): those tests skip on our broker.
//
// librdkafka 2.0's mock cluster speaks the transactional APIs but keeps no
// transaction state in its logs (no control records, the last stable offset
// is the high watermark) and drops TxnOffsetCommit's offsets: a test that
// needs aborted records hidden from read_committed readers, or offsets
// committed in a transaction, skips where a probe shows the broker lacks it.

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "streams/query_runner.h"
#include "streams/test_exprs.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;
using test::col;

constexpr int16_t add_partitions_to_txn_api = 24;
constexpr int16_t end_txn_api = 26;

std::vector<test::test_record> clicks(int first, int count) {
    std::vector<test::test_record> out;
    for (int i = first; i < first + count; ++i) {
        out.push_back(
            {.key = fmt::format("k{}", i), .value = fmt::format(R"({{"name":"n{}"}})", i)});
    }
    return out;
}

class QueryRunnerEosTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        broker_ = GetParam() == "mock" ? cs::testing::start_mock_cluster()
                                       : cs::testing::start_clickstream_broker();
        // The mock cluster has no CreateTopics: every topic exists up front.
        for (const char* t : {"clicks", "out", "out-dlq", "probe"}) {
            ASSERT_TRUE(broker_->create_topic(t, 1).ok()) << t;
        }
    }

    client::client_settings settings() const {
        auto s = test::settings_for(*broker_);
        s.set("transaction.timeout.ms", txn_timeout_ms_, "test");
        return s;
    }

    // Long enough that a loaded machine (the sanitizer build in CI) never
    // times out a live transaction: the broker would abort it and fence the
    // runner. The crash test shortens it so the dead runner's transaction
    // ends soon (librdkafka's minimum is 1 s).
    std::string txn_timeout_ms_ = "60000";

    // A producer with this transactional.id, and its init_transactions().
    std::pair<std::unique_ptr<client::producer>, client::txn_status> transactional(
        const std::string& id) {
        auto s = settings();
        s.set("transactional.id", id, "test");
        config::diagnostics diags;
        auto p = client::producer::create(s, diags);
        EXPECT_TRUE(p.ok()) << p.err().message;
        if (!p.ok()) {
            return {};
        }
        auto st = (*p)->init_transactions(30s);
        return {std::move(*p), st};
    }

    // Whether a read_committed reader skips an aborted transaction's
    // records: writes one to "probe" in a transaction, aborts it, reads.
    bool hides_aborted_records() {
        auto [p, init] = transactional("probe-aborted");
        EXPECT_TRUE(init.ok()) << init.message();
        EXPECT_TRUE(p->begin_transaction().ok());
        EXPECT_TRUE(p->send({.topic = "probe", .value = "aborted"}).ok());
        EXPECT_TRUE(p->flush(10s).ok());
        auto st = p->abort_transaction(10s);
        EXPECT_TRUE(st.ok()) << st.message();
        return test::read_topic(*broker_, "probe", 1, 1, 2s).empty();
    }

    // Whether offsets sent in a committed transaction become the group's
    // committed offsets (the mock cluster drops them).
    bool keeps_transactional_offsets() {
        auto [p, init] = transactional("probe-offsets");
        EXPECT_TRUE(init.ok()) << init.message();
        EXPECT_TRUE(p->begin_transaction().ok());
        client::group_metadata_handle group(rd_kafka_consumer_group_metadata_new("probe-group"));
        EXPECT_TRUE(p->send_offsets_to_transaction({{"probe", 0, 1}}, group.get(), 10s).ok());
        EXPECT_TRUE(p->commit_transaction(10s).ok());
        auto c = settings();
        c.set("group.id", "probe-group", "test");
        config::diagnostics diags;
        auto consumer = client::consumer::create(c, diags);
        EXPECT_TRUE(consumer.ok());
        auto committed = (*consumer)->committed({{"probe", 0}}, 10s);
        EXPECT_TRUE(committed.ok());
        return committed.ok() && committed->at(0).offset == 1;
    }

    std::unique_ptr<query_runner> runner(std::chrono::milliseconds commit_interval = 1h,
                                         std::chrono::milliseconds poll_timeout = 100ms) {
        runner_options opts;
        opts.auto_offset_reset = "earliest";
        opts.commit_interval = commit_interval;
        opts.poll_timeout = poll_timeout;
        opts.guarantee = processing_guarantee::exactly_once_v2;
        auto s = settings();
        s.set("heartbeat.interval.ms", "100", "test: see a rebalance at once");
        // SELECT K AS KEY, NAME FROM clicks; a value that is not JSON goes
        // to the DLQ.
        auto r = query_runner::create(
            test::keyed_plan("out", col(0, sql_type::string(), "K"), true), {}, s, opts);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return std::move(*r);
    }

    // The output's values in order, each expected exactly once.
    static void expect_names(const std::vector<test::read_record>& out, int first, int count) {
        ASSERT_EQ(out.size(), static_cast<size_t>(count));
        for (int i = 0; i < count; ++i) {
            EXPECT_EQ(out[i].key, fmt::format("k{}", first + i));
            EXPECT_EQ(out[i].value, fmt::format(R"({{"NAME":"n{}"}})", first + i));
        }
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
};

TEST_P(QueryRunnerEosTest, OutputAndDlqAreCommittedInTransactions) {
    auto in = clicks(0, 20);
    in[7] = {.key = "bad", .value = "not json"};
    test::produce(*broker_, "clicks", in);
    auto r = runner();
    ASSERT_TRUE(r->prepare().ok());
    ASSERT_TRUE(test::step_until(*r, r->counters().consumed, 20).ok());
    ASSERT_EQ(r->counters().consumed.load(), 20u);
    // Sent, not committed (the interval is an hour, and no poll was idle).
    EXPECT_EQ(r->counters().produced.load(), 0u);
    EXPECT_EQ(r->counters().txn_committed.load(), 0u);
    if (hides_aborted_records()) {
        std::this_thread::sleep_for(200ms);  // the records reach the broker
        EXPECT_TRUE(test::read_topic(*broker_, "out", 1, 1, 1s).empty());
    }
    ASSERT_TRUE(test::step_until_idle(*r).ok());  // an idle poll commits
    EXPECT_EQ(r->counters().produced.load(), 19u);
    EXPECT_EQ(r->counters().dlq.load(), 1u);
    EXPECT_GE(r->counters().txn_committed.load(), 1u);
    EXPECT_EQ(r->counters().txn_aborted.load(), 0u);
    r->stop();
    EXPECT_EQ(r->state(), query_state::stopped) << r->last_error();

    auto out = test::read_topic(*broker_, "out", 1, 20, 2s);  // 19: none twice
    ASSERT_EQ(out.size(), 19u);
    size_t k = 0;
    for (int i = 0; i < 20; ++i) {
        if (i != 7) {
            EXPECT_EQ(out[k++].value, fmt::format(R"({{"NAME":"n{}"}})", i));
        }
    }
    auto dlq = test::read_topic(*broker_, "out-dlq", 1, 2, 2s);
    ASSERT_EQ(dlq.size(), 1u);
    EXPECT_EQ(dlq[0].value, "not json");
}

// AddPartitionsToTxn fails for the first transaction (the mock cluster
// answers TOPIC_AUTHORIZATION_FAILED, an abortable error): the runner
// aborts it, reads its input again from the committed offsets, and every
// record comes out once.
TEST_P(QueryRunnerEosTest, AnAbortedTransactionsInputIsProcessedAgainOnce) {
    if (auto st = broker_->fail_next_requests(add_partitions_to_txn_api,
                                              {RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED});
        !st) {
        GTEST_SKIP() << st.message();
    }
    test::produce(*broker_, "clicks", clicks(0, 10));
    auto r = runner(0ms);  // commits after every batch
    ASSERT_TRUE(r->prepare().ok());
    ASSERT_TRUE(test::step_until(*r, r->counters().produced, 10).ok());
    ASSERT_EQ(r->counters().produced.load(), 10u);
    EXPECT_EQ(r->counters().txn_aborted.load(), 1u);
    EXPECT_GE(r->counters().txn_committed.load(), 1u);
    // The aborted transaction's input was read twice (all ten, unless the
    // first poll took only some).
    EXPECT_GT(r->counters().consumed.load(), 10u);
    ASSERT_TRUE(test::step_until_idle(*r).ok());
    EXPECT_EQ(r->counters().produced.load(), 10u);
    r->stop();
    expect_names(test::read_topic(*broker_, "out", 1, 11, 3s), 0, 10);
}

// EndTxn answers PRODUCER_FENCED (another producer took over the
// transactional.id): librdkafka's producer is unusable, the query stops
// saying why, and nothing of the transaction counts as produced.
TEST_P(QueryRunnerEosTest, AFencedProducerStopsTheQuery) {
    if (auto st = broker_->fail_next_requests(end_txn_api, {RD_KAFKA_RESP_ERR_PRODUCER_FENCED});
        !st) {
        GTEST_SKIP() << st.message();
    }
    test::produce(*broker_, "clicks", clicks(0, 3));
    auto r = runner(0ms);
    ASSERT_TRUE(r->prepare().ok());
    status failed;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (failed.ok() && std::chrono::steady_clock::now() < deadline) {
        if (auto n = r->step(); !n) {
            failed = n.err();
        }
    }
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(r->state(), query_state::failed);
    // librdkafka reports PRODUCER_FENCED as its own _FENCED.
    EXPECT_EQ(r->last_error().rfind("fatal transaction error, the query stops: committing the "
                                    "transaction: _FENCED: ",
                                    0),
              0u)
        << r->last_error();
    EXPECT_NE(r->last_error().find("fenced by a newer instance"), std::string::npos)
        << r->last_error();
    EXPECT_EQ(r->counters().produced.load(), 0u);
    EXPECT_EQ(r->counters().txn_committed.load(), 0u);
    r->stop();
    EXPECT_EQ(r->state(), query_state::failed);
}

// Before a rebalance takes a runner's partition, its open transaction
// commits (the output and the offsets), so the partition's next owner does
// not process that input again.
TEST_P(QueryRunnerEosTest, TheOpenTransactionCommitsBeforeARebalanceMovesThePartition) {
    test::produce(*broker_, "clicks", clicks(0, 3));
    // A's polls are long: none of them finds nothing (and commits) before
    // the deadline below, so only the revocation can commit by then.
    auto a = runner(1h, 3s);
    ASSERT_TRUE(a->prepare().ok());
    ASSERT_TRUE(test::step_until(*a, a->counters().consumed, 3).ok());
    ASSERT_EQ(a->counters().consumed.load(), 3u);
    ASSERT_EQ(a->counters().txn_committed.load(), 0u);

    auto b = runner();
    EXPECT_TRUE(test::run_while_second_member_joins(
        *a, *b, [&] { return a->counters().txn_committed.load() == 1; }, 2500ms));
    EXPECT_EQ(a->counters().produced.load(), 3u);
    EXPECT_EQ(a->last_error(), "");
    EXPECT_EQ(b->last_error(), "");
    const uint64_t b_read = b->counters().consumed.load();
    a->stop();
    b->stop();
    // B starts at the offsets A's transaction committed, where the broker
    // keeps them (the mock drops them: B reads from the beginning there).
    if (keeps_transactional_offsets()) {
        EXPECT_EQ(b_read, 0u);
        expect_names(test::read_topic(*broker_, "out", 1, 4, 2s), 0, 3);
    }
}

// A runner that dies with its transaction open (output sent, nothing
// committed): read_committed readers never see that output, and the
// restarted query processes the input after the last commit once.
TEST_P(QueryRunnerEosTest, ACrashedTransactionStaysInvisibleAndItsInputIsReadAgain) {
    if (!hides_aborted_records()) {
        GTEST_SKIP() << broker_->name() << " shows aborted records to read_committed readers";
    }
    txn_timeout_ms_ = "3000";  // the broker aborts the dead runner's transaction this soon
    test::produce(*broker_, "clicks", clicks(0, 5));
    {
        auto r = runner();
        ASSERT_TRUE(r->prepare().ok());
        ASSERT_TRUE(test::step_until(*r, r->counters().produced, 5).ok());
        ASSERT_EQ(r->counters().produced.load(), 5u);
        test::produce(*broker_, "clicks", clicks(5, 5));
        // Processed and sent; the commit interval is an hour.
        ASSERT_TRUE(test::step_until(*r, r->counters().consumed, 10).ok());
        ASSERT_EQ(r->counters().consumed.load(), 10u);
        std::this_thread::sleep_for(200ms);  // its output reaches the broker
        r->abandon();
    }
    expect_names(test::read_topic(*broker_, "out", 1, 6, 2s), 0, 5);

    auto r = runner();
    ASSERT_TRUE(r->prepare().ok());
    ASSERT_TRUE(test::step_until(*r, r->counters().produced, 5).ok());
    EXPECT_EQ(r->counters().consumed.load(), 5u);  // from the committed offset on
    r->stop();
    // Visible once the broker has aborted the dead runner's transaction
    // (transaction.timeout.ms).
    expect_names(test::read_topic(*broker_, "out", 1, 11, 20s), 0, 10);
}

INSTANTIATE_TEST_SUITE_P(Brokers, QueryRunnerEosTest, ::testing::Values("mock", "clickstream"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(ProcessingGuarantee, AcceptsKsqlDbsValues) {
    auto v2 = parse_processing_guarantee("processing.guarantee", "exactly_once_v2");
    ASSERT_TRUE(v2.ok());
    EXPECT_EQ(*v2, processing_guarantee::exactly_once_v2);
    auto v1 = parse_processing_guarantee("processing.guarantee", "exactly_once");
    ASSERT_TRUE(v1.ok());
    EXPECT_EQ(*v1, processing_guarantee::exactly_once_v2);  // deprecated, run as v2
    auto alo = parse_processing_guarantee("processing.guarantee", "at_least_once");
    ASSERT_TRUE(alo.ok());
    EXPECT_EQ(*alo, processing_guarantee::at_least_once);
    auto bad = parse_processing_guarantee("ksql.streams.processing.guarantee", "EXACTLY_ONCE");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message,
              "property ksql.streams.processing.guarantee: 'EXACTLY_ONCE' is not one of "
              "at_least_once, exactly_once_v2, exactly_once");
}

}  // namespace
}  // namespace cs::streams
