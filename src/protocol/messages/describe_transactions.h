#pragma once

// DescribeTransactions (api key 65, KIP-664), version 0 (flexible). Field
// facts transcribed from apache/kafka DescribeTransactionsRequest.json /
// DescribeTransactionsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct describe_transactions_request {
    static constexpr api_key kApiKey = api_key::describe_transactions;
    std::vector<std::string> transactional_ids;

    template <class V>
    void describe(V& v) {
        v.field(transactional_ids, "transactional_ids");
    }
    bool operator==(const describe_transactions_request&) const = default;
};

struct describe_transactions_response {
    static constexpr api_key kApiKey = api_key::describe_transactions;
    struct topic_data {
        std::string topic;
        std::vector<int32_t> partitions;

        template <class V>
        void describe(V& v) {
            v.field(topic, "topic");
            v.field(partitions, "partitions");
        }
        bool operator==(const topic_data&) const = default;
    };
    struct transaction {  // Kafka's TransactionState
        int16_t error_code = 0;
        std::string transactional_id;
        std::string transaction_state;  // "Ongoing", "PrepareCommit", ...
        int32_t transaction_timeout_ms = 0;
        int64_t transaction_start_time_ms = 0;  // -1: no transaction
        int64_t producer_id = 0;
        int16_t producer_epoch = 0;
        // The partitions of the current transaction (if any).
        std::vector<topic_data> topics;

        template <class V>
        void describe(V& v) {
            v.field(error_code, "error_code");
            v.field(transactional_id, "transactional_id");
            v.field(transaction_state, "transaction_state");
            v.field(transaction_timeout_ms, "transaction_timeout_ms");
            v.field(transaction_start_time_ms, "transaction_start_time_ms");
            v.field(producer_id, "producer_id");
            v.field(producer_epoch, "producer_epoch");
            v.field(topics, "topics");
        }
        bool operator==(const transaction&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<transaction> transaction_states;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(transaction_states, "transaction_states");
    }
    bool operator==(const describe_transactions_response&) const = default;
};

}  // namespace cs::kafka
