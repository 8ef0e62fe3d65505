#pragma once

// FindCoordinator (api key 10), versions 0-3. Field facts transcribed from
// apache/kafka FindCoordinatorRequest.json / FindCoordinatorResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct find_coordinator_request {
    static constexpr api_key kApiKey = api_key::find_coordinator;
    std::string key;
    int8_t key_type = 0;

    template <class V>
    void describe(V& v) {
        v.field(key, "key");
        v.field(key_type, "key_type", since(1));
    }
    bool operator==(const find_coordinator_request&) const = default;
};

struct find_coordinator_response {
    static constexpr api_key kApiKey = api_key::find_coordinator;
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    std::optional<std::string> error_message = std::string{};
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(error_code, "error_code");
        v.field(error_message, "error_message", since(1));
        v.field(node_id, "node_id");
        v.field(host, "host");
        v.field(port, "port");
    }
    bool operator==(const find_coordinator_response&) const = default;
};

}  // namespace cs::kafka
