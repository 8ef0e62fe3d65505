#include "client/consumer.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "client/producer.h"
#include "client/reachability.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

using namespace std::chrono_literals;
using settings_list = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t base_ts = 1'700'000'000'000;

// Parameters: our broker (else the mock cluster); the group's partitions read
// by the built-in fetcher (else by librdkafka).
class ConsumerTest : public ::testing::TestWithParam<std::tuple<bool, bool>> {
  protected:
    void SetUp() override {
        broker_ = ours() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
    }
    static bool ours() { return std::get<0>(GetParam()); }
    static bool builtin() { return std::get<1>(GetParam()); }

    client_settings settings(const settings_list& extra) const {
        client_settings s;
        apply_bootstrap(s, broker_->bootstrap());
        // Quick joins and fetches: the tests wait on real brokers.
        s.set("fetch.wait.max.ms", "50", "test");
        s.set("topic.metadata.refresh.interval.ms", "500", "test");
        if (builtin()) {
            s.set("isolation.level", "read_uncommitted", "test");  // the fetcher's only level
        }
        for (const auto& [k, v] : extra) {
            s.set(k, v, "test");
        }
        return s;
    }

    std::unique_ptr<consumer> make(const settings_list& extra, rebalance_listener l = {}) {
        config::diagnostics diags;
        auto c =
            consumer::create(settings(extra), diags, std::move(l), {.builtin_fetch = builtin()});
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.err().message);
        if (!c.ok()) {
            return nullptr;
        }
        EXPECT_EQ((*c)->uses_builtin_fetch(), builtin());
        return std::move(*c);
    }

    // n records "v<i>" keyed "k<i % 5>" with a header, at base_ts + i; to
    // partition p, or round-robin over partitions when p < 0.
    void produce(const std::string& topic, int n, int partitions, int p = -1, int first = 0) {
        client_settings s = settings({});
        config::diagnostics diags;
        auto prod = producer::create(s, diags);
        ASSERT_TRUE(prod.ok());
        for (int i = first; i < first + n; ++i) {
            std::string key = "k" + std::to_string(i % 5);
            std::string value = "v" + std::to_string(i);
            ASSERT_TRUE((*prod)
                            ->send({.topic = topic,
                                    .partition = p >= 0 ? p : i % partitions,
                                    .key = key,
                                    .value = value,
                                    .headers = {{"source", "test"}, {"empty", std::nullopt}},
                                    .timestamp_ms = base_ts + i})
                            .ok());
        }
        ASSERT_TRUE((*prod)->flush(10s).ok());
    }

    // Polls until n records arrived or ~20 s of empty polls went by.
    static std::vector<message> receive(consumer& c, size_t n) {
        std::vector<message> out;
        // Up to 60 s of empty polls: the mock cluster's group join is slow
        // under ASan on a loaded machine (20 s was once not enough in CI).
        for (int empty = 0; out.size() < n && empty < 600;) {
            auto got = c.poll_batch(out, n - out.size(), 100ms);
            EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.err().message);
            if (!got.ok() || *got == 0) {
                ++empty;
            }
        }
        return out;
    }

    std::unique_ptr<testing::test_broker> broker_;
};

TEST_P(ConsumerTest, SubscriptionDeliversEveryRecordWithoutCopying) {
    ASSERT_TRUE(broker_->create_topic("clicks", 3).ok());
    produce("clicks", 300, 3);
    auto c = make({{"group.id", "g1"}, {"auto.offset.reset", "earliest"}});
    ASSERT_TRUE(check_reachable(c->handle(), broker_->bootstrap()).ok());
    ASSERT_TRUE(c->subscribe({"clicks"}).ok());
    auto msgs = receive(*c, 300);
    ASSERT_EQ(msgs.size(), 300u);
    std::set<std::string> values;
    for (const auto& m : msgs) {
        ASSERT_TRUE(m.value().has_value());
        values.insert(std::string(*m.value()));
        int i = std::stoi(std::string(m.value()->substr(1)));
        EXPECT_EQ(m.topic(), "clicks");
        EXPECT_EQ(m.partition(), i % 3);
        EXPECT_EQ(m.key(), "k" + std::to_string(i % 5));
        EXPECT_EQ(m.timestamp_ms(), base_ts + i);
        EXPECT_EQ(m.timestamp_type(), timestamp_kind::create_time);
        ASSERT_EQ(m.header_count(), 2u);
        EXPECT_EQ(m.header(0).key, "source");
        EXPECT_EQ(m.header(0).value, "test");
        EXPECT_EQ(m.header(1).key, "empty");
        EXPECT_FALSE(m.header(1).value.has_value());
        // The view is the fetched buffer itself (librdkafka's or ours).
        if (builtin()) {
            EXPECT_EQ(m.raw(), nullptr);
        } else {
            EXPECT_EQ(static_cast<const void*>(m.value()->data()), m.raw()->payload);
        }
    }
    EXPECT_EQ(values.size(), 300u);
    EXPECT_TRUE(c->close().ok());
    EXPECT_TRUE(c->close().ok());  // idempotent
}

