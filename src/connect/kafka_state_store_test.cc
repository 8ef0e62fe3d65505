// The worker's state in Kafka: internal topics created compacted, Connect's
// record formats, and a worker restarted on the same topics resumes every
// connector in its target state. Runs against our broker in-process.

#include "connect/kafka_state_store.h"

#include <gtest/gtest.h>

#include "client/admin.h"
#include "client/consumer.h"
#include "connect/herder.h"
#include "connect/rest/test_plugin.h"
#include "testing/test_brokers.h"

namespace cs::connect {
namespace {

config_map sink_config(const std::string& name, int tasks) {
    return {{"name", name},
            {"connector.class", testing::test_sink_class},
            {"topics", "clicks"},
            {"tasks.max", std::to_string(tasks)},
            {"connection.url", "db://x"},
            {"db.password", "pw"}};
}

worker_config worker_for(const std::string& bootstrap) {
    config::diagnostics diags;
    auto props = config::parse_properties("bootstrap.servers=" + bootstrap +
                                              "\ngroup.id=test-connect\n"
                                              "config.storage.topic=t-configs\n"
                                              "offset.storage.topic=t-offsets\n"
                                              "offset.storage.partitions=2\n"
                                              "status.storage.topic=t-status\n"
                                              "status.storage.partitions=2\n",
                                          "worker.properties", diags);
    auto w = resolve_worker_config(props, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.to_string();
    return w;
}

// Every (key, value) of a topic up to its end offsets at the time of the
// call, in offset order per partition.
std::vector<std::pair<std::string, std::optional<std::string>>> read_topic(
    const std::string& bootstrap, const std::string& topic, int partitions) {
    client::client_settings s;
    s.set("bootstrap.servers", bootstrap, "test");
    s.set("group.id", "reader", "test");
    config::diagnostics diags;
    auto admin = client::admin_client::create(s, diags);
    EXPECT_TRUE(admin.ok());
    size_t expect = 0;
    for (int p = 0; p < partitions; ++p) {
        auto w = (*admin)->query_watermarks({topic, p});
        EXPECT_TRUE(w.ok());
        expect += w.ok() ? static_cast<size_t>(w->high - w->low) : 0;
    }
    auto c = client::consumer::create(s, diags);
    EXPECT_TRUE(c.ok());
    std::vector<client::topic_partition_offset> parts;
    for (int p = 0; p < partitions; ++p) {
        parts.push_back({topic, p, client::offset_beginning});
    }
    EXPECT_TRUE((*c)->assign(parts).ok());
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    std::vector<client::message> batch;
    for (int i = 0; i < 300 && out.size() < expect; ++i) {
        batch.clear();
        auto n = (*c)->poll_batch(batch, 1000, std::chrono::milliseconds(100));
        EXPECT_TRUE(n.ok());
        for (const auto& m : batch) {
            out.emplace_back(
                std::string(m.key().value_or("")),
                m.value() ? std::optional<std::string>(std::string(*m.value())) : std::nullopt);
        }
    }
    return out;
}

TEST(KafkaStateStore, RestartedWorkerResumesConnectorsFromTheTopics) {
    auto broker = cs::testing::start_clickstream_broker();
    auto worker = worker_for(broker->bootstrap());
    plugin_registry plugins;
    testing::register_test_plugins(plugins);
    testing::fake_task_host host;
    {
        config::diagnostics diags;
        auto store = kafka_state_store::create(worker, diags);
        ASSERT_TRUE(store.ok()) << store.err().message << diags.to_string();
        herder h(plugins, **store, host, "w1:8083");
        ASSERT_TRUE(h.start().ok());
        EXPECT_TRUE(h.connector_names().empty());
        ASSERT_TRUE(h.put_config("run", sink_config("run", 2), std::nullopt, false).ok());
        ASSERT_TRUE(h.put_config("paused", sink_config("paused", 1), std::nullopt, false).ok());
        ASSERT_TRUE(h.pause("paused").ok());
        ASSERT_TRUE(h.put_config("stopped", sink_config("stopped", 1), std::nullopt, false).ok());
        ASSERT_TRUE(h.stop_connector("stopped").ok());
        ASSERT_TRUE(h.put_config("deleted", sink_config("deleted", 1), std::nullopt, false).ok());
        ASSERT_TRUE(h.remove("deleted").ok());
        host.use_topic("run", 1, "clicks");
        host.use_topic("run", 0, "gone");
        EXPECT_EQ(h.active_topics("run"), (std::vector<std::string>{"clicks", "gone"}));
        ASSERT_TRUE((*store)->remove_active_topic("run", "gone").ok());
        EXPECT_FALSE((*store)->cluster_id().empty());
        h.drain_events();
        h.stop();
    }

    // The topics are compacted and hold Connect's record formats.
    config::diagnostics diags;
    client::client_settings s;
    s.set("bootstrap.servers", broker->bootstrap(), "test");
    auto admin = client::admin_client::create(s, diags);
    ASSERT_TRUE(admin.ok());
    auto cfgs = (*admin)->describe_topic_configs({"t-configs", "t-status", "t-offsets"});
    ASSERT_TRUE(cfgs.ok());
    for (const auto& t : *cfgs) {
        bool compact = false;
        for (const auto& e : t.entries) {
            compact = compact || (e.name == "cleanup.policy" && e.value == "compact");
        }
        EXPECT_TRUE(compact) << t.status.name;
    }
    auto records = read_topic(broker->bootstrap(), "t-configs", 1);
    std::map<std::string, std::optional<std::string>> latest;
    for (const auto& [k, v] : records) {
        latest[k] = v;
    }
    ASSERT_TRUE(latest.count("connector-run"));
    EXPECT_NE(latest["connector-run"]->find("\"properties\":{"), std::string::npos);
    EXPECT_NE(latest["connector-run"]->find("\"db.password\":\"pw\""), std::string::npos);
    EXPECT_EQ(latest["commit-run"], "{\"tasks\":2}");
    ASSERT_TRUE(latest.count("task-run-1"));
    EXPECT_NE(latest["task-run-1"]->find("\"task.index\":\"1\""), std::string::npos);
    EXPECT_EQ(latest["target-state-paused"], "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}");
    EXPECT_EQ(latest["target-state-stopped"], "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}");
    EXPECT_EQ(latest["connector-deleted"], std::nullopt) << "a tombstone";
    auto statuses = read_topic(broker->bootstrap(), "t-status", 2);
    bool saw_status = false;
    for (const auto& [k, v] : statuses) {
        if (k == "status-connector-run" && v) {
            saw_status = true;
            EXPECT_NE(v->find("\"worker_id\":\"w1:8083\""), std::string::npos) << *v;
            EXPECT_NE(v->find("\"generation\":"), std::string::npos);
        }
    }
    EXPECT_TRUE(saw_status);
    // Connect's TopicStatus record (KafkaStatusBackingStore), then a tombstone.
    std::map<std::string, std::optional<std::string>> topic_status;
    for (const auto& [k, v] : statuses) {
        if (k.starts_with("status-topic-")) {
            topic_status[k] = v;
        }
    }
    ASSERT_TRUE(topic_status.count("status-topic-clicks:connector-run"));
    const auto& clicks = topic_status["status-topic-clicks:connector-run"];
    ASSERT_TRUE(clicks);
    EXPECT_TRUE(clicks->starts_with(R"({"topic":{"name":"clicks","connector":"run","task":1,)"))
        << *clicks;
    EXPECT_NE(clicks->find("\"discoverTimestamp\":"), std::string::npos);
    ASSERT_TRUE(topic_status.count("status-topic-gone:connector-run"));
    EXPECT_EQ(topic_status["status-topic-gone:connector-run"], std::nullopt);

    // A second worker on the same topics resumes every connector.
    auto store = kafka_state_store::create(worker, diags);
    ASSERT_TRUE(store.ok()) << store.err().message;
    herder h(plugins, **store, host, "w2:8083");
    ASSERT_TRUE(h.start().ok());
    h.drain_events();
    EXPECT_EQ(h.connector_names(), (std::vector<std::string>{"paused", "run", "stopped"}));
    EXPECT_EQ(h.connector_status("run")->connector.state, run_state::running);
    EXPECT_EQ(h.connector_status("run")->connector.worker_id, "w2:8083");
    EXPECT_EQ(h.connector_status("run")->tasks.size(), 2u);
    EXPECT_EQ(h.connector_status("paused")->connector.state, run_state::paused);
    EXPECT_EQ(h.connector_status("paused")->tasks[0].state.state, run_state::paused);
    EXPECT_TRUE(host.paused("paused", 0));
    EXPECT_EQ(h.connector_status("stopped")->connector.state, run_state::stopped);
    EXPECT_EQ((*h.info("run")).config.at("db.password"), "[hidden]");
    EXPECT_EQ(host.running(), 3);
    EXPECT_EQ(h.active_topics("run"), (std::vector<std::string>{"clicks"}));
}

}  // namespace
}  // namespace cs::connect
