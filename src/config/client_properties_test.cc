#include "config/client_properties.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace cs::config {
namespace {

// The seeds' producer.properties, with the password taken from the environment.
constexpr const char* producer_properties = R"(bootstrap.servers=kafka1:9092,kafka2:9092
acks=all
compression.type=snappy
batch.size=32768
linger.ms=10
buffer.memory=67108864
key.serializer=org.apache.kafka.common.serialization.StringSerializer
value.serializer=org.apache.kafka.common.serialization.StringSerializer
max.request.size=1048576
retries=3
sasl.password=${KAFKA_PASSWORD}
)";

TEST(ClientProperties, SeedsProducerFileWithEnvironment) {
    cs::testing::temp_dir tmp("cs-config-client-properties");
    const auto& dir = tmp.path();
    auto path = dir / "producer.properties";
    std::ofstream(path) << producer_properties;

    env_lookup env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "KAFKA_PASSWORD") {
            return "s3cret";
        }
        return std::nullopt;
    };
    diagnostics d;
    auto props = load_client_properties(path, d, env);
    ASSERT_TRUE(props.ok()) << d.to_string();
    auto pairs = to_pairs(*props);
    ASSERT_EQ(pairs.size(), 11u);
    EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"bootstrap.servers",
                                                             "kafka1:9092,kafka2:9092"}));
    EXPECT_EQ(pairs[10].second, "s3cret");

    diagnostics d2;
    auto unset = load_client_properties(
        path, d2, [](const std::string&) { return std::optional<std::string>(); });
    ASSERT_FALSE(unset.ok());
    ASSERT_EQ(d2.items().size(), 1u);
    EXPECT_EQ(d2.items()[0].line, 11);
    EXPECT_NE(d2.items()[0].message.find("KAFKA_PASSWORD"), std::string::npos);
}

}  // namespace
}  // namespace cs::config
