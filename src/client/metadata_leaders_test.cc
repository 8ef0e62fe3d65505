#include "client/metadata_leaders.h"

#include <algorithm>
#include <tuple>

#include <gtest/gtest.h>

#include "client/fetch_test_records.h"
#include "client/producer.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

using namespace std::chrono_literals;

// Parameter: our broker (else the mock cluster). Both have one broker, so
// every partition's leader is the bootstrap address.
class MetadataLeadersTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
        client_settings s;
        apply_bootstrap(s, broker_->bootstrap());
        config::diagnostics diags;
        auto p = producer::create(s, diags);
        ASSERT_TRUE(p.ok()) << p.err().message;
        producer_ = std::move(*p);
    }

    std::unique_ptr<testing::test_broker> broker_;
    std::unique_ptr<producer> producer_;
};

TEST_P(MetadataLeadersTest, AnswersOnlyThePartitionsAskedForThatExist) {
    ASSERT_TRUE(broker_->create_topic("three", 3).ok());
    ASSERT_TRUE(broker_->create_topic("one", 1).ok());
    auto leaders = metadata_leaders(producer_->handle(),
                                    {{"three", 2}, {"three", 0}, {"three", 7}, {"one", 0}}, 10s);
    ASSERT_TRUE(leaders.ok()) << leaders.err().message;
    auto got = *leaders;
    std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.topic, a.first.partition) <
               std::tie(b.first.topic, b.first.partition);
    });
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].first, (topic_partition{"one", 0}));
    EXPECT_EQ(got[1].first, (topic_partition{"three", 0}));
    EXPECT_EQ(got[2].first, (topic_partition{"three", 2}));
    broker_address bootstrap = testing_records::parse_address(broker_->bootstrap());
    for (const auto& [tp, addr] : got) {
        EXPECT_EQ(addr.port, bootstrap.port) << tp.topic << " [" << tp.partition << "]";
        EXPECT_GE(addr.id, 0);
        EXPECT_FALSE(addr.host.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Brokers, MetadataLeadersTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

}  // namespace
}  // namespace cs::client
