#pragma once

// Produce (api key 0), versions 0-8. Field facts transcribed from
// apache/kafka ProduceRequest.json / ProduceResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct produce_request {
    static constexpr api_key kApiKey = api_key::produce;
    struct topic_produce_data {
        struct partition_produce_data {
            int32_t index = 0;
            std::optional<bytes> records = bytes{};

            template <class V>
            void describe(V& v) {
                v.field(index, "index");
                v.field(records, "records");
            }
            bool operator==(const partition_produce_data&) const = default;
        };
        std::string name;
        std::vector<partition_produce_data> partition_data;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partition_data, "partition_data");
        }
        bool operator==(const topic_produce_data&) const = default;
    };
    std::optional<std::string> transactional_id;
    int16_t acks = 0;
    int32_t timeout_ms = 0;
    std::vector<topic_produce_data> topic_data;

    template <class V>
    void describe(V& v) {
        v.field(transactional_id, "transactional_id", since(3));
        v.field(acks, "acks");
        v.field(timeout_ms, "timeout_ms");
        v.field(topic_data, "topic_data");
    }
    bool operator==(const produce_request&) const = default;
};

struct produce_response {
    static constexpr api_key kApiKey = api_key::produce;
    struct topic_produce_response {
        struct partition_produce_response {
            struct batch_index_and_error_message {
                int32_t batch_index = 0;
                std::optional<std::string> batch_index_error_message;

                template <class V>
                void describe(V& v) {
                    v.field(batch_index, "batch_index", since(8));
                    v.field(batch_index_error_message, "batch_index_error_message", since(8));
                }
                bool operator==(const batch_index_and_error_message&) const = default;
            };
            int32_t index = 0;
            int16_t error_code = 0;
            int64_t base_offset = 0;
            int64_t log_append_time_ms = -1;
            int64_t log_start_offset = -1;
            std::vector<batch_index_and_error_message> record_errors;
            std::optional<std::string> error_message;

            template <class V>
            void describe(V& v) {
                v.field(index, "index");
                v.field(error_code, "error_code");
                v.field(base_offset, "base_offset");
                v.field(log_append_time_ms, "log_append_time_ms", since(2));
                v.field(log_start_offset, "log_start_offset", since(5));
                v.field(record_errors, "record_errors", since(8));
                v.field(error_message, "error_message", since(8));
            }
            bool operator==(const partition_produce_response&) const = default;
        };
        std::string name;
        std::vector<partition_produce_response> partition_responses;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partition_responses, "partition_responses");
        }
        bool operator==(const topic_produce_response&) const = default;
    };
    std::vector<topic_produce_response> responses;
    int32_t throttle_time_ms = 0;

    template <class V>
    void describe(V& v) {
        v.field(responses, "responses");
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
    }
    bool operator==(const produce_response&) const = default;
};

}  // namespace cs::kafka
