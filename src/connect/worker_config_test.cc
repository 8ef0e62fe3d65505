#include "connect/worker_config.h"

#include <gtest/gtest.h>

namespace cs::connect {
namespace {

worker_config resolve_text(const std::string& text, config::diagnostics& diags) {
    auto props = config::parse_properties(text, "worker.properties", diags);
    return resolve_worker_config(props, diags);
}

TEST(WorkerConfig, ReadsConnectKeys) {
    config::diagnostics diags;
    auto w = resolve_text(
        "bootstrap.servers=k1:9092,k2:9092\n"
        "group.id=clicks\n"
        "listeners=http://127.0.0.1:18083\n"
        "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
        "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
        "value.converter.schemas.enable=false\n"
        "offset.flush.interval.ms=10000\n"
        "config.storage.topic=my-configs\n"
        "config.storage.replication.factor=1\n"
        "offset.storage.topic=my-offsets\n"
        "offset.storage.partitions=3\n"
        "status.storage.topic=my-status\n"
        "status.storage.partitions=2\n"
        "consumer.max.poll.records=500\n"
        "producer.linger.ms=5\n"
        "admin.request.timeout.ms=1000\n"
        "security.protocol=PLAINTEXT\n",
        diags);
    EXPECT_FALSE(diags.has_errors()) << diags.to_string();
    EXPECT_EQ(w.settings.common.find("bootstrap.servers")->value, "k1:9092,k2:9092");
    EXPECT_EQ(w.settings.common.find("bootstrap.servers")->line, 1);
    EXPECT_EQ(w.settings.common.find("security.protocol")->value, "PLAINTEXT");
    EXPECT_EQ(w.group_id, "clicks");
    EXPECT_EQ(w.rest_host, "127.0.0.1");
    EXPECT_EQ(w.rest_port, 18083);
    EXPECT_EQ(w.settings.worker_id, "127.0.0.1:18083");
    EXPECT_EQ(w.settings.key_converter.class_name,
              "org.apache.kafka.connect.storage.StringConverter");
    EXPECT_EQ(w.settings.value_converter.config.at("schemas.enable"), "false");
    EXPECT_EQ(w.settings.offset_flush_interval_ms, 10000);
    EXPECT_EQ(w.config_topic, "my-configs");
    EXPECT_EQ(w.config_replication_factor, 1);
    EXPECT_EQ(w.settings.offset_storage_topic, "my-offsets");
    EXPECT_EQ(w.settings.offset_storage_partitions, 3);
    EXPECT_EQ(w.status_topic, "my-status");
    EXPECT_EQ(w.status_partitions, 2);
    EXPECT_EQ(w.settings.consumer.find("max.poll.records")->value, "500");
    EXPECT_EQ(w.settings.consumer.find("max.poll.records")->line, 14);
    EXPECT_EQ(w.settings.producer.find("linger.ms")->value, "5");
    EXPECT_EQ(w.settings.admin.find("request.timeout.ms")->value, "1000");
}

TEST(WorkerConfig, DefaultsAreConnects) {
    config::diagnostics diags;
    auto w = resolve_text("", diags);
    EXPECT_FALSE(diags.has_errors());
    EXPECT_EQ(w.settings.common.find("bootstrap.servers")->value, "localhost:9092");
    EXPECT_EQ(w.group_id, "connect-cluster");
    EXPECT_EQ(w.rest_host, "0.0.0.0");
    EXPECT_EQ(w.rest_port, 8083);
    EXPECT_EQ(w.config_topic, "connect-configs");
    EXPECT_EQ(w.settings.offset_storage_topic, "connect-offsets");
    EXPECT_EQ(w.status_topic, "connect-status");
    EXPECT_EQ(w.settings.offset_flush_interval_ms, 60000);
    EXPECT_EQ(w.settings.value_converter.class_name, "org.apache.kafka.connect.json.JsonConverter");
}

TEST(WorkerConfig, LegacyRestKeys) {
    config::diagnostics diags;
    auto w = resolve_text("rest.host.name=127.0.0.1\nrest.port=9999\n", diags);
    EXPECT_FALSE(diags.has_errors()) << diags.to_string();
    EXPECT_EQ(w.rest_host, "127.0.0.1");
    EXPECT_EQ(w.rest_port, 9999);

    config::diagnostics d2;
    auto w2 = resolve_text("listeners=http://:8084\nrest.port=9999\n", d2);
    EXPECT_EQ(w2.rest_port, 8084) << "listeners wins";
    EXPECT_EQ(w2.rest_host, "0.0.0.0");
    EXPECT_EQ(d2.count(config::severity::info), 1u) << d2.to_string();
}

TEST(WorkerConfig, UnknownKeyIsAnErrorWithPlaceAndSuggestion) {
    config::diagnostics diags;
    resolve_text("group.id=g\nofset.flush.interval.ms=5\n", diags);
    ASSERT_TRUE(diags.has_errors());
    ASSERT_EQ(diags.items().size(), 1u) << diags.to_string();
    const auto& d = diags.items()[0];
    EXPECT_EQ(d.file, "worker.properties");
    EXPECT_EQ(d.line, 2);
    EXPECT_NE(d.message.find("did you mean offset.flush.interval.ms?"), std::string::npos)
        << d.message;
}

TEST(WorkerConfig, BadValuesAndListenersAreErrors) {
    config::diagnostics diags;
    resolve_text("offset.flush.interval.ms=soon\nlisteners=https://:8443\n", diags);
    EXPECT_EQ(diags.count(config::severity::error), 2u) << diags.to_string();

    config::diagnostics d2;
    resolve_text("listeners=localhost:8083\n", d2);
    EXPECT_TRUE(d2.has_errors());
}

TEST(WorkerConfig, PluginPathIsAcceptedWithANote) {
    config::diagnostics diags;
    resolve_text("plugin.path=/usr/share/java,/opt/connectors\n", diags);
    EXPECT_FALSE(diags.has_errors());
    ASSERT_EQ(diags.count(config::severity::info), 1u);
    EXPECT_NE(diags.items()[0].message.find("plugin.path is ignored"), std::string::npos);
}

TEST(WorkerConfig, EnvironmentIsSubstitutedWhenLoading) {
    char path[] = "/tmp/worker-config-test-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    std::string text = "bootstrap.servers=${BROKERS}\n";
    ASSERT_EQ(write(fd, text.data(), text.size()), ssize_t(text.size()));
    close(fd);
    config::diagnostics diags;
    auto w =
        load_worker_config(path, diags, [](const std::string& n) -> std::optional<std::string> {
            if (n == "BROKERS") {
                return "b:1";
            }
            return std::nullopt;
        });
    unlink(path);
    ASSERT_TRUE(w.ok()) << diags.to_string();
    EXPECT_EQ(w->settings.common.find("bootstrap.servers")->value, "b:1");
}

}  // namespace
}  // namespace cs::connect
