#include "client/settings.h"

#include <fstream>

#include <gtest/gtest.h>

#include "client/java_compat.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

config::env_lookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

std::string conf_value(rd_kafka_conf_t* conf, const char* key) {
    char buf[256];
    size_t size = sizeof buf;
    if (rd_kafka_conf_get(conf, key, buf, &size) != RD_KAFKA_CONF_OK) {
        return "<unset>";
    }
    return buf;
}

TEST(ClientSettings, BootstrapFlagThenFileThenEnvironmentThenDefault) {
    client_settings s;
    EXPECT_EQ(apply_bootstrap(s, std::nullopt, env_of({})), "localhost:9092");
    client_settings from_env;
    EXPECT_EQ(apply_bootstrap(from_env, std::nullopt,
                              env_of({{"CLICKSTREAM_BOOTSTRAP_SERVERS", "h1:1,h2:2"}})),
              "h1:1,h2:2");
    client_settings from_file;
    from_file.set("bootstrap.servers", "file:9092", "producer.properties", 1);
    EXPECT_EQ(apply_bootstrap(from_file, std::nullopt,
                              env_of({{"CLICKSTREAM_BOOTSTRAP_SERVERS", "env:1"}})),
              "file:9092");
    EXPECT_EQ(apply_bootstrap(from_file, "flag:1", env_of({})), "flag:1");
    EXPECT_EQ(from_file.find("bootstrap.servers")->value, "flag:1");
}

TEST(ClientSettings, LaterSettingsWinAndAssignmentsNeedAnEqualsSign) {
    client_settings s;
    ASSERT_TRUE(s.add_assignment("linger.ms=5", "--producer-property").ok());
    ASSERT_TRUE(s.add_assignment("linger.ms=7", "--producer-property").ok());
    EXPECT_EQ(s.entries().size(), 1u);
    EXPECT_EQ(s.find("linger.ms")->value, "7");
    EXPECT_TRUE(s.add_assignment("a=b=c", "--producer-property").ok());
    EXPECT_EQ(s.find("a")->value, "b=c");
    EXPECT_FALSE(s.add_assignment("linger.ms", "--producer-property").ok());
    EXPECT_FALSE(s.add_assignment("=5", "--producer-property").ok());
}

// The seeds' producer.properties, written for Kafka's Java producer, works
// unchanged: Java-only keys are translated or explained.
TEST(ClientSettings, SeedsJavaProducerFileIsAccepted) {
    testing::temp_dir dir;
    auto path = dir.path() / "producer.properties";
    std::ofstream(path) << "bootstrap.servers=kafka1:9092,kafka2:9092\n"
                           "acks=all\n"
                           "compression.type=snappy\n"
                           "batch.size=32768\n"
                           "linger.ms=10\n"
                           "buffer.memory=67108864\n"
                           "key.serializer=org.apache.kafka.common.serialization.StringSerializer\n"
                           "value.serializer=org.apache.kafka.common.serialization."
                           "StringSerializer\n"
                           "max.request.size=1048576\n"
                           "retries=3\n";
    client_settings s;
    config::diagnostics diags;
    ASSERT_TRUE(s.add_file(path, diags).ok()) << diags.to_string();
    auto conf = make_conf(s, role::producer, diags);
    ASSERT_TRUE(conf.ok()) << conf.err().message;
    EXPECT_EQ(conf_value(conf->get(), "queue.buffering.max.kbytes"), "65536");
    EXPECT_EQ(conf_value(conf->get(), "message.max.bytes"), "1048576");
    EXPECT_EQ(conf_value(conf->get(), "linger.ms"), "10");
    EXPECT_EQ(conf_value(conf->get(), "compression.codec"), "snappy");
    EXPECT_FALSE(diags.has_errors());
    EXPECT_NE(diags.to_string().find("key.serializer ignored"), std::string::npos);
}

