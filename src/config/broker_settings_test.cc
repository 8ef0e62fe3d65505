#include "config/broker_settings.h"

#include <gtest/gtest.h>

#include "config/broker_registry.h"
#include "config/describe.h"

namespace cs::config {
namespace {

env_lookup no_env() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

// The broker file from the seeds, unchanged.
constexpr std::string_view seeds_server_properties =
    "broker.id=0\n"
    "listeners=PLAINTEXT://:9092\n"
    "log.dirs=/tmp/kafka-logs\n"
    "num.partitions=6\n"
    "default.replication.factor=3\n"
    "zookeeper.connect=localhost:2181\n";

// Apache Kafka's config/server.properties (ZooKeeper mode, Kafka 3.x), with
// its comments abridged.
constexpr std::string_view kafka_zookeeper_server_properties =
    R"(# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.  See the NOTICE file distributed with
# this work for additional information regarding copyright ownership.

#
# This configuration file is intended for use in ZK-based mode, where Apache ZooKeeper is required.
# See kafka.server.KafkaConfig for additional details and defaults
#

############################# Server Basics #############################

# The id of the broker. This must be set to a unique integer for each broker.
broker.id=0

############################# Socket Server Settings #############################

# The address the socket server listens on. If not configured, the host name will be equal to the value of
# java.net.InetAddress.getCanonicalHostName(), with PLAINTEXT listener name, and port 9092.
#   FORMAT:
#     listeners = listener_name://host_name:port
#   EXAMPLE:
#     listeners = PLAINTEXT://your.host.name:9092
#listeners=PLAINTEXT://:9092

# Listener name, hostname and port the broker will advertise to clients.
# If not set, it uses the value for "listeners".
#advertised.listeners=PLAINTEXT://your.host.name:9092

# Maps listener names to security protocols, the default is for them to be the same. See the config documentation for more details
#listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL

# The number of threads that the server uses for receiving requests from the network and sending responses to the network
num.network.threads=3

# The number of threads that the server uses for processing requests, which may include disk I/O
num.io.threads=8

# The send buffer (SO_SNDBUF) used by the socket server
socket.send.buffer.bytes=102400

# The receive buffer (SO_RCVBUF) used by the socket server
socket.receive.buffer.bytes=102400

# The maximum size of a request that the socket server will accept (protection against OOM)
socket.request.max.bytes=104857600


############################# Log Basics #############################

# A comma separated list of directories under which to store log files
log.dirs=/tmp/kafka-logs

# The default number of log partitions per topic. More partitions allow greater
# parallelism for consumption, but this will also result in more files across
# the brokers.
num.partitions=1

# The number of threads per data directory to be used for log recovery at startup and flushing at shutdown.
# This value is recommended to be increased for installations with data dirs located in RAID array.
num.recovery.threads.per.data.dir=1

############################# Internal Topic Settings  #############################
# The replication factor for the group metadata internal topics "__consumer_offsets" and "__transaction_state"
# For anything other than development testing, a value greater than 1 is recommended to ensure availability such as 3.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1

############################# Log Flush Policy #############################

# The number of messages to accept before forcing a flush of data to disk
#log.flush.interval.messages=10000

# The maximum amount of time a message can sit in a log before we force a flush
#log.flush.interval.ms=1000

############################# Log Retention Policy #############################

# The minimum age of a log file to be eligible for deletion due to age
log.retention.hours=168

# A size-based retention policy for logs. Segments are pruned from the log unless the remaining
# segments drop below log.retention.bytes. Functions independently of log.retention.hours.
#log.retention.bytes=1073741824

# The maximum size of a log segment file. When this size is reached a new log segment will be created.
#log.segment.bytes=1073741824

# The interval at which log segments are checked to see if they can be deleted according
# to the retention policies
log.retention.check.interval.ms=300000

############################# Zookeeper #############################

# Zookeeper connection string (see zookeeper docs for details).
# This is a comma separated host:port pairs, each corresponding to a zk
# server. e.g. "127.0.0.1:3000,127.0.0.1:3001,127.0.0.1:3002".
# You can also append an optional chroot string to the urls to specify the
# root directory for all kafka znodes.
zookeeper.connect=localhost:2181

# Timeout in ms for connecting to zookeeper
zookeeper.connection.timeout.ms=18000


############################# Group Coordinator Settings #############################

# The following configuration specifies the time, in milliseconds, that the GroupCoordinator will delay the initial consumer rebalance.
group.initial.rebalance.delay.ms=0
)";

// Apache Kafka's config/kraft/server.properties (KRaft combined mode, Kafka
// 3.x), with its comments abridged.
constexpr std::string_view kafka_kraft_server_properties = R"(#
# This configuration file is intended for use in KRaft mode, where
# Apache ZooKeeper is not present.
#

############################# Server Basics #############################

# The role of this server. Setting this puts us in KRaft mode
process.roles=broker,controller

# The node id associated with this instance's roles
node.id=1

# The connect string for the controller quorum
controller.quorum.voters=1@localhost:9093

############################# Socket Server Settings #############################

# The address the socket server listens on.
# Combined nodes (i.e. those with `process.roles=broker,controller`) must list the controller listener here at a minimum.
listeners=PLAINTEXT://:9092,CONTROLLER://:9093

# Name of listener used for communication between brokers.
inter.broker.listener.name=PLAINTEXT

# Listener name, hostname and port the broker will advertise to clients.
# If not set, it uses the value for "listeners".
advertised.listeners=PLAINTEXT://localhost:9092

# A comma-separated list of the names of the listeners used by the controller.
controller.listener.names=CONTROLLER

# Maps listener names to security protocols, the default is for them to be the same. See the config documentation for more details
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL

num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600

############################# Log Basics #############################

log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1

############################# Internal Topic Settings  #############################
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1

############################# Log Flush Policy #############################
#log.flush.interval.messages=10000
#log.flush.interval.ms=1000

############################# Log Retention Policy #############################
log.retention.hours=168
#log.retention.bytes=1073741824
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
)";

