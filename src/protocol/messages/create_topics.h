#pragma once

// CreateTopics (api key 19), versions 0-4. Field facts transcribed from
// apache/kafka CreateTopicsRequest.json / CreateTopicsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct create_topics_request {
    static constexpr api_key kApiKey = api_key::create_topics;
    struct creatable_topic {
        struct creatable_replica_assignment {
            int32_t partition_index = 0;
            std::vector<int32_t> broker_ids;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(broker_ids, "broker_ids");
            }
            bool operator==(const creatable_replica_assignment&) const = default;
        };
        struct creatable_topic_config {
            std::string name;
            std::optional<std::string> value = std::string{};

            template <class V>
            void describe(V& v) {
                v.field(name, "name");
                v.field(value, "value");
            }
            bool operator==(const creatable_topic_config&) const = default;
        };
        std::string name;
        int32_t num_partitions = 0;
        int16_t replication_factor = 0;
        std::vector<creatable_replica_assignment> assignments;
        std::vector<creatable_topic_config> configs;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(num_partitions, "num_partitions");
            v.field(replication_factor, "replication_factor");
            v.field(assignments, "assignments");
            v.field(configs, "configs");
        }
        bool operator==(const creatable_topic&) const = default;
    };
    std::vector<creatable_topic> topics;
    int32_t timeout_ms = 60000;
    bool validate_only = false;

    template <class V>
    void describe(V& v) {
        v.field(topics, "topics");
        v.field(timeout_ms, "timeout_ms");
        v.field(validate_only, "validate_only", since(1));
    }
    bool operator==(const create_topics_request&) const = default;
};

struct create_topics_response {
    static constexpr api_key kApiKey = api_key::create_topics;
    struct creatable_topic_result {
        std::string name;
        int16_t error_code = 0;
        std::optional<std::string> error_message = std::string{};

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(error_code, "error_code");
            v.field(error_message, "error_message", since(1));
        }
        bool operator==(const creatable_topic_result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<creatable_topic_result> topics;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(2));
        v.field(topics, "topics");
    }
    bool operator==(const create_topics_response&) const = default;
};

}  // namespace cs::kafka
