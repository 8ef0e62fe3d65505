#pragma once

// Metadata (api key 3), versions 0-9. Field facts transcribed from
// apache/kafka MetadataRequest.json / MetadataResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct metadata_request {
    static constexpr api_key kApiKey = api_key::metadata;
    struct topic {
        std::string name;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
        }
        bool operator==(const topic&) const = default;
    };
    std::optional<std::vector<topic>> topics = std::vector<topic>{};
    bool allow_auto_topic_creation = true;
    bool include_cluster_authorized_operations = false;
    bool include_topic_authorized_operations = false;

    template <class V>
    void describe(V& v) {
        v.field(topics, "topics", all_versions, field_opts{.nullable = since(1)});
        v.field(allow_auto_topic_creation, "allow_auto_topic_creation", since(4));
        v.field(include_cluster_authorized_operations, "include_cluster_authorized_operations",
                since(8));
        v.field(include_topic_authorized_operations, "include_topic_authorized_operations",
                since(8));
    }
    bool operator==(const metadata_request&) const = default;
};

struct metadata_response {
    static constexpr api_key kApiKey = api_key::metadata;
    struct broker {
        int32_t node_id = 0;
        std::string host;
        int32_t port = 0;
        std::optional<std::string> rack;

        template <class V>
        void describe(V& v) {
            v.field(node_id, "node_id");
            v.field(host, "host");
            v.field(port, "port");
            v.field(rack, "rack", since(1));
        }
        bool operator==(const broker&) const = default;
    };
    struct topic {
        struct partition {
            int16_t error_code = 0;
            int32_t partition_index = 0;
            int32_t leader_id = 0;
            int32_t leader_epoch = -1;
            std::vector<int32_t> replica_nodes;
            std::vector<int32_t> isr_nodes;
            std::vector<int32_t> offline_replicas;

            template <class V>
            void describe(V& v) {
                v.field(error_code, "error_code");
                v.field(partition_index, "partition_index");
                v.field(leader_id, "leader_id");
                v.field(leader_epoch, "leader_epoch", since(7));
                v.field(replica_nodes, "replica_nodes");
                v.field(isr_nodes, "isr_nodes");
                v.field(offline_replicas, "offline_replicas", since(5));
            }
            bool operator==(const partition&) const = default;
        };
        int16_t error_code = 0;
        std::string name;
        bool is_internal = false;
        std::vector<partition> partitions;
        int32_t topic_authorized_operations = INT32_MIN;

        template <class V>
        void describe(V& v) {
            v.field(error_code, "error_code");
            v.field(name, "name");
            v.field(is_internal, "is_internal", since(1));
            v.field(partitions, "partitions");
            v.field(topic_authorized_operations, "topic_authorized_operations", since(8));
        }
        bool operator==(const topic&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<broker> brokers;
    std::optional<std::string> cluster_id;
    int32_t controller_id = -1;
    std::vector<topic> topics;
    int32_t cluster_authorized_operations = INT32_MIN;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(3));
        v.field(brokers, "brokers");
        v.field(cluster_id, "cluster_id", since(2));
        v.field(controller_id, "controller_id", since(1));
        v.field(topics, "topics");
        v.field(cluster_authorized_operations, "cluster_authorized_operations", since(8));
    }
    bool operator==(const metadata_response&) const = default;
};

}  // namespace cs::kafka
