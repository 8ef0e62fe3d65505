#pragma once

// DeleteRecords (api key 21), versions 0-1. Field facts transcribed from
// apache/kafka DeleteRecordsRequest.json / DeleteRecordsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct delete_records_request {
    static constexpr api_key kApiKey = api_key::delete_records;
    struct topic {
        struct partition {
            int32_t partition_index = 0;
            int64_t offset = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(offset, "offset");
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
    std::vector<topic> topics;
    int32_t timeout_ms = 0;

    template <class V>
    void describe(V& v) {
        v.field(topics, "topics");
        v.field(timeout_ms, "timeout_ms");
    }
    bool operator==(const delete_records_request&) const = default;
};

struct delete_records_response {
    static constexpr api_key kApiKey = api_key::delete_records;
    struct topic_result {
        struct partition_result {
            int32_t partition_index = 0;
            int64_t low_watermark = 0;
            int16_t error_code = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(low_watermark, "low_watermark");
                v.field(error_code, "error_code");
            }
            bool operator==(const partition_result&) const = default;
        };
        std::string name;
        std::vector<partition_result> partitions;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partitions, "partitions");
        }
        bool operator==(const topic_result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<topic_result> topics;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(topics, "topics");
    }
    bool operator==(const delete_records_response&) const = default;
};

}  // namespace cs::kafka