TEST_P(ConsumerTest, RegexSubscriptionMatchesTopicNames) {
    for (const char* t : {"clicks-a", "clicks-b", "views"}) {
        ASSERT_TRUE(broker_->create_topic(t, 1).ok());
        produce(t, 10, 1);
    }
    auto c = make({{"group.id", "regex"}, {"auto.offset.reset", "earliest"}});
    ASSERT_TRUE(c->subscribe({"^clicks-.*"}).ok());
    auto msgs = receive(*c, 20);
    ASSERT_EQ(msgs.size(), 20u);
    std::set<std::string> topics;
    for (const auto& m : msgs) {
        topics.insert(std::string(m.topic()));
    }
    EXPECT_EQ(topics, (std::set<std::string>{"clicks-a", "clicks-b"}));
    std::vector<message> more;
    auto got = c->poll_batch(more, 10, 500ms);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, 0u) << "a record of \"views\" arrived";
}

TEST_P(ConsumerTest, AssignReadsFromExplicitOffsets) {
    ASSERT_TRUE(broker_->create_topic("two", 2).ok());
    produce("two", 20, 2, 0);
    produce("two", 20, 2, 1, 100);
    // librdkafka's high-level consumer needs a group.id even for assign();
    // nothing joins that group.
    auto c = make({{"group.id", "unused"}});
    auto st = c->assign({{"two", 0, 5}, {"two", 1, offset_beginning}});
    ASSERT_TRUE(st.ok()) << st.message();
    auto msgs = receive(*c, 35);
    ASSERT_EQ(msgs.size(), 35u);
    int64_t min0 = 1 << 30;
    for (const auto& m : msgs) {
        if (m.partition() == 0) {
            min0 = std::min(min0, m.offset());
        }
    }
    EXPECT_EQ(min0, 5);
    auto a = c->assignment();
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->size(), 2u);

    ASSERT_TRUE(c->assign({{"two", 0, offset_end}}).ok());
    std::vector<message> none;
    auto got = c->poll_batch(none, 10, 500ms);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, 0u);
}

TEST_P(ConsumerTest, CommittedOffsetsAreWhereTheGroupResumes) {
    ASSERT_TRUE(broker_->create_topic("resume", 1).ok());
    produce("resume", 100, 1);
    settings_list manual = {{"group.id", "resume-group"},
                            {"auto.offset.reset", "earliest"},
                            {"enable.auto.commit", "false"},
                            {"enable.auto.offset.store", "false"},
                            // The mock coordinator waits a session timeout before
                            // rebalancing a group a member left.
                            {"session.timeout.ms", "6000"},
                            {"heartbeat.interval.ms", "500"}};
    {
        auto c = make(manual);
        ASSERT_TRUE(c->subscribe({"resume"}).ok());
        auto msgs = receive(*c, 40);
        ASSERT_EQ(msgs.size(), 40u);
        EXPECT_EQ(msgs.back().offset(), 39);
        ASSERT_TRUE(c->store_offsets(msgs).ok());
        ASSERT_TRUE(c->commit(commit_mode::sync).ok());
        auto committed = c->committed({{"resume", 0}}, 5s);
        ASSERT_TRUE(committed.ok()) << committed.err().message;
        EXPECT_EQ(committed->at(0).offset, 40);
        ASSERT_TRUE(c->close().ok());
    }
    {
        auto c = make(manual);
        ASSERT_TRUE(c->subscribe({"resume"}).ok());
        auto msgs = receive(*c, 10);
        ASSERT_EQ(msgs.size(), 10u);
        EXPECT_EQ(msgs.front().offset(), 40);
        ASSERT_TRUE(c->commit({{"resume", 0, 50}}, commit_mode::async).ok());
        // An async commit completes in a later poll; close waits for it.
        ASSERT_TRUE(c->close().ok());
    }
    {
        auto c = make(manual);
        auto committed = c->committed({{"resume", 0}}, 5s);
        ASSERT_TRUE(committed.ok()) << committed.err().message;
        EXPECT_EQ(committed->at(0).offset, 50);
    }
}