// Apache Kafka 4.0's config/server.properties (KRaft only), comments left out.
constexpr std::string_view kafka4_server_properties = R"(process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
)";

result<broker_config> parse(std::string_view text, diagnostics& d,
                            const env_lookup& env = no_env()) {
    return parse_broker_config(text, "server.properties", d, env);
}

std::vector<std::string> lines_of(const diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& x : d.items()) {
        out.push_back(x.to_string());
    }
    return out;
}

TEST(BrokerConfig, SeedsServerPropertiesLoadsUnchanged) {
    diagnostics d;
    auto c = parse(seeds_server_properties, d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    const broker_settings& s = c->settings;
    EXPECT_EQ(s.broker_id, 0);
    ASSERT_EQ(s.listeners.size(), 1u);
    EXPECT_EQ(s.listeners[0], (listener{"PLAINTEXT", "", 9092, "PLAINTEXT"}));
    EXPECT_EQ(s.advertised_listeners, s.listeners);
    EXPECT_EQ(s.log_dirs, (std::vector<std::string>{"/tmp/kafka-logs"}));
    EXPECT_EQ(s.num_partitions, 6);
    EXPECT_EQ(s.default_replication_factor, 1);  // capped
    EXPECT_EQ(s.log_retention_ms, 168LL * 3600 * 1000);
    EXPECT_EQ(s.offsets_topic_replication_factor, 1);  // Kafka's default 3, capped silently
    EXPECT_EQ(s.transaction_state_log_min_isr, 1);
    // One warning for the capped replication factor, one info for ZooKeeper.
    EXPECT_EQ(lines_of(d),
              (std::vector<std::string>{
                  "server.properties:5: warning: default.replication.factor = 3 is capped at 1: "
                  "a single node holds one copy of each partition, so 1 is the most it can give",
                  "server.properties:6: info: zookeeper.connect is ignored: clickstream is a "
                  "single node that keeps its metadata itself; there is no ZooKeeper",
              }));
    EXPECT_EQ(c->config.entry("default.replication.factor").raw, "3");
}

TEST(BrokerConfig, KafkaZooKeeperModeServerPropertiesLoadsWithoutErrors) {
    diagnostics d;
    auto c = parse(kafka_zookeeper_server_properties, d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    EXPECT_EQ(d.count(severity::warning), 0u) << d.to_string();
    // zookeeper.connect, zookeeper.connection.timeout.ms, num.io.threads and
    // num.recovery.threads.per.data.dir (no such pools here): one info line each.
    EXPECT_EQ(d.count(severity::info), 4u) << d.to_string();
    const broker_settings& s = c->settings;
    EXPECT_EQ(s.broker_id, 0);
    EXPECT_EQ(s.listeners, (std::vector<listener>{{"PLAINTEXT", "", 9092, "PLAINTEXT"}}));
    EXPECT_EQ(s.num_network_threads, 3);
    EXPECT_EQ(s.num_io_threads, 8);
    EXPECT_EQ(s.socket_request_max_bytes, 104857600);
    EXPECT_EQ(s.log_segment_bytes, 1073741824);
    EXPECT_EQ(s.log_retention_check_interval_ms, 300000);
    EXPECT_EQ(s.group_initial_rebalance_delay_ms, 0);
    EXPECT_EQ(s.transaction_state_log_min_isr, 1);
}

TEST(BrokerConfig, KafkaKRaftModeServerPropertiesLoadsWithoutErrors) {
    diagnostics d;
    auto c = parse(kafka_kraft_server_properties, d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    EXPECT_EQ(d.count(severity::warning), 0u) << d.to_string();
    // process.roles, controller.quorum.voters, inter.broker.listener.name,
    // controller.listener.names, num.io.threads, num.recovery.threads.per.data.dir.
    EXPECT_EQ(d.count(severity::info), 6u) << d.to_string();
    const broker_settings& s = c->settings;
    EXPECT_EQ(s.broker_id, 1);  // node.id
    // The CONTROLLER listener is not opened.
    EXPECT_EQ(s.listeners, (std::vector<listener>{{"PLAINTEXT", "", 9092, "PLAINTEXT"}}));
    EXPECT_EQ(s.advertised_listeners,
              (std::vector<listener>{{"PLAINTEXT", "localhost", 9092, "PLAINTEXT"}}));
    EXPECT_EQ(s.log_dirs, (std::vector<std::string>{"/tmp/kraft-combined-logs"}));
}

TEST(BrokerConfig, Kafka4ServerPropertiesLoadsWithoutErrors) {
    diagnostics d;
    auto c = parse(kafka4_server_properties, d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    EXPECT_EQ(d.count(severity::warning), 0u) << d.to_string();
    EXPECT_EQ(c->settings.broker_id, 1);
    // The advertised CONTROLLER listener is dropped with the bound one.
    EXPECT_EQ(c->settings.advertised_listeners,
              (std::vector<listener>{{"PLAINTEXT", "localhost", 9092, "PLAINTEXT"}}));
}

TEST(BrokerConfig, SeveralLogDirs) {
    diagnostics d;
    auto c = parse("log.dirs=/a, /b ,,/c\n", d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    EXPECT_EQ(c->settings.log_dirs, (std::vector<std::string>{"/a", "/b", "/c"}));
    auto empty = parse("log.dirs=\n", d);
    EXPECT_FALSE(empty.ok());
    EXPECT_EQ(d.items().back().to_string(),
              "server.properties:1: error: log.dirs: no log directory given");
}

TEST(BrokerConfig, EmptyFileGivesKafkaDefaults) {
    diagnostics d;
    auto c = parse("", d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    EXPECT_TRUE(d.items().empty());
    const broker_settings& s = c->settings;
    EXPECT_EQ(s.broker_id, 0);
    EXPECT_EQ(s.log_dirs, (std::vector<std::string>{"/tmp/kafka-logs"}));  // log.dir
    EXPECT_EQ(s.log_segment_bytes, 1073741824);
    EXPECT_EQ(s.log_roll_ms, 604800000);
    EXPECT_EQ(s.log_retention_bytes, -1);
    EXPECT_EQ(s.message_max_bytes, 1048588);
    EXPECT_EQ(s.log_flush_interval_messages, INT64_MAX);
    EXPECT_EQ(s.log_flush_interval_ms, INT64_MAX);  // from log.flush.scheduler.interval.ms
    EXPECT_EQ(s.offsets_topic_num_partitions, 50);
    EXPECT_EQ(s.offsets_retention_ms, 10080LL * 60 * 1000);
    EXPECT_EQ(s.group_min_session_timeout_ms, 6000);
    EXPECT_EQ(s.group_max_session_timeout_ms, 1800000);
    EXPECT_EQ(s.transaction_max_timeout_ms, 900000);
    EXPECT_EQ(s.transactional_id_expiration_ms, 604800000);
    EXPECT_EQ(s.producer_id_expiration_ms, 86400000);
    EXPECT_TRUE(s.auto_create_topics_enable);
}

TEST(BrokerConfig, RetentionPrecedenceMsOverMinutesOverHours) {
    struct tc {
        std::string text;
        int64_t want;
    };
    for (const auto& [text, want] : std::vector<tc>{
             {"log.retention.hours=72\n", 72LL * 3'600'000},
             {"log.retention.hours=72\nlog.retention.minutes=30\n", 30LL * 60'000},
             {"log.retention.ms=1234\nlog.retention.hours=72\nlog.retention.minutes=30\n", 1234},
             {"log.retention.ms=-1\nlog.retention.hours=72\n", -1},
             {"log.retention.hours=-5\n", -1},
             {"log.retention.minutes=-1\nlog.retention.hours=1\n", -1},
         }) {
        SCOPED_TRACE(text);
        diagnostics d;
        auto c = parse(text, d);
        ASSERT_TRUE(c.ok()) << d.to_string();
        EXPECT_EQ(c->settings.log_retention_ms, want);
    }
    diagnostics d;
    auto c = parse("log.roll.hours=2\n", d);
    EXPECT_EQ(c->settings.log_roll_ms, 7'200'000);
    c = parse("log.roll.hours=2\nlog.roll.ms=5000\n", d);
    EXPECT_EQ(c->settings.log_roll_ms, 5000);
}

TEST(BrokerConfig, ReplicationFactorsAreCappedAtOne) {
    diagnostics d;
    auto c = parse(
        "default.replication.factor=3\noffsets.topic.replication.factor=3\n"
        "transaction.state.log.replication.factor=2\ntransaction.state.log.min.isr=2\n"
        "min.insync.replicas=2\ndefault.replication.factor=1\n",
        d);
    ASSERT_TRUE(c.ok()) << d.to_string();
    const broker_settings& s = c->settings;
    EXPECT_EQ(s.default_replication_factor, 1);
    EXPECT_EQ(s.offsets_topic_replication_factor, 1);
    EXPECT_EQ(s.transaction_state_log_replication_factor, 1);
    EXPECT_EQ(s.transaction_state_log_min_isr, 1);
    EXPECT_EQ(c->config.get_int("min.insync.replicas"), 1);
    // Four capped values warn; the duplicate default.replication.factor warns
    // once as a duplicate and, being 1, is not capped.
    EXPECT_EQ(d.count(severity::warning), 5u) << d.to_string();
    size_t capped = 0;
    for (const auto& x : d.items()) {
        if (x.message.find("is capped at 1") != std::string::npos) {
            ++capped;
        }
    }
    EXPECT_EQ(capped, 4u);
}

TEST(BrokerConfig, EnvironmentSubstitutionAndMissingVariable) {
    env_lookup env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "KAFKA_HOST") {
            return "broker.example";
        }
        return std::nullopt;
    };
    diagnostics d;
    auto c = parse(
        "advertised.listeners=PLAINTEXT://${KAFKA_HOST}:${KAFKA_PORT:-9092}\n"
        "log.dirs=${DATA_DIR}\n",
        d, env);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.err().message, "server.properties: 1 configuration error");
    std::vector<std::string> lines = lines_of(d);
    ASSERT_GE(lines.size(), 1u);
    EXPECT_EQ(lines[0],
              "server.properties:2: error: log.dirs: environment variable DATA_DIR is not set "
              "(set it, or write ${DATA_DIR:-default})");

    diagnostics ok_diags;
    auto ok = parse(
        "advertised.listeners=PLAINTEXT://${KAFKA_HOST}:${KAFKA_PORT:-9092}\n"
        "log.dirs=${DATA_DIR:-/var/lib/clickstream}\n",
        ok_diags, env);
    ASSERT_TRUE(ok.ok()) << ok_diags.to_string();
    EXPECT_EQ(ok->settings.advertised_listeners,
              (std::vector<listener>{{"PLAINTEXT", "broker.example", 9092, "PLAINTEXT"}}));
    EXPECT_EQ(ok->settings.log_dirs, (std::vector<std::string>{"/var/lib/clickstream"}));
}

TEST(BrokerConfig, ListenerErrorsNameFileAndLine) {
    struct tc {
        std::string text;
        std::string want;
    };
    for (const auto& [text, want] : std::vector<tc>{
             {"# c\nlisteners=PLAINTEXT://localhost\n",
              "server.properties:2: error: listeners: listener \"PLAINTEXT://localhost\" has no "
              "port; expected NAME://host:port"},
             {"listeners=localhost:9092\n",
              "server.properties:1: error: listeners: listener \"localhost:9092\" has no "
              "NAME://; expected NAME://host:port"},
             {"listeners=PLAINTEXT://:99999\n",
              "server.properties:1: error: listeners: listener \"PLAINTEXT://:99999\" has an "
              "invalid port (0-65535); expected NAME://host:port"},
             {"listeners=INTERNAL://:9092\n",
              "server.properties:1: error: listeners: listener INTERNAL has no security "
              "protocol; add INTERNAL:PLAINTEXT to listener.security.protocol.map"},
             {"listeners=PLAINTEXT://:9092,PLAINTEXT://:9093\n",
              "server.properties:1: error: listeners: listener name PLAINTEXT is used twice"},
             {"listeners=SSL://:9093\n",
              "server.properties:1: error: listeners: SSL://:9093 uses SSL; clickstream serves "
              "PLAINTEXT only"},
             {"\nadvertised.listeners=OTHER://h:1\n"
              "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT\n",
              "server.properties:2: error: advertised.listeners: OTHER://h:1 names no listener "
              "in listeners"},
             {"broker.id=1\nnode.id=2\n",
              "server.properties:2: error: node.id = 2 and broker.id = 1 differ; they name the "
              "same node"},
         }) {
        SCOPED_TRACE(text);
        diagnostics d;
        auto c = parse(text, d);
        EXPECT_FALSE(c.ok());
        ASSERT_FALSE(d.items().empty());
        EXPECT_EQ(d.items().back().to_string(), want);
    }
}

TEST(BrokerConfig, ListenersWithHostsAndIpv6) {
    std::map<std::string, std::string> map{{"PLAINTEXT", "PLAINTEXT"}, {"EXT", "PLAINTEXT"}};
    auto l = parse_listeners("PLAINTEXT://0.0.0.0:9092, EXT://[::1]:19092,", map);
    // A trailing comma leaves an empty entry, which is malformed.
    EXPECT_FALSE(l.ok());
    l = parse_listeners("PLAINTEXT://0.0.0.0:9092, EXT://[::1]:19092", map);
    ASSERT_TRUE(l.ok()) << l.err().message;
    EXPECT_EQ((*l)[0], (listener{"PLAINTEXT", "0.0.0.0", 9092, "PLAINTEXT"}));
    EXPECT_EQ((*l)[1], (listener{"EXT", "::1", 19092, "PLAINTEXT"}));
    EXPECT_EQ((*l)[1].to_string(), "EXT://[::1]:19092");
    EXPECT_FALSE(parse_listeners("PLAINTEXT://::1:9092", map).ok());
}

TEST(BrokerConfig, OverridesWinOverTheFile) {
    diagnostics d;
    properties overrides;
    overrides.set({"num.partitions", "12", "--override", 0});
    auto c = parse_broker_config("num.partitions=6\n", "server.properties", d, no_env(), overrides);
    ASSERT_TRUE(c.ok()) << d.to_string();
    EXPECT_EQ(c->settings.num_partitions, 12);
    EXPECT_EQ(c->config.entry("num.partitions").origin, value_origin::override_value);
}

TEST(BrokerConfig, DescribeBrokerReportsSourcesAndSynonyms) {
    diagnostics d;
    auto c = parse("log.retention.hours=72\nlog.retention.minutes=90\n", d);
    ASSERT_TRUE(c.ok());
    auto described = describe_broker(c->config);
    auto find = [&](std::string_view name) -> const described_config& {
        for (const auto& x : described) {
            if (x.name == name) {
                return x;
            }
        }
        throw std::out_of_range(std::string(name));
    };
    const auto& ms = find("log.retention.ms");
    EXPECT_EQ(ms.source, config_source::default_config);
    EXPECT_EQ(ms.value, std::nullopt);
    ASSERT_EQ(ms.synonyms.size(), 3u);
    EXPECT_EQ(ms.synonyms[0].name, "log.retention.minutes");
    EXPECT_EQ(ms.synonyms[0].source, config_source::static_broker_config);
    EXPECT_EQ(ms.synonyms[1].name, "log.retention.hours");
    EXPECT_EQ(ms.synonyms[1].value, "72");
    EXPECT_EQ(ms.synonyms[2].name, "log.retention.hours");
    EXPECT_EQ(ms.synonyms[2].value, "168");
    EXPECT_EQ(ms.synonyms[2].source, config_source::default_config);
    const auto& hours = find("log.retention.hours");
    EXPECT_EQ(hours.source, config_source::static_broker_config);
    EXPECT_EQ(hours.value, "72");
    EXPECT_EQ(describe_broker(c->config).size(), broker_registry().properties().size());
}

}  // namespace
}  // namespace cs::config
