#include "client/producer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "client/reachability.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

using namespace std::chrono_literals;

class ProducerTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }
    std::unique_ptr<producer> make(std::vector<std::pair<std::string, std::string>> extra = {}) {
        client_settings s;
        apply_bootstrap(s, broker_->bootstrap());
        for (auto& [k, v] : extra) {
            s.set(k, v, "test");
        }
        config::diagnostics diags;
        auto p = producer::create(s, diags);
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.err().message);
        return std::move(*p);
    }
    std::unique_ptr<testing::test_broker> broker_;
};

TEST_P(ProducerTest, CountsEveryDelivery) {
    ASSERT_TRUE(broker_->create_topic("clicks", 3).ok());
    auto p = make();
    ASSERT_TRUE(check_reachable(p->handle(), broker_->bootstrap()).ok());
    for (int i = 0; i < 1000; ++i) {
        std::string key = "user" + std::to_string(i % 7);
        std::string value = R"({"n":)" + std::to_string(i) + "}";
        ASSERT_TRUE(p->send({.topic = "clicks",
                             .key = key,
                             .value = value,
                             .headers = {{"source", "test"}, {"nullable", std::nullopt}}})
                        .ok());
    }
    ASSERT_TRUE(p->flush(10s).ok());
    EXPECT_EQ(p->stats().delivered, 1000u);
    EXPECT_EQ(p->stats().failed, 0u);
    EXPECT_EQ(p->summary(), "1000 delivered, 0 failed");
}

TEST_P(ProducerTest, FailuresAreCountedWithTheirReason) {
    ASSERT_TRUE(broker_->create_topic("two", 2).ok());
    auto p = make({{"message.timeout.ms", "2000"}});
    // Partition 5 does not exist. Until the topic's metadata arrives
    // librdkafka queues such a record and fails its delivery; once the
    // metadata is in, it refuses the record at send. When the metadata
    // arrives is up to the broker, so either outcome is counted.
    std::uint64_t refused = 0;
    for (int i = 0; i < 3; ++i) {
        auto st = p->send({.topic = "two", .partition = 5, .value = "x"});
        if (!st.ok()) {
            ++refused;
            EXPECT_NE(st.message().find("two: "), std::string::npos) << st.message();
        }
    }
    ASSERT_TRUE(p->send({.topic = "two", .partition = 0, .value = "y"}).ok());
    (void)p->flush(10s);
    EXPECT_EQ(p->stats().delivered, 1u);
    EXPECT_EQ(p->stats().failed + refused, 3u);
    if (refused < 3) {
        EXPECT_EQ(p->stats().failures.size(), 1u);
        EXPECT_NE(p->summary().find(fmt::format("1 delivered, {} failed (", 3 - refused)),
                  std::string::npos)
            << p->summary();
    }
}

TEST_P(ProducerTest, RecordForAPartitionTheTopicLacksIsRefusedOnceMetadataIsKnown) {
    ASSERT_TRUE(broker_->create_topic("two", 2).ok());
    auto p = make();
    ASSERT_TRUE(p->learn_topics({"two"}, 10s).ok());
    auto st = p->send({.topic = "two", .partition = 5, .value = "x"});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("two: "), std::string::npos) << st.message();
    EXPECT_EQ(p->stats().sent, 0u);
}

TEST_P(ProducerTest, RecordLargerThanMessageMaxBytesIsRefusedAtSend) {
    auto p = make({{"message.max.bytes", "1000"}});
    std::string big(5000, 'x');
    auto st = p->send({.topic = "any", .value = big});
    EXPECT_EQ(st.code(), errc::too_large);
    EXPECT_EQ(p->stats().sent, 0u);
}

// Each transactional call says what the caller may do next: a transaction
// whose partitions could not be added must be aborted (its records are
// purged), and the next one works.
TEST_P(ProducerTest, TransactionErrorsSayWhatTheCallerMayDo) {
    ASSERT_TRUE(broker_->create_topic("t", 1).ok());
    auto p = make({{"transactional.id", "txn-test"}});
    ASSERT_TRUE(p->transactional());
    auto init = p->init_transactions(30s);
    ASSERT_TRUE(init.ok()) << init.message();
    ASSERT_TRUE(p->begin_transaction().ok());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(p->send({.topic = "t", .value = "committed"}).ok());
    }
    auto st = p->commit_transaction(10s);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(p->stats().delivered, 3u);

    constexpr int16_t add_partitions_to_txn = 24;
    if (auto injected = broker_->fail_next_requests(add_partitions_to_txn,
                                                    {RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED});
        !injected) {
        GTEST_SKIP() << injected.message();
    }
    ASSERT_TRUE(p->begin_transaction().ok());
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(p->send({.topic = "t", .value = "aborted"}).ok());
    }
    st = p->commit_transaction(10s);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.kind(), txn_failure::abortable) << st.message();
    EXPECT_EQ(st.message().rfind("committing the transaction: ", 0), 0u) << st.message();
    st = p->abort_transaction(10s);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(p->stats().failed, 2u);
    EXPECT_EQ(p->stats().purged, 2u);

    ASSERT_TRUE(p->begin_transaction().ok());
    ASSERT_TRUE(p->send({.topic = "t", .value = "committed"}).ok());
    ASSERT_TRUE(p->commit_transaction(10s).ok());
    EXPECT_EQ(p->stats().delivered, 4u);
}

INSTANTIATE_TEST_SUITE_P(Brokers, ProducerTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

TEST(Reachability, UnreachableBrokerIsAClearErrorWithinTheTimeout) {
    client_settings s;
    apply_bootstrap(s, "127.0.0.1:1");
    config::diagnostics diags;
    auto p = producer::create(s, diags);
    ASSERT_TRUE(p.ok());
    auto st = check_reachable((*p)->handle(), "127.0.0.1:1", 1500ms);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("no Kafka broker answered at 127.0.0.1:1"), std::string::npos)
        << st.message();
}

}  // namespace
}  // namespace cs::client
