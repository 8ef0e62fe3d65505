#include "tools/groups.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/admin.h"
#include "client/producer.h"
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

run_result run(groups_options o, const std::string& bootstrap,
               std::chrono::milliseconds connect_timeout = 5s) {
    o.connection.bootstrap_server = bootstrap;
    std::ostringstream out, err;
    admin_tool_env env;
    env.out = &out;
    env.err = &err;
    env.connect_timeout = connect_timeout;
    env.request_timeout = 10s;
    env.env = [](const std::string&) { return std::optional<std::string>(); };
    int code = run_groups(o, env);
    return {code, out.str(), err.str()};
}

// A real group member: librdkafka's high-level consumer, subscribed to one
// topic, committing synchronously what it read.
class test_consumer {
  public:
    test_consumer(const std::string& bootstrap, const std::string& group,
                  const std::string& topic) {
        client::client_settings s;
        client::apply_bootstrap(s, bootstrap);
        s.set("group.id", group, "test");
        s.set("client.id", "test-client", "test");
        s.set("auto.offset.reset", "earliest", "test");
        s.set("enable.auto.commit", "false", "test");
        config::diagnostics diags;
        auto conf = client::make_conf(s, client::role::consumer, diags);
        EXPECT_TRUE(conf.ok());
        char errstr[512];
        rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr));
        EXPECT_TRUE(rk_) << errstr;
        (void)conf->release();
        rd_kafka_poll_set_consumer(rk_.get());
        client::partition_list_handle topics(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
        EXPECT_EQ(rd_kafka_subscribe(rk_.get(), topics.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ~test_consumer() { close(); }
    test_consumer(const test_consumer&) = delete;
    test_consumer& operator=(const test_consumer&) = delete;

    // Reads n records (within a generous bound), then commits them.
    void consume_and_commit(int n) {
        int got = 0;
        for (int i = 0; i < 300 && got < n; ++i) {
            client::message_handle m(rd_kafka_consumer_poll(rk_.get(), 100));
            if (m && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                ++got;
            }
        }
        ASSERT_EQ(got, n);
        ASSERT_EQ(rd_kafka_commit(rk_.get(), nullptr, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    // Leaves the group (LeaveGroup), so it is Empty at once.
    void close() {
        if (rk_ && !closed_) {
            rd_kafka_consumer_close(rk_.get());
            closed_ = true;
        }
    }

  private:
    client::kafka_handle rk_;
    bool closed_ = false;
};

void produce(const std::string& bootstrap, const std::string& topic, int32_t partition, int count,
             int64_t first_timestamp_ms = 0) {
    client::client_settings s;
    client::apply_bootstrap(s, bootstrap);
    config::diagnostics diags;
    auto p = client::producer::create(s, diags);
    ASSERT_TRUE(p.ok());
    for (int i = 0; i < count; ++i) {
        int64_t ts = first_timestamp_ms == 0 ? 0 : first_timestamp_ms + i * 1000;
        ASSERT_TRUE(
            (*p)->send({.topic = topic, .partition = partition, .value = "v", .timestamp_ms = ts})
                .ok());
    }
    ASSERT_TRUE((*p)->flush(10s).ok());
}

groups_options action(bool groups_options::*flag, std::vector<std::string> groups = {}) {
    groups_options o;
    o.*flag = true;
    o.groups = std::move(groups);
    return o;
}

groups_options reset(const std::string& group, std::vector<std::string> topics) {
    groups_options o = action(&groups_options::reset_offsets, {group});
    o.topics = std::move(topics);
    return o;
}

// Everything but the reachability check needs ListGroups, DescribeGroups or
// DeleteGroups, which the mock cluster lacks: these run on our broker.
class GroupsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(broker_->create_topic("clicks", 2).ok());
        produce(bs(), "clicks", 0, 6, 1'700'000'000'000);  // one record a second
        produce(bs(), "clicks", 1, 4);
    }
    std::string bs() const { return broker_->bootstrap(); }
    // The CURRENT-OFFSET column of partition p in --describe's table.
    std::string current_offset(const std::string& group, int p) {
        auto r = run(action(&groups_options::describe, {group}), bs());
        std::istringstream lines(r.out);
        std::string line;
        while (std::getline(lines, line)) {
            std::istringstream cols(line);
            std::string g, t, part, cur;
            cols >> g >> t >> part >> cur;
            if (g == group && t == "clicks" && part == std::to_string(p)) {
                return cur;
            }
        }
        return "(no row)";
    }
    std::unique_ptr<testing::test_broker> broker_ = testing::start_clickstream_broker();
};

TEST_F(GroupsTest, ListShowsGroups) {
    test_consumer c(bs(), "readers", "clicks");
    c.consume_and_commit(10);
    auto r = run(action(&groups_options::list), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "readers\n");
}

TEST_F(GroupsTest, DescribeActiveGroupShowsMembersOffsetsAndLag) {
    test_consumer c(bs(), "readers", "clicks");
    c.consume_and_commit(10);
    produce(bs(), "clicks", 0, 3);  // lag 3 on partition 0
    auto r = run(action(&groups_options::describe, {"readers"}), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string blank, header, row0, row1;
    std::getline(lines, blank);
    std::getline(lines, header);
    std::getline(lines, row0);
    std::getline(lines, row1);
    EXPECT_EQ(blank, "");
    EXPECT_EQ(
        header,
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG       "
        "      CONSUMER-ID" +
            std::string(header.find("HOST") - header.find("CONSUMER-ID") - 11, ' ') + "HOST" +
            std::string(header.find("CLIENT-ID") - header.find("HOST") - 4, ' ') + "CLIENT-ID");
    EXPECT_THAT(row0,
                ::testing::MatchesRegex("readers +clicks +0 +6 +9 +3 +\\S+ +\\S+ +test-client"));
    EXPECT_THAT(row1,
                ::testing::MatchesRegex("readers +clicks +1 +4 +4 +0 +\\S+ +\\S+ +test-client"));
    EXPECT_THAT(row0, Not(HasSubstr(" - ")));
    EXPECT_EQ(r.err, "");
}

TEST_F(GroupsTest, DescribeEmptyGroupSaysSoAndShowsDashes) {
    test_consumer c(bs(), "readers", "clicks");
    c.consume_and_commit(10);
    c.close();
    auto r = run(action(&groups_options::describe, {"readers"}), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("Consumer group 'readers' has no active members."));
    EXPECT_THAT(r.out, ::testing::ContainsRegex("readers +clicks +0 +6 +6 +0 +- +- +-\n"));
}

TEST_F(GroupsTest, UnknownGroupIsAClearError) {
    auto r = run(action(&groups_options::describe, {"ghost"}), bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err,
                HasSubstr("clickstream groups: error: Consumer group 'ghost' does not exist."));
    r = run(action(&groups_options::remove, {"ghost"}), bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("* Group 'ghost' could not be deleted due to: "));
}

TEST_F(GroupsTest, DeleteRefusesAGroupWithMembers) {
    test_consumer c(bs(), "readers", "clicks");
    c.consume_and_commit(10);
    auto r = run(action(&groups_options::remove, {"readers"}), bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Deletion of some consumer groups failed:"));
    EXPECT_THAT(r.err, HasSubstr("* Group 'readers' could not be deleted due to: The group is not "
                                 "empty."));
    c.close();
    r = run(action(&groups_options::remove, {"readers"}), bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "Deletion of requested consumer groups ('readers') was successful.\n");
    EXPECT_EQ(run(action(&groups_options::list), bs()).out, "");
}

TEST_F(GroupsTest, ResetRefusesAnActiveGroup) {
    test_consumer c(bs(), "readers", "clicks");
    c.consume_and_commit(10);
    auto o = reset("readers", {"clicks"});
    o.to_earliest = true;
    o.execute = true;
    auto r = run(o, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Assignments can only be reset if the group 'readers' is "
                                 "inactive, but the current state is Stable."));
}

TEST_F(GroupsTest, ResetScenarios) {
    {
        test_consumer c(bs(), "readers", "clicks");
        c.consume_and_commit(10);
    }
    // Without --execute: Kafka's dry run, announced, nothing committed.
    auto o = reset("readers", {"clicks"});
    o.to_earliest = true;
    auto r = run(o, bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("WARN: No action will be performed as the --execute option is "
                                 "missing."));
    EXPECT_EQ(
        r.out,
        "\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     "
        "\nreaders                        clicks                         0          0              "
        "\nreaders                        clicks                         1          0              "
        "\n");
    EXPECT_EQ(current_offset("readers", 0), "6");
    o.dry_run = true;
    r = run(o, bs());
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(current_offset("readers", 0), "6");

    o.dry_run = false;
    o.execute = true;
    ASSERT_EQ(run(o, bs()).code, 0);
    EXPECT_EQ(current_offset("readers", 0), "0");
    EXPECT_EQ(current_offset("readers", 1), "0");

    o.to_earliest = false;
    o.to_latest = true;
    ASSERT_EQ(run(o, bs()).code, 0);
    EXPECT_EQ(current_offset("readers", 0), "6");
    EXPECT_EQ(current_offset("readers", 1), "4");

    o.to_latest = false;
    o.shift_by = -2;
    ASSERT_EQ(run(o, bs()).code, 0);
    EXPECT_EQ(current_offset("readers", 0), "4");
    EXPECT_EQ(current_offset("readers", 1), "2");
    o.shift_by = -100;  // clamped to the log start
    r = run(o, bs());
    ASSERT_EQ(r.code, 0);
    EXPECT_THAT(r.err, HasSubstr("is lower than earliest offset for topic partition clicks-0. "
                                 "Value will be set to 0"));
    EXPECT_EQ(current_offset("readers", 0), "0");

    o.shift_by.reset();
    o.to_offset = 100;  // clamped to the log end
    r = run(o, bs());
    ASSERT_EQ(r.code, 0);
    EXPECT_THAT(r.err, HasSubstr("New offset (100) is higher than latest offset for topic "
                                 "partition clicks-0. Value will be set to 6"));
    EXPECT_EQ(current_offset("readers", 0), "6");
    EXPECT_EQ(current_offset("readers", 1), "4");

    // Partition syntax: only partition 0 moves.
    o = reset("readers", {"clicks:0"});
    o.to_offset = 1;
    o.execute = true;
    ASSERT_EQ(run(o, bs()).code, 0);
    EXPECT_EQ(current_offset("readers", 0), "1");
    EXPECT_EQ(current_offset("readers", 1), "4");

    // Partition 0's records are one second apart from 1'700'000'000'000
    // (2023-11-14T22:13:20Z); partition 1's are stamped now, so a 2023 time
    // finds its first record, and a time after all of them falls back to
    // the end with Kafka's warning.
    o = reset("readers", {"clicks"});
    o.to_datetime = "2023-11-14T22:13:23.000";
    o.execute = true;
    ASSERT_EQ(run(o, bs()).code, 0);
    EXPECT_EQ(current_offset("readers", 0), "3");
    EXPECT_EQ(current_offset("readers", 1), "0");
    o.to_datetime = "2023-11-14T23:13:22.000+01:00";
    ASSERT_EQ(run(o, bs()).code, 0);
    EXPECT_EQ(current_offset("readers", 0), "2");
    o = reset("readers", {"clicks:0"});
    o.to_datetime = "2999-01-01T00:00:00.000";
    o.execute = true;
    r = run(o, bs());
    ASSERT_EQ(r.code, 0);
    EXPECT_THAT(r.err, HasSubstr("Warn: Partition 0 from topic clicks is empty. Falling back to "
                                 "latest known offset."));
    EXPECT_EQ(current_offset("readers", 0), "6");

    // --all-topics: every partition the group has committed.
    o = reset("readers", {});
    o.all_topics = true;
    o.to_earliest = true;
    o.execute = true;
    r = run(o, bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(current_offset("readers", 0), "0");
    EXPECT_EQ(current_offset("readers", 1), "0");
}

TEST_F(GroupsTest, ResetCreatesOffsetsForANewGroup) {
    auto o = reset("fresh", {"clicks"});
    o.to_latest = true;
    o.execute = true;
    auto r = run(o, bs());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(current_offset("fresh", 0), "6");
    auto shift = reset("never", {"clicks"});
    shift.shift_by = 1;
    r = run(shift, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Cannot shift offset for partition clicks-0 since there is no "
                                 "current committed offset"));
}

TEST_F(GroupsTest, ResetOfUnknownTopicOrPartitionIsAClearError) {
    auto o = reset("g", {"nope"});
    o.to_earliest = true;
    auto r = run(o, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Topic 'nope' does not exist"));
    o = reset("g", {"clicks:7"});
    o.to_earliest = true;
    r = run(o, bs());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("Partition clicks-7 does not exist"));
}

TEST(GroupsMock, AdminApisTheMockLacksAreAClearError) {
    auto mock = testing::start_mock_cluster();
    auto r = run(action(&groups_options::list), mock->bootstrap());
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("clickstream groups: error: "));
}

TEST(GroupsUsage, ContradictoryOptionsExitTwo) {
    auto check = [](groups_options o, const std::string& message) {
        auto r = run(o, "127.0.0.1:1");
        EXPECT_EQ(r.code, 2) << message;
        EXPECT_THAT(r.err, HasSubstr(message));
    };
    check({}, "exactly one action");
    check(action(&groups_options::describe), "takes the option --group");
    auto o = action(&groups_options::remove, {"g"});
    o.topics = {"t"};
    check(o, "does not support topic-specific offset deletion");
    o = reset("g", {"t"});
    check(o, "requires exactly one of the following scenarios");
    o.to_earliest = true;
    o.to_latest = true;
    check(o, "requires exactly one of the following scenarios");
    o = reset("g", {});
    o.to_earliest = true;
    check(o, "One of the reset scopes should be defined");
    o = reset("g", {"t"});
    o.to_earliest = true;
    o.dry_run = o.execute = true;
    check(o, "only accepts one of --execute and --dry-run");
    o = reset("g", {"t"});
    o.to_datetime = "yesterday";
    check(o, "--to-datetime 'yesterday': expected YYYY-MM-DDTHH:mm:SS.sss");
    o = action(&groups_options::list, {"g"});
    check(o, "--group can't be used with --list");
}

TEST(GroupsUnreachable, ClearErrorWithinTheConnectTimeout) {
    auto r = run(action(&groups_options::list), "127.0.0.1:1", 1500ms);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("no Kafka broker answered at 127.0.0.1:1"));
}

TEST(ResetDatetime, KafkasFormatWithOptionalZone) {
    EXPECT_EQ(*parse_reset_datetime("2023-11-14T22:13:20.000"), 1'700'000'000'000);
    EXPECT_EQ(*parse_reset_datetime("2023-11-14T22:13:20.123Z"), 1'700'000'000'123);
    EXPECT_EQ(*parse_reset_datetime("2023-11-14T22:13:20"), 1'700'000'000'000);
    EXPECT_EQ(*parse_reset_datetime("2023-11-14T23:13:20.000+01:00"), 1'700'000'000'000);
    EXPECT_EQ(*parse_reset_datetime("2023-11-14T21:13:20.000-0100"), 1'700'000'000'000);
    EXPECT_EQ(*parse_reset_datetime("2023-11-15T00:13:20.000+02"), 1'700'000'000'000);
    EXPECT_EQ(*parse_reset_datetime("1970-01-01T00:00:00.000"), 0);
    EXPECT_FALSE(parse_reset_datetime("2023-11-14").ok());
    EXPECT_FALSE(parse_reset_datetime("2023-02-30T00:00:00.000").ok());
    EXPECT_FALSE(parse_reset_datetime("2023-11-14T24:00:00.000").ok());
    EXPECT_FALSE(parse_reset_datetime("2023-11-14T22:13:20.5").ok());
    EXPECT_FALSE(parse_reset_datetime("2023-11-14T22:13:20.000 UTC").ok());
}

}  // namespace
}  // namespace cs::tools
