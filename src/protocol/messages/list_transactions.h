#pragma once

// ListTransactions (api key 66, KIP-664), version 0 (flexible). Field facts
// transcribed from apache/kafka ListTransactionsRequest.json /
// ListTransactionsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct list_transactions_request {
    static constexpr api_key kApiKey = api_key::list_transactions;
    // Empty: any. Else only transactions in one of these states ("Ongoing", ...).
    std::vector<std::string> state_filters;
    // Empty: any. Else only these producer ids.
    std::vector<int64_t> producer_id_filters;

    template <class V>
    void describe(V& v) {
        v.field(state_filters, "state_filters");
        v.field(producer_id_filters, "producer_id_filters");
    }
    bool operator==(const list_transactions_request&) const = default;
};

struct list_transactions_response {
    static constexpr api_key kApiKey = api_key::list_transactions;
    struct transaction {  // Kafka's TransactionState
        std::string transactional_id;
        int64_t producer_id = 0;
        std::string transaction_state;

        template <class V>
        void describe(V& v) {
            v.field(transactional_id, "transactional_id");
            v.field(producer_id, "producer_id");
            v.field(transaction_state, "transaction_state");
        }
        bool operator==(const transaction&) const = default;
    };
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    std::vector<transaction> transaction_states;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(error_code, "error_code");
        v.field(transaction_states, "transaction_states");
    }
    bool operator==(const list_transactions_response&) const = default;
};

}  // namespace cs::kafka
