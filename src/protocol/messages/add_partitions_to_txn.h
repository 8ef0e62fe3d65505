#pragma once

// AddPartitionsToTxn (api key 24), versions 0-3: the client versions
// (4+ batch several transactions and are sent by brokers only). Field facts
// transcribed from apache/kafka AddPartitionsToTxnRequest.json /
// AddPartitionsToTxnResponse.json ("V3AndBelow" fields).

#include "protocol/schema.h"

namespace cs::kafka {

struct add_partitions_to_txn_request {
    static constexpr api_key kApiKey = api_key::add_partitions_to_txn;
    struct topic {
        std::string name;
        std::vector<int32_t> partitions;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(partitions, "partitions");
        }
        bool operator==(const topic&) const = default;
    };
    std::string transactional_id;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    std::vector<topic> topics;

    template <class V>
    void describe(V& v) {
        v.field(transactional_id, "v3_and_below_transactional_id");
        v.field(producer_id, "v3_and_below_producer_id");
        v.field(producer_epoch, "v3_and_below_producer_epoch");
        v.field(topics, "v3_and_below_topics");
    }
    bool operator==(const add_partitions_to_txn_request&) const = default;
};

struct add_partitions_to_txn_response {
    static constexpr api_key kApiKey = api_key::add_partitions_to_txn;
    struct topic_result {
        struct partition_result {
            int32_t partition_index = 0;
            int16_t partition_error_code = 0;

            template <class V>
            void describe(V& v) {
                v.field(partition_index, "partition_index");
                v.field(partition_error_code, "partition_error_code");
            }
            bool operator==(const partition_result&) const = default;
        };
        std::string name;
        std::vector<partition_result> results_by_partition;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(results_by_partition, "results_by_partition");
        }
        bool operator==(const topic_result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<topic_result> results_by_topic;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(results_by_topic, "results_by_topic_v3_and_below");
    }
    bool operator==(const add_partitions_to_txn_response&) const = default;
};

}  // namespace cs::kafka
