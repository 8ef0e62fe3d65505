#pragma once

// Fetch (api key 1), versions 4-11. Field facts transcribed from
// apache/kafka FetchRequest.json / FetchResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct fetch_request {
    static constexpr api_key kApiKey = api_key::fetch;
    struct topic_entry {
        struct partition_entry {
            int32_t partition = 0;
            int32_t current_leader_epoch = -1;
            int64_t fetch_offset = 0;
            int64_t log_start_offset = -1;
            int32_t partition_max_bytes = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition, "partition");
                v.field(current_leader_epoch, "current_leader_epoch", since(9));
                v.field(fetch_offset, "fetch_offset");
                v.field(log_start_offset, "log_start_offset", since(5));
                v.field(partition_max_bytes, "partition_max_bytes");
            }
            bool operator==(const partition_entry&) const = default;
        };
        std::string topic;
        std::vector<partition_entry> partitions;

        template <class V>
        void describe(V& v) {
            v.field(topic, "topic");
            v.field(partitions, "partitions");
        }
        bool operator==(const topic_entry&) const = default;
    };
    struct forgotten_topic {
        std::string topic;
        std::vector<int32_t> partitions;

        template <class V>
        void describe(V& v) {
            v.field(topic, "topic", since(7));
            v.field(partitions, "partitions", since(7));
        }
        bool operator==(const forgotten_topic&) const = default;
    };
    int32_t replica_id = -1;
    int32_t max_wait_ms = 0;
    int32_t min_bytes = 0;
    int32_t max_bytes = INT32_MAX;
    int8_t isolation_level = 0;
    int32_t session_id = 0;
    int32_t session_epoch = -1;
    std::vector<topic_entry> topics;
    std::vector<forgotten_topic> forgotten_topics_data;
    std::string rack_id;

    template <class V>
    void describe(V& v) {
        v.field(replica_id, "replica_id");
        v.field(max_wait_ms, "max_wait_ms");
        v.field(min_bytes, "min_bytes");
        v.field(max_bytes, "max_bytes");
        v.field(isolation_level, "isolation_level");
        v.field(session_id, "session_id", since(7));
        v.field(session_epoch, "session_epoch", since(7));
        v.field(topics, "topics");
        v.field(forgotten_topics_data, "forgotten_topics_data", since(7));
        v.field(rack_id, "rack_id", since(11));
    }
    bool operator==(const fetch_request&) const = default;
};

struct fetch_response {
    static constexpr api_key kApiKey = api_key::fetch;
    struct fetchable_topic_response {
        struct partition_data {
            struct aborted_transaction {
                int64_t producer_id = 0;
                int64_t first_offset = 0;

                template <class V>
                void describe(V& v) {
                    v.field(producer_id, "producer_id");
                    v.field(first_offset, "first_offset");
                }
                bool operator==(const aborted_transaction&) const = default;
            };
            int32_t partition_index = 0;
            int16_t error_code = 0;
            int64_t high_watermark = 0;
            int64_t last_stable_offset = -1;
            int64_t log_start_offset = -1;
            std::optional<std::vector<aborted_transaction>> aborted_transactions =
                std::vector<aborted_transaction>{};
            int32_t preferred_read_replica = -1;
            std::optional<bytes> records = bytes{};

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(error_code, "error_code");
                v.field(high_watermark, "high_watermark");
                v.field(last_stable_offset, "last_stable_offset");
                v.field(log_start_offset, "log_start_offset", since(5));
                v.field(aborted_transactions, "aborted_transactions");
                v.field(preferred_read_replica, "preferred_read_replica", since(11));
                v.field(records, "records");
            }
            bool operator==(const partition_data&) const = default;
        };
        std::string topic;
        std::vector<partition_data> partitions;

        template <class V>
        void describe(V& v) {
            v.field(topic, "topic");
            v.field(partitions, "partitions");
        }
        bool operator==(const fetchable_topic_response&) const = default;
    };
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    int32_t session_id = 0;
    std::vector<fetchable_topic_response> responses;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(error_code, "error_code", since(7));
        v.field(session_id, "session_id", since(7));
        v.field(responses, "responses");
    }
    bool operator==(const fetch_response&) const = default;
};

}  // namespace cs::kafka
