#pragma once

// TxnOffsetCommit (api key 28), versions 0-3. Field facts transcribed from
// apache/kafka TxnOffsetCommitRequest.json / TxnOffsetCommitResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct txn_offset_commit_request {
    static constexpr api_key kApiKey = api_key::txn_offset_commit;
    struct topic {
        struct partition {
            int32_t partition_index = 0;
            int64_t committed_offset = 0;
            int32_t committed_leader_epoch = -1;
            std::optional<std::string> committed_metadata = std::string{};

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(committed_offset, "committed_offset");
                v.field(committed_leader_epoch, "committed_leader_epoch", since(2));
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
    std::string transactional_id;
    std::string group_id;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::vector<topic> topics;

    template <class V>
    void describe(V& v) {
        v.field(transactional_id, "transactional_id");
        v.field(group_id, "group_id");
        v.field(producer_id, "producer_id");
        v.field(producer_epoch, "producer_epoch");
        v.field(generation_id, "generation_id", since(3));
        v.field(member_id, "member_id", since(3));
        v.field(group_instance_id, "group_instance_id", since(3));
        v.field(topics, "topics");
    }
    bool operator==(const txn_offset_commit_request&) const = default;
};

struct txn_offset_commit_response {
    static constexpr api_key kApiKey = api_key::txn_offset_commit;
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
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(topics, "topics");
    }
    bool operator==(const txn_offset_commit_response&) const = default;
};

}  // namespace cs::kafka
