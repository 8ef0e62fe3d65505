#include "config/registry.h"

#include <gtest/gtest.h>

#include "config/broker_registry.h"
#include "config/resolved_config.h"
#include "config/topic_registry.h"

namespace cs::config {
namespace {

TEST(Registry, SuggestsCloseKeysOnly) {
    const registry& reg = broker_registry();
    EXPECT_EQ(reg.suggest("log.retention.hour"), "log.retention.hours");
    EXPECT_EQ(reg.suggest("log.segmnet.bytes"), "log.segment.bytes");
    EXPECT_EQ(reg.suggest("log_segment_bytes"), "log.segment.bytes");
    EXPECT_EQ(reg.suggest("num.partition"), "num.partitions");
    EXPECT_EQ(reg.suggest("zookeeper.conect"), "zookeeper.connect");
    EXPECT_EQ(reg.suggest("retention.ms"), std::nullopt);  // a topic key, far from broker keys
    EXPECT_EQ(reg.suggest("foo"), std::nullopt);
    EXPECT_EQ(reg.suggest("ssl.keystore.location"), std::nullopt);
    EXPECT_EQ(topic_registry().suggest("retention.msec"), "retention.ms");
}

TEST(Registry, UnknownKeyWarnsWithSuggestion) {
    diagnostics d;
    auto props = parse_properties("num.partition=3\nwhatever.key=1\n", "server.properties", d);
    auto c = resolve(broker_registry(), props, d);
    ASSERT_EQ(d.items().size(), 2u);
    EXPECT_EQ(d.items()[0].to_string(),
              "server.properties:1: warning: unknown broker property num.partition (did you "
              "mean num.partitions?); ignored");
    EXPECT_EQ(d.items()[1].to_string(),
              "server.properties:2: warning: unknown broker property whatever.key; ignored");
    EXPECT_FALSE(d.has_errors());
    EXPECT_EQ(c.get_int("num.partitions"), 1);
}

TEST(Registry, BadValuesAreErrorsWithFileLineKeyValueAndExpectation) {
    diagnostics d;
    auto props = parse_properties(
        "broker.id=0\n"
        "log.dirs=/data\n"
        "auto.create.topics.enable=yes\n"
        "num.partitions=0\n"
        "log.message.timestamp.type=WallClock\n"
        "log.cleanup.policy=delete,shred\n"
        "log.cleaner.min.cleanable.ratio=1.5\n"
        "log.retention.ms=7d\n"
        "socket.send.buffer.bytes=3000000000\n"
        "log.segment.delete.delay.ms=99999999999999999999\n"
        "\n\n"
        "log.segment.bytes=1GB\n",
        "server.properties", d);
    auto c = resolve(broker_registry(), props, d);
    std::vector<std::string> got;
    for (const auto& diag : d.items()) {
        got.push_back(diag.to_string());
    }
    std::vector<std::string> want = {
        "server.properties:3: error: auto.create.topics.enable = \"yes\": expected true or "
        "false (boolean)",
        "server.properties:4: error: num.partitions = \"0\": expected an integer (int) in [1, "
        "2147483647]",
        "server.properties:5: error: log.message.timestamp.type = \"WallClock\": expected one "
        "of [CreateTime, LogAppendTime]",
        "server.properties:6: error: log.cleanup.policy = \"delete,shred\": expected a "
        "comma-separated list of [compact, delete]",
        "server.properties:7: error: log.cleaner.min.cleanable.ratio = \"1.5\": expected a "
        "number (double) in [0, 1]",
        "server.properties:8: error: log.retention.ms = \"7d\": expected an integer (long)",
        "server.properties:9: error: socket.send.buffer.bytes = \"3000000000\": expected an "
        "integer (int) in [-2147483648, 2147483647]",
        "server.properties:10: error: log.segment.delete.delay.ms = \"99999999999999999999\": "
        "expected an integer (long) in [0, 9223372036854775807]",
        "server.properties:13: error: log.segment.bytes = \"1GB\": expected an integer (int) in "
        "[14, 2147483647]",
    };
    EXPECT_EQ(got, want);
    // Bad values keep their defaults, so the rest of the view is usable.
    EXPECT_EQ(c.get_int("log.segment.bytes"), 1073741824);
    EXPECT_FALSE(c.is_set("log.segment.bytes"));
}

TEST(Registry, ParsesLikeKafka) {
    const property_def* b = broker_registry().find("auto.create.topics.enable");
    EXPECT_EQ(std::get<bool>(parse_value(*b, " TRUE ").value()), true);
    const property_def* i = broker_registry().find("num.partitions");
    EXPECT_EQ(std::get<int64_t>(parse_value(*i, " +12 ").value()), 12);
    EXPECT_FALSE(parse_value(*i, "").ok());
    EXPECT_FALSE(parse_value(*i, "1.0").ok());
    const property_def* l = broker_registry().find("process.roles");
    EXPECT_EQ(std::get<std::vector<std::string>>(parse_value(*l, " broker , controller").value()),
              (std::vector<std::string>{"broker", "controller"}));
    EXPECT_FALSE(parse_value(*l, "broker,observer").ok());
    EXPECT_TRUE(std::get<std::vector<std::string>>(parse_value(*l, "  ").value()).empty());
}

TEST(Registry, PasswordsAreNeverPrinted) {
    property_def pw;
    pw.name = "ssl.key.password";
    pw.type = value_type::password;
    EXPECT_EQ(format_value(pw, config_value(std::string("hunter2"))), "[hidden]");
    EXPECT_EQ(format_value(pw, config_value(std::string("hunter2")), true), "hunter2");
    EXPECT_EQ(quote_raw(pw, "hunter2"), "[hidden]");
}

// Every default must parse and satisfy its own bounds, every synonym must
// name a key, and every topic key's default must equal what its broker
// synonyms give by default (so a topic with no overrides on a broker with an
// empty file is exactly Kafka's default).
TEST(Registry, RegistriesAreConsistent) {
    for (const registry* reg : {&broker_registry(), &topic_registry()}) {
        for (const auto& def : reg->properties()) {
            SCOPED_TRACE(def.name);
            EXPECT_FALSE(def.doc.empty());
            if (def.default_value) {
                EXPECT_TRUE(parse_value(def, *def.default_value).ok());
            }
            if (def.on_single_node != single_node::used) {
                EXPECT_FALSE(def.single_node_note.empty());
            }
            for (const auto& s : def.synonyms) {
                EXPECT_NE(broker_registry().find(s.name), nullptr) << s.name;
            }
        }
    }
    resolved_config broker(broker_registry());
    for (const auto& def : topic_registry().properties()) {
        SCOPED_TRACE(def.name);
        ASSERT_FALSE(def.synonyms.empty());
        for (const auto& s : def.synonyms) {
            const resolved_value& b = broker.entry(s.name);
            if (std::holds_alternative<std::monostate>(b.value)) {
                continue;
            }
            config_value v = b.value;
            if (const int64_t* n = std::get_if<int64_t>(&v)) {
                v = *n * s.scale;
            }
            EXPECT_EQ(format_value(def, v), *def.default_value) << "via " << s.name;
            if (s.scale == 1) {
                EXPECT_EQ(b.def->type, def.type) << "via " << s.name;
            }
            break;
        }
    }
}

TEST(ResolvedConfig, SourcesAndOverrides) {
    diagnostics d;
    auto props = parse_properties("# x\nnum.partitions=6\nlog.dirs=/a\n", "server.properties", d);
    properties overrides;
    overrides.set({"log.dirs", "/b,/c", "--override", 0});
    auto c = resolve(broker_registry(), props, d, overrides);
    EXPECT_TRUE(d.items().empty());
    EXPECT_EQ(c.entry("num.partitions").source_text(), "server.properties:2");
    EXPECT_EQ(c.entry("num.partitions").origin, value_origin::file);
    EXPECT_EQ(c.entry("log.dirs").origin, value_origin::override_value);
    EXPECT_EQ(c.get_string("log.dirs"), "/b,/c");
    EXPECT_EQ(c.entry("num.io.threads").source_text(), "default");
    EXPECT_EQ(c.get_int("num.io.threads"), 8);
    EXPECT_TRUE(c.is_null("log.retention.ms"));
    EXPECT_THROW((void)c.get_int("no.such.key"), std::out_of_range);
    EXPECT_THROW((void)c.get_bool("num.io.threads"), std::out_of_range);
}

}  // namespace
}  // namespace cs::config