TEST_P(ConsumerTest, DestructorCommitsStoredOffsetsWithAutoCommit) {
    ASSERT_TRUE(broker_->create_topic("auto", 1).ok());
    produce("auto", 50, 1);
    settings_list s = {{"group.id", "auto-group"},
                       {"auto.offset.reset", "earliest"},
                       {"auto.commit.interval.ms", "600000"},  // only close() commits
                       {"enable.auto.offset.store", "false"}};
    {
        auto c = make(s);
        ASSERT_TRUE(c->subscribe({"auto"}).ok());
        auto msgs = receive(*c, 30);
        ASSERT_EQ(msgs.size(), 30u);
        ASSERT_TRUE(c->store_offsets(std::span(msgs).first(25)).ok());
        msgs.clear();  // messages must not outlive their consumer
    }                  // no close(): the destructor closes
    auto c = make(s);
    auto committed = c->committed({{"auto", 0}}, 5s);
    ASSERT_TRUE(committed.ok()) << committed.err().message;
    EXPECT_EQ(committed->at(0).offset, 25);
}

// Two members share a topic; the first one closes and the second owns every
// partition well before the (long) session timeout: close() left the group.
// Run with the eager and the cooperative protocol.
TEST_P(ConsumerTest, CloseLeavesTheGroupAndRebalancesFollowTheProtocol) {
    if (!ours()) {
        // librdkafka 2.0's mock coordinator holds a JoinGroup until its
        // rebalance timeout, and the client's LeaveGroup queues behind it on
        // the coordinator connection: a leave is not observable there.
        GTEST_SKIP() << "mock cluster: JoinGroup blocks LeaveGroup";
    }
    ASSERT_TRUE(broker_->create_topic("shared", 4).ok());
    for (std::string strategy : {"range", "cooperative-sticky"}) {
        SCOPED_TRACE(strategy);
        bool cooperative = strategy == "cooperative-sticky";
        settings_list s = {{"group.id", "shared-" + strategy},
                           {"partition.assignment.strategy", strategy},
                           {"session.timeout.ms", "45000"},
                           {"heartbeat.interval.ms", "200"}};
        std::vector<rebalance_event> events;
        auto listener = [&](const rebalance_event& ev) { events.push_back(ev); };
        auto a = make(s, listener);
        auto b = make(s, listener);
        ASSERT_TRUE(a->subscribe({"shared"}).ok());
        ASSERT_TRUE(b->subscribe({"shared"}).ok());
        auto owned = [](consumer& c) { return c.assignment().ok() ? c.assignment()->size() : 0; };
        std::vector<message> sink;
        for (int i = 0; i < 300 && (owned(*a) == 0 || owned(*b) == 0 || owned(*a) + owned(*b) != 4);
             ++i) {
            (void)a->poll_batch(sink, 10, 50ms);
            (void)b->poll_batch(sink, 10, 50ms);
        }
        ASSERT_GT(owned(*a), 0u);
        ASSERT_GT(owned(*b), 0u);
        ASSERT_EQ(owned(*a) + owned(*b), 4u);
        ASSERT_FALSE(events.empty());
        for (const auto& ev : events) {
            EXPECT_EQ(ev.cooperative, cooperative);
        }
        ASSERT_TRUE(a->close().ok());
        for (int i = 0; i < 300 && owned(*b) != 4; ++i) {
            (void)b->poll_batch(sink, 10, 50ms);
        }
        EXPECT_EQ(owned(*b), 4u);
        ASSERT_TRUE(b->close().ok());
        // The last event of each close is a revocation of what it owned.
        EXPECT_EQ(events.back().what, rebalance_event::kind::revoked);
    }
}

// Two members commit after every batch while the group rebalances around
// them (the second joins late, then the first leaves): together they read
// every record, and none twice, whichever fetch path reads the partitions.
TEST_P(ConsumerTest, MembersCommittingEachBatchReadEveryRecordOnce) {
    if (!ours()) {
        GTEST_SKIP() << "mock cluster: JoinGroup blocks LeaveGroup (see above)";
    }
    ASSERT_TRUE(broker_->create_topic("once", 4).ok());
    produce("once", 400, 4);
    settings_list s = {{"group.id", "once"},
                       {"auto.offset.reset", "earliest"},
                       {"enable.auto.commit", "false"},
                       {"enable.auto.offset.store", "false"},
                       {"session.timeout.ms", "45000"},
                       {"heartbeat.interval.ms", "200"}};
    std::multiset<std::string> seen;
    auto step = [&](consumer& c) {
        std::vector<message> batch;
        auto got = c.poll_batch(batch, 25, 50ms);
        ASSERT_TRUE(got.ok()) << got.err().message;
        for (const auto& m : batch) {
            seen.insert(std::string(*m.value()));
        }
        ASSERT_TRUE(c.store_offsets(batch).ok());
        ASSERT_TRUE(c.commit(commit_mode::sync).ok());
    };
    auto a = make(s);
    ASSERT_TRUE(a->subscribe({"once"}).ok());
    for (int i = 0; i < 400 && seen.size() < 100; ++i) {
        step(*a);
    }
    ASSERT_GE(seen.size(), 100u);
    auto b = make(s);
    ASSERT_TRUE(b->subscribe({"once"}).ok());
    for (int i = 0; i < 20; ++i) {
        step(*a);
        step(*b);
    }
    produce("once", 200, 4, -1, 400);
    ASSERT_TRUE(a->close().ok());
    for (int i = 0; i < 600 && seen.size() < 600; ++i) {
        step(*b);
    }
    EXPECT_EQ(seen.size(), 600u);
    std::set<std::string> distinct(seen.begin(), seen.end());
    EXPECT_EQ(distinct.size(), seen.size()) << "a record was read twice";
    ASSERT_TRUE(b->close().ok());
}

