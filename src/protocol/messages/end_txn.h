#pragma once

// EndTxn (api key 26), versions 0-3. Field facts transcribed from
// apache/kafka EndTxnRequest.json / EndTxnResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct end_txn_request {
    static constexpr api_key kApiKey = api_key::end_txn;
    std::string transactional_id;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    bool committed = false;

    template <class V>
    void describe(V& v) {
        v.field(transactional_id, "transactional_id");
        v.field(producer_id, "producer_id");
        v.field(producer_epoch, "producer_epoch");
        v.field(committed, "committed");
    }
    bool operator==(const end_txn_request&) const = default;
};

struct end_txn_response {
    static constexpr api_key kApiKey = api_key::end_txn;
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(error_code, "error_code");
    }
    bool operator==(const end_txn_response&) const = default;
};

}  // namespace cs::kafka
