#pragma once

// Configuration as DescribeConfigs reports it: per key the value, where it
// came from (Kafka's ConfigSource) and its synonyms in precedence order, so
// admin tools and UIs see what they see on Apache Kafka.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/property.h"
#include "config/resolved_config.h"

namespace cs::config {

// Kafka's ConfigSource ids (DescribeConfigs v1+ config_source).
enum class config_source : int8_t {
    unknown = 0,
    dynamic_topic_config = 1,
    dynamic_broker_config = 2,
    dynamic_default_broker_config = 3,
    static_broker_config = 4,
    default_config = 5,
};

// "DYNAMIC_TOPIC_CONFIG", "STATIC_BROKER_CONFIG", "DEFAULT_CONFIG", ...
const char* config_source_name(config_source s);

struct config_synonym {
    std::string name;
    std::optional<std::string> value;  // nullopt for sensitive or null values
    config_source source = config_source::default_config;
};

struct described_config {
    std::string name;
    std::optional<std::string> value;  // nullopt for sensitive or null values
    config_source source = config_source::default_config;
    bool read_only = false;
    bool sensitive = false;
    value_type type = value_type::string;
    std::string documentation;
    std::vector<config_synonym> synonyms;
};

// The broker's own configuration (resource type BROKER): values from the file
// or overrides are STATIC_BROKER_CONFIG, the rest DEFAULT_CONFIG. Broker keys
// cannot be changed at run time here yet, so all are read-only.
std::vector<described_config> describe_broker(const resolved_config& broker);

}  // namespace cs::config