// seek_to_committed rewinds the group's partitions to its committed offsets,
// or where it has none to the offset given, with either fetch path.
TEST_P(ConsumerTest, SeekToCommittedRewindsToTheGroupsOffsetsOrTheFallback) {
    ASSERT_TRUE(broker_->create_topic("rewind", 1).ok());
    produce("rewind", 60, 1);
    for (bool committed : {true, false}) {
        SCOPED_TRACE(committed);
        auto c = make({{"group.id", committed ? "rewind-committed" : "rewind-none"},
                       {"auto.offset.reset", "earliest"},
                       {"enable.auto.commit", "false"}});
        ASSERT_TRUE(c->subscribe({"rewind"}).ok());
        auto first = receive(*c, 50);
        ASSERT_EQ(first.size(), 50u);
        if (committed) {
            ASSERT_TRUE(c->commit({{"rewind", 0, 40}}, commit_mode::sync).ok());
        }
        auto gm = c->group_metadata();
        ASSERT_TRUE(gm.ok()) << gm.err().message;
        auto to = c->seek_to_committed({{"rewind", 0, 7}}, 5s);
        ASSERT_TRUE(to.ok()) << to.err().message;
        ASSERT_EQ(to->size(), 1u);
        EXPECT_EQ(to->at(0).offset, committed ? 40 : 7);
        auto again = receive(*c, 5);
        ASSERT_EQ(again.size(), 5u);
        EXPECT_EQ(again.front().offset(), committed ? 40 : 7);
        ASSERT_TRUE(c->close().ok());
    }
}

TEST_P(ConsumerTest, UnknownSubscribedTopicIsAnError) {
    if (!ours()) {
        GTEST_SKIP() << "the mock cluster creates every topic a client asks about";
    }
    auto c = make({{"group.id", "missing"}});
    ASSERT_TRUE(c->subscribe({"no-such-topic"}).ok());
    std::optional<error> failure;
    std::vector<message> out;
    for (int i = 0; i < 100 && !failure; ++i) {
        auto got = c->poll_batch(out, 10, 100ms);
        if (!got.ok()) {
            failure = got.err();
        }
    }
    ASSERT_TRUE(failure.has_value());
    EXPECT_NE(failure->message.find("no-such-topic"), std::string::npos) << failure->message;
}

INSTANTIATE_TEST_SUITE_P(Brokers, ConsumerTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const auto& p) {
                             return std::string(std::get<0>(p.param) ? "clickstream" : "mock") +
                                    (std::get<1>(p.param) ? "_builtin_fetch" : "");
                         });

}  // namespace
// librdkafka 2.0 pauses a partition's fetch for up to a second whenever the
// queue reaches queued.min.messages: raised unless the settings name it.
TEST(ConsumerSettings, FetchQueueThresholdIsRaisedUnlessSet) {
    auto value_of = [](const client_settings& s) {
        config::diagnostics diags;
        auto c = consumer::create(s, diags);
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.err().message);
        char buf[64];
        size_t n = sizeof buf;
        EXPECT_EQ(rd_kafka_conf_get(rd_kafka_conf((*c)->handle()), "queued.min.messages", buf, &n),
                  RD_KAFKA_CONF_OK);
        return std::string(buf);
    };
    client_settings s;
    s.set("group.id", "g", "test");
    s.set("bootstrap.servers", "127.0.0.1:1", "test");
    if (rd_kafka_version() < 0x020100ff) {
        EXPECT_EQ(value_of(s), std::to_string(fetch_queue_min_messages));
    }
    s.set("queued.min.messages", "1234", "test");
    EXPECT_EQ(value_of(s), "1234");
}

}  // namespace cs::client
