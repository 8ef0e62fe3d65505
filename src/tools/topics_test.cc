#include "tools/topics.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/admin.h"
#include "testing/test_brokers.h"

namespace cs::tools {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

struct run_result {
    int code;
    std::string out;
    std::string err;
};

run_result run(topics_options o, const std::string& bootstrap,
               std::chrono::milliseconds connect_timeout = 5s,
               std::chrono::milliseconds request_timeout = 10s) {
    if (!o.connection.bootstrap_server && !bootstrap.empty()) {
        o.connection.bootstrap_server = bootstrap;
    }
    std::ostringstream out, err;
    admin_tool_env env;
    env.out = &out;
    env.err = &err;
    env.connect_timeout = connect_timeout;
    env.request_timeout = request_timeout;
    env.env = [](const std::string&) { return std::optional<std::string>(); };
    int code = run_topics(o, env);
    return {code, out.str(), err.str()};
}

topics_options list() {
    topics_options o;
    o.list = true;
    return o;
}
topics_options describe(std::optional<std::string> topic = std::nullopt) {
    topics_options o;
    o.describe = true;
    o.topic = std::move(topic);
    return o;
}
topics_options create(const std::string& topic, std::optional<int> partitions = std::nullopt,
                      std::optional<int> rf = std::nullopt) {
    topics_options o;
    o.create = true;
    o.topic = topic;
    o.partitions = partitions;
    o.replication_factor = rf;
    return o;
}

// What both brokers serve: --list and --describe come from metadata (the
// mock has no DescribeConfigs, so its Configs stay empty with a warning).
class TopicsBothTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }
    // The mock lets an unsupported request (DescribeConfigs) run into the
    // request timeout: keep that short there.
    run_result run_on(const topics_options& o) {
        return run(o, broker_->bootstrap(), 5s, broker_->has_admin_apis() ? 10s : 1500ms);
    }
    std::unique_ptr<testing::test_broker> broker_;
};

TEST_P(TopicsBothTest, ListIsSortedAndFilteredByRegex) {
    ASSERT_TRUE(broker_->create_topic("views", 1).ok());
    ASSERT_TRUE(broker_->create_topic("clicks", 2).ok());
    ASSERT_TRUE(broker_->create_topic("clicks-dlq", 1).ok());
    auto r = run_on(list());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("clicks\nclicks-dlq\nviews\n"));

    auto o = list();
    o.topic = "clicks.*";
    r = run_on(o);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "clicks\nclicks-dlq\n");
    o.topic = "views,clicks";  // a comma is "or", as in Kafka's IncludeList
    r = run_on(o);
    EXPECT_EQ(r.out, "clicks\nviews\n");
}

TEST_P(TopicsBothTest, DescribePrintsKafkasLayout) {
    ASSERT_TRUE(broker_->create_topic("clicks", 2).ok());
    auto r = run_on(describe("clicks"));
    ASSERT_EQ(r.code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string first, p0, p1;
    std::getline(lines, first);
    std::getline(lines, p0);
    std::getline(lines, p1);
    EXPECT_EQ(first, "Topic: clicks\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: ");
    EXPECT_THAT(
        p0, ::testing::MatchesRegex(
                "\tTopic: clicks\tPartition: 0\tLeader: [0-9]+\tReplicas: [0-9]+\tIsr: [0-9]+"));
    EXPECT_THAT(p1, HasSubstr("\tTopic: clicks\tPartition: 1\tLeader: "));
    if (!broker_->has_admin_apis()) {
        EXPECT_THAT(r.err, HasSubstr("warning: topic configs not shown"));
    } else {
        EXPECT_EQ(r.err, "");
    }
}

TEST_P(TopicsBothTest, DescribeWithoutTopicDescribesAll) {
    ASSERT_TRUE(broker_->create_topic("a", 1).ok());
    ASSERT_TRUE(broker_->create_topic("b", 3).ok());
    auto r = run_on(describe());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Topic: a\tPartitionCount: 1\t"));
    EXPECT_THAT(r.out, HasSubstr("Topic: b\tPartitionCount: 3\t"));
    EXPECT_THAT(r.out, HasSubstr("\tTopic: b\tPartition: 2\t"));
}

TEST_P(TopicsBothTest, UnknownTopicIsAClearError) {
    auto r = run_on(describe("nope"));
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("clickstream topics: error: Topic 'nope' does not exist"));
    auto o = describe("nope");
    o.if_exists = true;
    r = run_on(o);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "");
}

INSTANTIATE_TEST_SUITE_P(Brokers, TopicsBothTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

// --create, --alter, --delete and Configs: our broker only (the mock cluster
// has no CreateTopics, CreatePartitions, DeleteTopics or DescribeConfigs).
class TopicsTest : public ::testing::Test {
  protected:
    std::unique_ptr<testing::test_broker> broker_ = testing::start_clickstream_broker();
    std::string bs() const { return broker_->bootstrap(); }
};

TEST_F(TopicsTest, CreateWithConfigsThenDescribeShowsOverrides) {
    auto o = create("clicks", 3, 1);
    o.configs = {"retention.ms=60000", "cleanup.policy=compact"};
    auto r = run(o, bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "Created topic clicks.\n");
    r = run(describe("clicks"), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Topic: clicks\tPartitionCount: 3\tReplicationFactor: 1\t"
                                 "Configs: cleanup.policy=compact,retention.ms=60000\n"));
}

