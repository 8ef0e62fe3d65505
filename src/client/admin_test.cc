#include "client/admin.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "client/producer.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<admin_client> make_admin(const std::string& bootstrap,
                                         std::chrono::milliseconds timeout = 10s) {
    client_settings s;
    apply_bootstrap(s, bootstrap);
    config::diagnostics diags;
    auto a = admin_client::create(s, diags, timeout);
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.err().message);
    return std::move(*a);
}

void produce(const std::string& bootstrap, const std::string& topic, int32_t partition, int count,
             int64_t first_timestamp_ms = 0) {
    client_settings s;
    apply_bootstrap(s, bootstrap);
    config::diagnostics diags;
    auto p = producer::create(s, diags);
    ASSERT_TRUE(p.ok());
    for (int i = 0; i < count; ++i) {
        ASSERT_TRUE(
            (*p)->send({.topic = topic,
                        .partition = partition,
                        .value = "v",
                        .timestamp_ms = first_timestamp_ms == 0 ? 0 : first_timestamp_ms + i})
                .ok());
    }
    ASSERT_TRUE((*p)->flush(10s).ok());
    ASSERT_EQ((*p)->stats().delivered, static_cast<uint64_t>(count));
}

const topic_metadata* find_topic(const cluster_metadata& md, const std::string& name) {
    auto it = std::find_if(md.topics.begin(), md.topics.end(),
                           [&](const auto& t) { return t.name == name; });
    return it == md.topics.end() ? nullptr : &*it;
}

// What both brokers serve: metadata, watermarks, offsets for times, and
// committed offsets (OffsetCommit / OffsetFetch).
class AdminBothTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }
    std::unique_ptr<testing::test_broker> broker_;
};

TEST_P(AdminBothTest, MetadataListsTopicsWithSortedPartitions) {
    ASSERT_TRUE(broker_->create_topic("clicks", 3).ok());
    auto a = make_admin(broker_->bootstrap());
    auto md = a->metadata();
    ASSERT_TRUE(md.ok()) << md.err().message;
    ASSERT_FALSE(md->brokers.empty());
    const auto* t = find_topic(*md, "clicks");
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(t->partitions.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(t->partitions[i].id, i);
        EXPECT_GE(t->partitions[i].leader, 0);
        EXPECT_EQ(t->partitions[i].replicas.size(), 1u);
    }
    EXPECT_EQ(find_topic(*md, "no-such-topic"), nullptr);
}

TEST_P(AdminBothTest, Watermarks) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce(broker_->bootstrap(), "events", 0, 10);
    auto a = make_admin(broker_->bootstrap());
    auto w = a->query_watermarks({"events", 0});
    ASSERT_TRUE(w.ok()) << w.err().message;
    EXPECT_EQ(w->low, 0);
    EXPECT_EQ(w->high, 10);
    EXPECT_FALSE(a->query_watermarks({"events", 7}).ok());
}

TEST_P(AdminBothTest, AlterAndListCommittedOffsets) {
    ASSERT_TRUE(broker_->create_topic("t", 2).ok());
    produce(broker_->bootstrap(), "t", 0, 5);
    auto a = make_admin(broker_->bootstrap());
    auto altered = a->alter_group_offsets("g1", {{{"t", 0}, 3}, {{"t", 1}, 0}});
    ASSERT_TRUE(altered.ok()) << altered.err().message;
    ASSERT_EQ(altered->size(), 2u);
    for (const auto& o : *altered) {
        EXPECT_EQ(o.error, RD_KAFKA_RESP_ERR_NO_ERROR) << o.tp.topic << "-" << o.tp.partition;
    }
    auto listed = a->list_group_offsets("g1");
    ASSERT_TRUE(listed.ok()) << listed.err().message;
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ((*listed)[0].tp, (topic_partition{"t", 0}));
    EXPECT_EQ((*listed)[0].offset, 3);
    EXPECT_EQ((*listed)[1].tp, (topic_partition{"t", 1}));
    EXPECT_EQ((*listed)[1].offset, 0);

    auto none = a->list_group_offsets("never-committed");
    ASSERT_TRUE(none.ok()) << none.err().message;
    EXPECT_TRUE(none->empty());
}

