#pragma once

// Heartbeat (api key 12), versions 0-3. Field facts transcribed from
// apache/kafka HeartbeatRequest.json / HeartbeatResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct heartbeat_request {
    static constexpr api_key kApiKey = api_key::heartbeat;
    std::string group_id;
    int32_t generation_id = 0;
    std::string member_id;
    std::optional<std::string> group_instance_id;

    template <class V>
    void describe(V& v) {
        v.field(group_id, "group_id");
        v.field(generation_id, "generation_id");
        v.field(member_id, "member_id");
        v.field(group_instance_id, "group_instance_id", since(3));
    }
    bool operator==(const heartbeat_request&) const = default;
};

struct heartbeat_response {
    static constexpr api_key kApiKey = api_key::heartbeat;
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(error_code, "error_code");
    }
    bool operator==(const heartbeat_response&) const = default;
};

}  // namespace cs::kafka
