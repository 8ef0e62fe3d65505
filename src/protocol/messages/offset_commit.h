#pragma once

// OffsetCommit (api key 8), versions 0-7. Field facts transcribed from
// apache/kafka OffsetCommitRequest.json / OffsetCommitResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct offset_commit_request {
    static constexpr api_key kApiKey = api_key::offset_commit;
    struct topic {
        struct partition {
            int32_t partition_index = 0;
            int64_t committed_offset = 0;
            int32_t committed_leader_epoch = -1;
            int64_t commit_timestamp = -1;
            std::optional<std::string> committed_metadata = std::string{};

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(committed_offset, "committed_offset");
                v.field(committed_leader_epoch, "committed_leader_epoch", since(6));
                v.field(commit_timestamp, "commit_timestamp", range(1, 1));
                v.field(committed_metadata, "committed_metadata");
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
    std::string group_id;
    int32_t generation_id_or_member_epoch = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    int64_t retention_time_ms = -1;
    std::vector<topic> topics;

    template <class V>
    void describe(V& v) {
        v.field(group_id, "group_id");
        v.field(generation_id_or_member_epoch, "generation_id_or_member_epoch", since(1));
        v.field(member_id, "member_id", since(1));
        v.field(group_instance_id, "group_instance_id", since(7));
        v.field(retention_time_ms, "retention_time_ms", range(2, 4));
        v.field(topics, "topics");
    }
    bool operator==(const offset_commit_request&) const = default;
};

struct offset_commit_response {
    static constexpr api_key kApiKey = api_key::offset_commit;
    struct topic {
        struct partition {
            int32_t partition_index = 0;
            int16_t error_code = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
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

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(3));
        v.field(topics, "topics");
    }
    bool operator==(const offset_commit_response&) const = default;
};

}  // namespace cs::kafka