TEST_F(TopicsTest, CreateUsesBrokerDefaultsWithoutPartitionsOrReplication) {
    auto r = run(create("plain"), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    r = run(describe("plain"), bs());
    EXPECT_THAT(r.out, HasSubstr("Topic: plain\tPartitionCount: 1\tReplicationFactor: 1\t"));
}

TEST_F(TopicsTest, CreateExistingNeedsIfNotExists) {
    ASSERT_EQ(run(create("t", 1), bs()).code, 0);
    auto r = run(create("t", 1), bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("clickstream topics: error: Topic 't' already exists"));
    auto o = create("t", 1);
    o.if_not_exists = true;
    r = run(o, bs());
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(TopicsTest, ReplicationFactorAboveBrokersShowsTheBrokersMessage) {
    auto r = run(create("replicated", 1, 3), bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("cannot create topic 'replicated': "));
    EXPECT_THAT(r.err, HasSubstr("3"));  // the broker names the factor asked for
    EXPECT_THAT(run(list(), bs()).out, Not(HasSubstr("replicated")));
}

TEST_F(TopicsTest, CollisionWarningForPeriodOrUnderscore) {
    auto r = run(create("web.clicks", 1), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("WARNING: Due to limitations in metric names"));
}

TEST_F(TopicsTest, AlterRaisesPartitionsAndRefusesFewer) {
    ASSERT_EQ(run(create("grow", 2), bs()).code, 0);
    topics_options o;
    o.alter = true;
    o.topic = "grow";
    o.partitions = 5;
    auto r = run(o, bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(run(describe("grow"), bs()).out, HasSubstr("PartitionCount: 5\t"));
    o.partitions = 3;
    r = run(o, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("cannot alter topic 'grow': "));
    o.topic = "absent";
    r = run(o, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Topic 'absent' does not exist"));
    o.if_exists = true;
    EXPECT_EQ(run(o, bs()).code, 0);
}

TEST_F(TopicsTest, DeleteRemovesTheTopic) {
    ASSERT_EQ(run(create("doomed", 1), bs()).code, 0);
    topics_options o;
    o.remove = true;
    o.topic = "doomed";
    auto r = run(o, bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(run(list(), bs()).out, Not(HasSubstr("doomed")));
    r = run(o, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Topic 'doomed' does not exist"));
    o.if_exists = true;
    EXPECT_EQ(run(o, bs()).code, 0);
}

TEST_F(TopicsTest, ListShowsInternalTopicsUnlessExcluded) {
    ASSERT_EQ(run(create("t", 1), bs()).code, 0);
    // A committed offset makes the broker create __consumer_offsets.
    client::client_settings s;
    client::apply_bootstrap(s, bs());
    config::diagnostics diags;
    auto admin = client::admin_client::create(s, diags, 10s);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE((*admin)->alter_group_offsets("g", {{{"t", 0}, 0}}).ok());

    auto r = run(list(), bs());
    EXPECT_EQ(r.out, "__consumer_offsets\nt\n");
    auto o = list();
    o.exclude_internal = true;
    EXPECT_EQ(run(o, bs()).out, "t\n");
}

TEST_F(TopicsTest, CommandConfigSuppliesBootstrapServers) {
    ASSERT_EQ(run(create("t", 1), bs()).code, 0);
    testing::temp_dir dir;
    auto file = dir.path() / "admin.properties";
    std::ofstream(file) << "bootstrap.servers=" << bs() << "\nrequest.timeout.ms=10000\n";
    auto o = list();
    o.exclude_internal = true;
    o.connection.command_config = file.string();
    auto r = run(o, "");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "t\n");

    std::ofstream(file) << "bootstrap.servers=" << bs() << "\nno.such.setting=1\n";
    r = run(o, "");
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("no.such.setting"));
}

TEST(TopicsUsage, ContradictoryOptionsExitTwo) {
    auto check = [](topics_options o, const std::string& message) {
        auto r = run(o, "127.0.0.1:1");
        EXPECT_EQ(r.code, 2) << message;
        EXPECT_THAT(r.err, HasSubstr(message));
    };
    check({}, "exactly one action");
    auto o = list();
    o.describe = true;
    check(o, "exactly one action");
    check(create("t", 0), "The partitions must be greater than 0");
    topics_options c;
    c.create = true;
    check(c, "--topic is required");
    o = describe("t");
    o.configs = {"a=b"};
    check(o, "--config goes with --create");
    o = create("t", 1);
    o.configs = {"novalue"};
    check(o, "key=val");
    o = list();
    o.if_not_exists = true;
    check(o, "--if-not-exists goes with --create");
    topics_options a;
    a.alter = true;
    a.topic = "t";
    check(a, "--alter needs --partitions");
    o = describe("[");
    check(o, "not a valid regular expression");
}

TEST(TopicsUnreachable, ClearErrorWithinTheConnectTimeout) {
    auto r = run(list(), "127.0.0.1:1", 1500ms);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("clickstream topics: error: no Kafka broker answered at "
                                 "127.0.0.1:1"));
}

}  // namespace
}  // namespace cs::tools