TEST(ClientSettings, SeedsJavaConsumerFileIsAccepted) {
    testing::temp_dir dir;
    auto path = dir.path() / "consumer.properties";
    std::ofstream(path) << "# consumer.properties\n\n"
                           "bootstrap.servers=kafka1:9092,kafka2:9092\n"
                           "group.id=clickstream-consumer\n"
                           "enable.auto.commit=false\n"
                           "auto.offset.reset=latest\n"
                           "fetch.min.bytes=1048576\n"
                           "max.poll.records=500\n"
                           "key.deserializer=org.apache.kafka.common.serialization."
                           "StringDeserializer\n"
                           "value.deserializer=org.apache.kafka.common.serialization."
                           "StringDeserializer\n"
                           "heartbeat.interval.ms=3000\n"
                           "session.timeout.ms=10000\n"
                           "partition.assignment.strategy=org.apache.kafka.clients.consumer."
                           "CooperativeStickyAssignor\n";
    client_settings s;
    config::diagnostics diags;
    ASSERT_TRUE(s.add_file(path, diags).ok()) << diags.to_string();
    auto conf = make_conf(s, role::consumer, diags);
    ASSERT_TRUE(conf.ok()) << conf.err().message;
    EXPECT_EQ(conf_value(conf->get(), "group.id"), "clickstream-consumer");
    EXPECT_EQ(conf_value(conf->get(), "fetch.min.bytes"), "1048576");
    EXPECT_EQ(conf_value(conf->get(), "partition.assignment.strategy"), "cooperative-sticky");
    EXPECT_NE(diags.to_string().find("max.poll.records ignored"), std::string::npos);
}

TEST(ClientSettings, TypoNamesFileLineAndLikelyKey) {
    testing::temp_dir dir;
    auto path = dir.path() / "producer.properties";
    std::ofstream(path) << "acks=all\nlinger.msx=5\ncompression.type=brotli\n";
    client_settings s;
    config::diagnostics diags;
    ASSERT_TRUE(s.add_file(path, diags).ok());
    auto conf = make_conf(s, role::producer, diags);
    ASSERT_FALSE(conf.ok());
    std::string all = diags.to_string();
    EXPECT_NE(all.find("producer.properties:2: error: unknown client property \"linger.msx\"; "
                       "did you mean \"linger.ms\"?"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("producer.properties:3: error: compression.type = \"brotli\""),
              std::string::npos)
        << all;
    EXPECT_NE(conf.err().message.find("and 1 more"), std::string::npos);
}

TEST(JavaCompat, TranslatesOrRefusesJavaOnlyKeys) {
    EXPECT_EQ(translate_java_key("acks", "all", role::producer).what, java_translation::kind::pass);
    auto custom =
        translate_java_key("value.serializer", "io.confluent.KafkaAvroSerializer", role::producer);
    EXPECT_EQ(custom.what, java_translation::kind::refuse);
    auto reset = translate_java_key("auto.offset.reset", "none", role::consumer);
    EXPECT_EQ(reset.value, "error");
    auto rr = translate_java_key("partition.assignment.strategy",
                                 "org.apache.kafka.clients.consumer.RangeAssignor, "
                                 "org.apache.kafka.clients.consumer.RoundRobinAssignor",
                                 role::consumer);
    EXPECT_EQ(rr.value, "range,roundrobin");
    EXPECT_EQ(translate_java_key("sasl.jaas.config", "x", role::admin).what,
              java_translation::kind::refuse);
    EXPECT_EQ(translate_java_key("buffer.memory", "lots", role::producer).what,
              java_translation::kind::refuse);
}

TEST(ClientSettings, KnowsLibrdkafkaPropertyNames) {
    const auto& names = librdkafka_property_names();
    EXPECT_GT(names.size(), 100u);
    EXPECT_NE(std::find(names.begin(), names.end(), "linger.ms"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "bootstrap.servers"), names.end());
}

}  // namespace
}  // namespace cs::client
