#pragma once

// ListTransactions (api key 66, KIP-664), versions 0-1 (flexible; v1 adds
// the request's duration filter, KIP-994). Field facts transcribed from
// apache/kafka ListTransactionsRequest.json / ListTransactionsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct list_transactions_request {
    static constexpr api_key kApiKey = api_key::list_transactions;
    // Empty: any. Else only transactions in one of these states ("Ongoing", ...).
    std::vector<std::string> state_filters;
    // Empty: any. Else only these producer ids.
    std::vector<int64_t> producer_id_filters;
    // < 0: any. Else only transactions running longer than this (ms).
    int64_t duration_filter = -1;

    template <class V>
    void describe(V& v) {
        v.field(state_filters, "state_filters");
        v.field(producer_id_filters, "producer_id_filters");
        v.field(duration_filter, "duration_filter", since(1));
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
    // The request's state filters that name no state.
    std::vector<std::string> unknown_state_filters;
    std::vector<transaction> transaction_states;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(error_code, "error_code");
        v.field(unknown_state_filters, "unknown_state_filters");
        v.field(transaction_states, "transaction_states");
    }
    bool operator==(const list_transactions_response&) const = default;
};

}  // namespace cs::kafka
