#pragma once

// ListOffsets (api key 2), versions 1-5. Field facts transcribed from
// apache/kafka ListOffsetsRequest.json / ListOffsetsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct list_offsets_request {
    static constexpr api_key kApiKey = api_key::list_offsets;
    struct topic {
        struct partition {
            int32_t partition_index = 0;
            int32_t current_leader_epoch = -1;
            int64_t timestamp = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(current_leader_epoch, "current_leader_epoch", since(4));
                v.field(timestamp, "timestamp");
            }
            bool operator==(const partition&) const = default;
        };
        std::string name;
        std::vector<partition> partitions;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partitions, "partitions");
        }
        bool operator==(const topic&) const = default;
    };
    int32_t replica_id = 0;
    int8_t isolation_level = 0;
    std::vector<topic> topics;

    template <class V>
    void describe(V& v) {
        v.field(replica_id, "replica_id");
        v.field(isolation_level, "isolation_level", since(2));
        v.field(topics, "topics");
    }
    bool operator==(const list_offsets_request&) const = default;
};

struct list_offsets_response {
    static constexpr api_key kApiKey = api_key::list_offsets;
    struct topic_response {
        struct partition_response {
            int32_t partition_index = 0;
            int16_t error_code = 0;
            int64_t timestamp = -1;
            int64_t offset = -1;
            int32_t leader_epoch = -1;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(error_code, "error_code");
                v.field(timestamp, "timestamp");
                v.field(offset, "offset");
                v.field(leader_epoch, "leader_epoch", since(4));
            }
            bool operator==(const partition_response&) const = default;
        };
        std::string name;
        std::vector<partition_response> partitions;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partitions, "partitions");
        }
        bool operator==(const topic_response&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<topic_response> topics;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(2));
        v.field(topics, "topics");
    }
    bool operator==(const list_offsets_response&) const = default;
};

}  // namespace cs::kafka
