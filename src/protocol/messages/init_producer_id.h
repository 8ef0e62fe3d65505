#pragma once

// InitProducerId (api key 22), versions 0-4. Field facts transcribed from
// apache/kafka InitProducerIdRequest.json / InitProducerIdResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct init_producer_id_request {
    static constexpr api_key kApiKey = api_key::init_producer_id;
    std::optional<std::string> transactional_id = std::string{};
    int32_t transaction_timeout_ms = 0;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;

    template <class V>
    void describe(V& v) {
        v.field(transactional_id, "transactional_id");
        v.field(transaction_timeout_ms, "transaction_timeout_ms");
        v.field(producer_id, "producer_id", since(3));
        v.field(producer_epoch, "producer_epoch", since(3));
    }
    bool operator==(const init_producer_id_request&) const = default;
};

struct init_producer_id_response {
    static constexpr api_key kApiKey = api_key::init_producer_id;
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    int64_t producer_id = -1;
    int16_t producer_epoch = 0;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(error_code, "error_code");
        v.field(producer_id, "producer_id");
        v.field(producer_epoch, "producer_epoch");
    }
    bool operator==(const init_producer_id_response&) const = default;
};

}  // namespace cs::kafka
