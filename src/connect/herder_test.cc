#include "connect/herder.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "connect/rest/test_plugin.h"

namespace cs::connect {
namespace {

config_map sink_config(const std::string& name, int tasks = 1) {
    return {{"name", name},
            {"connector.class", testing::test_sink_class},
            {"topics", "clicks"},
            {"tasks.max", std::to_string(tasks)},
            {"connection.url", "db://x"}};
}

class Herder : public ::testing::Test {
  protected:
    Herder() { testing::register_test_plugins(plugins_); }

    std::unique_ptr<herder> start_worker() {
        auto h = std::make_unique<herder>(plugins_, store_, host_, "w1:8083");
        EXPECT_TRUE(h->start().ok());
        h->drain_events();
        return h;
    }
    static run_state connector_state(herder& h, const std::string& n) {
        return h.connector_status(n)->connector.state;
    }

    plugin_registry plugins_;
    memory_state_store store_;
    testing::fake_task_host host_;
};

TEST_F(Herder, RestartedWorkerResumesEveryConnectorInItsTargetState) {
    {
        auto h = start_worker();
        ASSERT_TRUE(h->put_config("run", sink_config("run", 2), std::nullopt, false).ok());
        ASSERT_TRUE(h->put_config("pause", sink_config("pause"), std::nullopt, false).ok());
        ASSERT_TRUE(h->pause("pause").ok());
        ASSERT_TRUE(h->put_config("stop", sink_config("stop"), std::nullopt, false).ok());
        ASSERT_TRUE(h->stop_connector("stop").ok());
        ASSERT_TRUE(h->put_config("gone", sink_config("gone"), std::nullopt, false).ok());
        ASSERT_TRUE(h->remove("gone").ok());
        EXPECT_EQ(host_.running(), 3);
        h->stop();
        EXPECT_EQ(host_.running(), 0);
    }
    EXPECT_EQ(store_.state().connector_status.at("run").state, run_state::unassigned)
        << "a leaving worker marks its connectors unassigned";
    auto h = start_worker();
    EXPECT_EQ(h->connector_names(), (std::vector<std::string>{"pause", "run", "stop"}));
    EXPECT_EQ(connector_state(*h, "run"), run_state::running);
    EXPECT_EQ(h->connector_status("run")->tasks.size(), 2u);
    EXPECT_EQ(h->connector_status("run")->tasks[1].state.state, run_state::running);
    EXPECT_EQ(connector_state(*h, "pause"), run_state::paused);
    EXPECT_EQ(h->connector_status("pause")->tasks[0].state.state, run_state::paused);
    EXPECT_TRUE(host_.paused("pause", 0));
    EXPECT_EQ(connector_state(*h, "stop"), run_state::stopped);
    EXPECT_TRUE(h->connector_status("stop")->tasks.empty());
    EXPECT_EQ(host_.running(), 3);
    EXPECT_EQ(store_.state().connector_status.at("run").state, run_state::running);
}

TEST_F(Herder, TaskFailureIsKeptUntilRestart) {
    auto h = start_worker();
    ASSERT_TRUE(h->put_config("c", sink_config("c", 2), std::nullopt, false).ok());
    host_.fail("c", 0, "trace text");
    h->drain_events();
    auto st = h->task_status("c", 0);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->state.state, run_state::failed);
    EXPECT_EQ(st->state.trace, "trace text");
    EXPECT_EQ(store_.state().task_status.at({"c", 0}).state, run_state::failed);
    // Pause/resume do not revive a failed task.
    ASSERT_TRUE(h->pause("c").ok());
    ASSERT_TRUE(h->resume("c").ok());
    h->drain_events();
    EXPECT_EQ(h->task_status("c", 0)->state.state, run_state::failed);
    EXPECT_EQ(h->task_status("c", 1)->state.state, run_state::running);
    ASSERT_TRUE(h->restart_task("c", 0).ok());
    h->drain_events();
    EXPECT_EQ(h->task_status("c", 0)->state.state, run_state::running);
    EXPECT_TRUE(h->task_status("c", 0)->state.trace.empty());
}

TEST_F(Herder, LateEventsOfAStoppedRunnerAreIgnored) {
    auto h = start_worker();
    ASSERT_TRUE(h->put_config("c", sink_config("c"), std::nullopt, false).ok());
    ASSERT_TRUE(h->stop_connector("c").ok());
    host_.fail("c", 0, "too late");  // the runner is gone: nothing happens
    h->drain_events();
    EXPECT_EQ(connector_state(*h, "c"), run_state::stopped);
}

TEST_F(Herder, MissingPluginAfterRestartFailsTheConnector) {
    {
        auto h = start_worker();
        ASSERT_TRUE(h->put_config("c", sink_config("c"), std::nullopt, false).ok());
    }
    plugin_registry empty;
    herder h(empty, store_, host_, "w1:8083");
    ASSERT_TRUE(h.start().ok());
    auto st = h.connector_status("c");
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->connector.state, run_state::failed);
    EXPECT_NE(st->connector.trace.find(testing::test_sink_class), std::string::npos);
}

