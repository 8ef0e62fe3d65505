#pragma once

// CreatePartitions (api key 37), versions 0-1. Field facts transcribed from
// apache/kafka CreatePartitionsRequest.json / CreatePartitionsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct create_partitions_request {
    static constexpr api_key kApiKey = api_key::create_partitions;
    struct topic {
        struct assignment {
            std::vector<int32_t> broker_ids;

            template <class V>
            void describe(V& v) {
                v.field(broker_ids, "broker_ids");
            }
            bool operator==(const assignment&) const = default;
        };
        std::string name;
        int32_t count = 0;
        std::optional<std::vector<assignment>> assignments = std::vector<assignment>{};

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(count, "count");
            v.field(assignments, "assignments");
        }
        bool operator==(const topic&) const = default;
    };
    std::vector<topic> topics;
    int32_t timeout_ms = 0;
    bool validate_only = false;

    template <class V>
    void describe(V& v) {
        v.field(topics, "topics");
        v.field(timeout_ms, "timeout_ms");
        v.field(validate_only, "validate_only");
    }
    bool operator==(const create_partitions_request&) const = default;
};

struct create_partitions_response {
    static constexpr api_key kApiKey = api_key::create_partitions;
    struct topic_result {
        std::string name;
        int16_t error_code = 0;
        std::optional<std::string> error_message;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(error_code, "error_code");
            v.field(error_message, "error_message");
        }
        bool operator==(const topic_result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<topic_result> results;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(results, "results");
    }
    bool operator==(const create_partitions_response&) const = default;
};

}  // namespace cs::kafka
