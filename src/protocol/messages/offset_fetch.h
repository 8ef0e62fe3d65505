#pragma once

// OffsetFetch (api key 9), versions 1-7. Field facts transcribed from
// apache/kafka OffsetFetchRequest.json / OffsetFetchResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct offset_fetch_request {
    static constexpr api_key kApiKey = api_key::offset_fetch;
    struct topic {
        std::string name;
        std::vector<int32_t> partition_indexes;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partition_indexes, "partition_indexes");
        }
        bool operator==(const topic&) const = default;
    };
    std::string group_id;
    std::optional<std::vector<topic>> topics = std::vector<topic>{};
    bool require_stable = false;

    template <class V>
    void describe(V& v) {
        v.field(group_id, "group_id");
        v.field(topics, "topics", all_versions, field_opts{.nullable = since(2)});
        v.field(require_stable, "require_stable", since(7));
    }
    bool operator==(const offset_fetch_request&) const = default;
};

struct offset_fetch_response {
    static constexpr api_key kApiKey = api_key::offset_fetch;
    struct topic {
        struct partition {
            int32_t partition_index = 0;
            int64_t committed_offset = 0;
            int32_t committed_leader_epoch = -1;
            std::optional<std::string> metadata = std::string{};
            int16_t error_code = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(committed_offset, "committed_offset");
                v.field(committed_leader_epoch, "committed_leader_epoch", since(5));
                v.field(metadata, "metadata");
                v.field(error_code, "error_code");
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
    int32_t throttle_time_ms = 0;
    std::vector<topic> topics;
    int16_t error_code = 0;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(3));
        v.field(topics, "topics");
        v.field(error_code, "error_code", since(2));
    }
    bool operator==(const offset_fetch_response&) const = default;
};

}  // namespace cs::kafka
