#include "config/topic_config.h"

#include <gtest/gtest.h>

#include "config/broker_registry.h"
#include "config/topic_registry.h"

namespace cs::config {
namespace {

resolved_config broker_from(std::string_view text) {
    diagnostics d;
    auto props = parse_properties(text, "server.properties", d);
    auto c = resolve(broker_registry(), props, d);
    EXPECT_FALSE(d.has_errors()) << d.to_string();
    return c;
}

TEST(TopicConfig, DefaultsWhenNothingIsSet) {
    auto t = effective_topic_config(broker_from(""), {});
    ASSERT_TRUE(t.ok()) << t.err().message;
    const auto& v = t->values();
    EXPECT_EQ(v.get_long("retention.ms"), 604800000);
    EXPECT_EQ(v.get_long("retention.bytes"), -1);
    EXPECT_EQ(v.get_int("segment.bytes"), 1073741824);
    EXPECT_EQ(v.get_long("segment.ms"), 604800000);
    EXPECT_EQ(v.get_int("max.message.bytes"), 1048588);
    EXPECT_EQ(v.get_list("cleanup.policy"), (std::vector<std::string>{"delete"}));
    EXPECT_EQ(v.get_long("flush.ms"), INT64_MAX);
    EXPECT_EQ(v.get_double("min.cleanable.dirty.ratio"), 0.5);
    EXPECT_EQ(v.get_string("compression.type"), "producer");

    const auto& r = t->describe("retention.ms");
    EXPECT_EQ(r.value, "604800000");
    EXPECT_EQ(r.source, config_source::default_config);
    ASSERT_EQ(r.synonyms.size(), 1u);
    EXPECT_EQ(r.synonyms[0].name, "log.retention.hours");
    EXPECT_EQ(r.synonyms[0].value, "168");
    EXPECT_EQ(r.synonyms[0].source, config_source::default_config);
    EXPECT_EQ(t->describe().size(), topic_registry().properties().size());
}

TEST(TopicConfig, BrokerFileSuppliesStaticBrokerConfig) {
    auto broker = broker_from(
        "log.retention.hours=72\nlog.segment.bytes=536870912\nmessage.max.bytes=10485760\n"
        "log.roll.hours=1\nlog.flush.interval.messages=1000\nlog.cleanup.policy=compact\n");
    auto t = effective_topic_config(broker, {});
    ASSERT_TRUE(t.ok());
    const auto& v = t->values();
    EXPECT_EQ(v.get_long("retention.ms"), 72LL * 3'600'000);
    EXPECT_EQ(v.get_int("segment.bytes"), 536870912);
    EXPECT_EQ(v.get_int("max.message.bytes"), 10485760);
    EXPECT_EQ(v.get_long("segment.ms"), 3'600'000);
    EXPECT_EQ(v.get_long("flush.messages"), 1000);
    EXPECT_EQ(v.get_list("cleanup.policy"), (std::vector<std::string>{"compact"}));
    EXPECT_EQ(v.entry("segment.bytes").source_text(), "server.properties:2");

    const auto& r = t->describe("retention.ms");
    EXPECT_EQ(r.value, "259200000");
    EXPECT_EQ(r.source, config_source::static_broker_config);
    ASSERT_EQ(r.synonyms.size(), 2u);
    EXPECT_EQ(r.synonyms[0].name, "log.retention.hours");
    EXPECT_EQ(r.synonyms[0].value, "72");
    EXPECT_EQ(r.synonyms[0].source, config_source::static_broker_config);
    EXPECT_EQ(r.synonyms[1].name, "log.retention.hours");
    EXPECT_EQ(r.synonyms[1].value, "168");
    EXPECT_EQ(r.synonyms[1].source, config_source::default_config);
}

TEST(TopicConfig, TopicOverridesWinAsDynamicTopicConfig) {
    auto broker = broker_from("log.retention.minutes=30\nlog.retention.hours=72\n");
    auto t = effective_topic_config(broker, {{"retention.ms", "1000"},
                                             {"cleanup.policy", "compact,delete"},
                                             {"message.timestamp.type", "LogAppendTime"},
                                             {"min.insync.replicas", "2"}});
    ASSERT_TRUE(t.ok()) << t.err().message;
    const auto& v = t->values();
    EXPECT_EQ(v.get_long("retention.ms"), 1000);
    EXPECT_EQ(v.get_list("cleanup.policy"), (std::vector<std::string>{"compact", "delete"}));
    EXPECT_EQ(v.get_string("message.timestamp.type"), "LogAppendTime");
    EXPECT_EQ(v.get_int("min.insync.replicas"), 1);  // capped on one node

    const auto& r = t->describe("retention.ms");
    EXPECT_EQ(r.source, config_source::dynamic_topic_config);
    EXPECT_EQ(r.value, "1000");
    std::vector<std::pair<std::string, config_source>> syn;
    for (const auto& s : r.synonyms) {
        syn.emplace_back(s.name, s.source);
    }
    EXPECT_EQ(syn, (std::vector<std::pair<std::string, config_source>>{
                       {"retention.ms", config_source::dynamic_topic_config},
                       {"log.retention.minutes", config_source::static_broker_config},
                       {"log.retention.hours", config_source::static_broker_config},
                       {"log.retention.hours", config_source::default_config},
                   }));
    EXPECT_EQ(t->describe("segment.bytes").source, config_source::default_config);
    EXPECT_STREQ(config_source_name(r.source), "DYNAMIC_TOPIC_CONFIG");
}

TEST(TopicConfig, BrokerRetentionMinutesConvertsAndForeverStaysForever) {
    auto t = effective_topic_config(broker_from("log.retention.minutes=5\n"), {});
    EXPECT_EQ(t->values().get_long("retention.ms"), 300'000);
    t = effective_topic_config(broker_from("log.retention.hours=-1\n"), {});
    EXPECT_EQ(t->values().get_long("retention.ms"), -1);
    t = effective_topic_config(broker_from("log.flush.scheduler.interval.ms=2000\n"), {});
    EXPECT_EQ(t->values().get_long("flush.ms"), 2000);
}

TEST(TopicConfig, ValidationReturnsErrorsAsValues) {
    EXPECT_TRUE(
        validate_topic_overrides({{"retention.ms", "-1"}, {"segment.bytes", "1048576"}}).ok());
    status s = validate_topic_overrides({{"retention.msec", "10"},
                                         {"segment.bytes", "1GB"},
                                         {"cleanup.policy", "shred"},
                                         {"compression.type", "brotli"}});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), errc::invalid_argument);
    EXPECT_EQ(s.message(),
              "cleanup.policy = \"shred\": expected a comma-separated list of [compact, delete]; "
              "compression.type = \"brotli\": expected one of [uncompressed, zstd, lz4, snappy, "
              "gzip, producer]; unknown topic config retention.msec (did you mean "
              "retention.ms?); segment.bytes = \"1GB\": expected an integer (int) in [14, "
              "2147483647]");
    auto t = effective_topic_config(broker_from(""), {{"retention.ms", "-2"}});
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.err().message,
              "retention.ms = \"-2\": expected an integer (long) in [-1, 9223372036854775807]");
}

}  // namespace
}  // namespace cs::config