TEST_F(Herder, ConfigUpdateResplitsTasks) {
    auto h = start_worker();
    ASSERT_TRUE(h->put_config("c", sink_config("c", 1), std::nullopt, false).ok());
    EXPECT_EQ(store_.state().tasks.at("c").size(), 1u);
    auto r = h->put_config("c", sink_config("c", 3), std::nullopt, true);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->created);
    EXPECT_EQ(r->info.tasks.size(), 3u);
    EXPECT_EQ(store_.state().tasks.at("c").size(), 3u);
    EXPECT_EQ(host_.running(), 3);
}

TEST_F(Herder, AliasesResolve) {
    auto h = start_worker();
    auto cfg = sink_config("c");
    cfg["connector.class"] = "TestSink";
    auto r = h->put_config("c", cfg, std::nullopt, false);
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(r->info.type, "sink");
    cfg["connector.class"] = "TestSinkConnector";
    cfg["name"] = "d";
    EXPECT_TRUE(h->put_config("d", cfg, std::nullopt, false).ok());
}

TEST_F(Herder, ActiveTopicsAreRecordedKeptAcrossRestartsAndReset) {
    {
        auto h = start_worker();
        ASSERT_TRUE(h->put_config("c", sink_config("c", 2), std::nullopt, false).ok());
        EXPECT_TRUE(h->active_topics("c").empty());
        host_.use_topic("c", 0, "clicks");
        host_.use_topic("c", 1, "clicks");
        host_.use_topic("c", 1, "views");
        EXPECT_EQ(h->active_topics("c"), (std::vector<std::string>{"clicks", "views"}));
        EXPECT_EQ(store_.state().active_topics.at("c").at("clicks").task, 0);
        EXPECT_EQ(store_.state().active_topics.at("c").at("views").task, 1);
        EXPECT_GT(store_.state().active_topics.at("c").at("views").discover_timestamp, 0);
        // Reported by a task that stops before the herder looked: kept.
        host_.use_topic("c", 0, "late");
        h->stop();
    }
    auto h = start_worker();
    EXPECT_EQ(h->active_topics("c"), (std::vector<std::string>{"clicks", "late", "views"}));
    ASSERT_TRUE(h->reset_active_topics("c").ok());
    EXPECT_TRUE(h->active_topics("c").empty());
    EXPECT_EQ(store_.state().active_topics.count("c"), 0u);
    host_.use_topic("c", 1, "views");
    EXPECT_EQ(h->active_topics("c"), (std::vector<std::string>{"views"}));
    // The background loop records too, without anyone asking.
    host_.use_topic("c", 0, "clicks");
    for (int i = 0; i < 50 && !store_.state().active_topics.at("c").contains("clicks"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(store_.state().active_topics.at("c").contains("clicks"));
    // Deleting the connector keeps its topics, as Connect does.
    ASSERT_TRUE(h->remove("c").ok());
    EXPECT_EQ(h->active_topics("c"), (std::vector<std::string>{"clicks", "views"}));
    EXPECT_TRUE(h->active_topics("never").empty());
}

TEST_F(Herder, TopicTrackingDisabledRecordsNothing) {
    auto h = std::make_unique<herder>(plugins_, store_, host_, "w1:8083");
    h->set_topic_tracking(false, false);
    ASSERT_TRUE(h->start().ok());
    ASSERT_TRUE(h->put_config("c", sink_config("c"), std::nullopt, false).ok());
    host_.use_topic("c", 0, "clicks");
    EXPECT_TRUE(h->active_topics("c").empty());
    EXPECT_TRUE(store_.state().active_topics.empty());
    EXPECT_FALSE(h->topic_tracking());
    EXPECT_FALSE(h->topic_tracking_reset());
}

TEST(Secrets, KeysThatHoldSecrets) {
    EXPECT_TRUE(is_secret_key("connection.password", nullptr));
    EXPECT_TRUE(is_secret_key("aws.secret", nullptr));
    EXPECT_TRUE(is_secret_key("aws.secret.access.key", nullptr));
    EXPECT_FALSE(is_secret_key("key.converter", nullptr));
    EXPECT_FALSE(is_secret_key("connection.user", nullptr));
    testing::test_plugin p(plugin_type::sink);
    EXPECT_TRUE(is_secret_key("db.password", &p));
    EXPECT_FALSE(is_secret_key("mode", &p));
}

TEST(PluginRegistry, AliasesAndAmbiguity) {
    plugin_registry r;
    testing::register_test_plugins(r);
    EXPECT_NE(r.find_connector("org.example.TestSinkConnector"), nullptr);
    EXPECT_NE(r.find_connector("TestSinkConnector"), nullptr);
    EXPECT_NE(r.find_connector("TestSink"), nullptr);
    EXPECT_EQ(r.find_connector("Test"), nullptr);
    EXPECT_NE(r.find_transformation("Noop", plugin_type::transformation), nullptr);
    EXPECT_EQ(r.find_transformation("Noop", plugin_type::predicate), nullptr);

    struct other_sink : testing::test_plugin {
        other_sink() : test_plugin(plugin_type::sink) {}
        std::string class_name() const override { return "com.other.TestSinkConnector"; }
    };
    r.add_connector(std::make_shared<other_sink>());
    EXPECT_EQ(r.find_connector("TestSinkConnector"), nullptr) << "ambiguous alias";
    EXPECT_NE(r.find_connector("com.other.TestSinkConnector"), nullptr);
}

}  // namespace
}  // namespace cs::connect