INSTANTIATE_TEST_SUITE_P(Brokers, AdminBothTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

// The admin APIs proper: our broker only (the mock cluster has none of them).
class AdminTest : public ::testing::Test {
  protected:
    std::unique_ptr<testing::test_broker> broker_ = testing::start_clickstream_broker();
    std::unique_ptr<admin_client> admin_ = make_admin(broker_->bootstrap());
};

TEST_F(AdminTest, CreateTopicsKeepsPerTopicErrors) {
    ASSERT_TRUE(broker_->create_topic("exists", 1).ok());
    auto r = admin_->create_topics({{"fresh", 2, 1, {{"retention.ms", "60000"}}},
                                    {"exists", 1, 1, {}},
                                    {"replicated", 1, 3, {}}});
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r->size(), 3u);
    std::map<std::string, item_status> by_name;
    for (const auto& s : *r) {
        by_name[s.name] = s;
    }
    EXPECT_TRUE(by_name["fresh"].ok()) << by_name["fresh"].message;
    EXPECT_EQ(by_name["exists"].code, RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    EXPECT_FALSE(by_name["exists"].message.empty());
    EXPECT_EQ(by_name["replicated"].code, RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR);
    EXPECT_FALSE(by_name["replicated"].message.empty());

    auto md = admin_->metadata();
    ASSERT_TRUE(md.ok());
    ASSERT_NE(find_topic(*md, "fresh"), nullptr);
    EXPECT_EQ(find_topic(*md, "fresh")->partitions.size(), 2u);
    EXPECT_EQ(find_topic(*md, "replicated"), nullptr);
}

// The mock cluster answers a ListOffsets by timestamp with -1 whatever the
// records' times: our broker only.
TEST_F(AdminTest, OffsetsForTimes) {
    ASSERT_TRUE(broker_->create_topic("events", 1).ok());
    produce(broker_->bootstrap(), "events", 0, 10, 1'700'000'000'000);
    auto at = admin_->offsets_for_times({{"events", 0}}, 1'700'000'000'004);
    ASSERT_TRUE(at.ok()) << at.err().message;
    ASSERT_EQ(at->size(), 1u);
    EXPECT_EQ((*at)[0].offset, 4);
    auto late = admin_->offsets_for_times({{"events", 0}}, 1'800'000'000'000);
    ASSERT_TRUE(late.ok());
    EXPECT_EQ((*late)[0].offset, -1);  // no record that late
}

TEST_F(AdminTest, BrokerDefaultsForPartitionsAndReplication) {
    auto r = admin_->create_topics({{"defaults", -1, -1, {}}});
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_TRUE((*r)[0].ok()) << (*r)[0].message;
    auto md = admin_->metadata();
    ASSERT_TRUE(md.ok());
    ASSERT_NE(find_topic(*md, "defaults"), nullptr);
}

TEST_F(AdminTest, DescribeConfigsReportsSources) {
    auto r = admin_->create_topics({{"cfg", 1, 1, {{"retention.ms", "60000"}}}});
    ASSERT_TRUE(r.ok() && (*r)[0].ok());
    auto c = admin_->describe_topic_configs({"cfg", "missing"});
    ASSERT_TRUE(c.ok()) << c.err().message;
    ASSERT_EQ(c->size(), 2u);
    const auto& cfg = (*c)[0].status.name == "cfg" ? (*c)[0] : (*c)[1];
    const auto& missing = (*c)[0].status.name == "cfg" ? (*c)[1] : (*c)[0];
    ASSERT_TRUE(cfg.status.ok()) << cfg.status.message;
    auto it = std::find_if(cfg.entries.begin(), cfg.entries.end(),
                           [](const auto& e) { return e.name == "retention.ms"; });
    ASSERT_NE(it, cfg.entries.end());
    EXPECT_EQ(it->value, "60000");
    EXPECT_EQ(it->source, RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
    auto seg = std::find_if(cfg.entries.begin(), cfg.entries.end(),
                            [](const auto& e) { return e.name == "segment.bytes"; });
    ASSERT_NE(seg, cfg.entries.end());
    EXPECT_TRUE(seg->is_default());
    EXPECT_FALSE(missing.status.ok());
    EXPECT_FALSE(missing.status.message.empty());
}

TEST_F(AdminTest, CreatePartitionsAndDeleteTopics) {
    ASSERT_TRUE(broker_->create_topic("grow", 1).ok());
    auto grown = admin_->create_partitions({{"grow", 4}, {"absent", 2}});
    ASSERT_TRUE(grown.ok()) << grown.err().message;
    ASSERT_EQ(grown->size(), 2u);
    for (const auto& s : *grown) {
        if (s.name == "grow") {
            EXPECT_TRUE(s.ok()) << s.message;
        } else {
            EXPECT_EQ(s.code, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
        }
    }
    auto shrink = admin_->create_partitions({{"grow", 2}});
    ASSERT_TRUE(shrink.ok());
    EXPECT_EQ((*shrink)[0].code, RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);

    auto md = admin_->metadata();
    ASSERT_TRUE(md.ok());
    EXPECT_EQ(find_topic(*md, "grow")->partitions.size(), 4u);

    auto deleted = admin_->delete_topics({"grow", "absent"});
    ASSERT_TRUE(deleted.ok()) << deleted.err().message;
    for (const auto& s : *deleted) {
        EXPECT_EQ(s.ok(), s.name == "grow") << s.name << ": " << s.message;
    }
    md = admin_->metadata();
    ASSERT_TRUE(md.ok());
    EXPECT_EQ(find_topic(*md, "grow"), nullptr);
}

TEST_F(AdminTest, GroupsListDescribeDelete) {
    ASSERT_TRUE(broker_->create_topic("t", 1).ok());
    ASSERT_TRUE(admin_->alter_group_offsets("offsets-only", {{{"t", 0}, 0}}).ok());
    auto listed = admin_->list_groups();
    ASSERT_TRUE(listed.ok()) << listed.err().message;
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].group_id, "offsets-only");
    EXPECT_EQ((*listed)[0].state, "Empty");

    auto described = admin_->describe_groups({"offsets-only", "unknown-group"});
    ASSERT_TRUE(described.ok()) << described.err().message;
    ASSERT_EQ(described->size(), 2u);
    for (const auto& d : *described) {
        EXPECT_TRUE(d.status.ok()) << d.status.message;
        EXPECT_TRUE(d.members.empty());
        EXPECT_EQ(d.state, d.status.name == "offsets-only" ? "Empty" : "Dead");
    }

    auto deleted = admin_->delete_groups({"offsets-only", "unknown-group"});
    ASSERT_TRUE(deleted.ok()) << deleted.err().message;
    for (const auto& s : *deleted) {
        if (s.name == "offsets-only") {
            EXPECT_TRUE(s.ok()) << s.message;
        } else {
            EXPECT_EQ(s.code, RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND);
        }
    }
    listed = admin_->list_groups();
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->empty());
}

TEST(AdminMock, AdminApisTheMockLacksFailClearly) {
    auto mock = testing::start_mock_cluster();
    auto a = make_admin(mock->bootstrap(), 3s);
    auto r = a->create_topics({{"x", 1, 1, {}}});
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(r.err().message.empty());
    auto g = a->list_groups();
    ASSERT_FALSE(g.ok());
    EXPECT_FALSE(g.err().message.empty());
}

TEST(AdminUnreachable, EveryCallReturnsWithinItsTimeout) {
    auto a = make_admin("127.0.0.1:1", 1500ms);
    auto md = a->metadata();
    EXPECT_FALSE(md.ok());
    auto r = a->create_topics({{"x", 1, 1, {}}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, errc::timed_out) << r.err().message;
    auto g = a->list_groups();
    EXPECT_FALSE(g.ok());
    auto o = a->list_group_offsets("g");
    EXPECT_FALSE(o.ok());
}

}  // namespace
}  // namespace cs::client
