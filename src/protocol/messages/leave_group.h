#pragma once

// LeaveGroup (api key 13), versions 0-3. Field facts transcribed from
// apache/kafka LeaveGroupRequest.json / LeaveGroupResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct leave_group_request {
    static constexpr api_key kApiKey = api_key::leave_group;
    struct member_identity {
        std::string member_id;
        std::optional<std::string> group_instance_id;

        template <class V>
        void describe(V& v) {
            v.field(member_id, "member_id", since(3));
            v.field(group_instance_id, "group_instance_id", since(3));
        }
        bool operator==(const member_identity&) const = default;
    };
    std::string group_id;
    std::string member_id;
    std::vector<member_identity> members;

    template <class V>
    void describe(V& v) {
        v.field(group_id, "group_id");
        v.field(member_id, "member_id", until(2));
        v.field(members, "members", since(3));
    }
    bool operator==(const leave_group_request&) const = default;
};

struct leave_group_response {
    static constexpr api_key kApiKey = api_key::leave_group;
    struct member_response {
        std::string member_id;
        std::optional<std::string> group_instance_id = std::string{};
        int16_t error_code = 0;

        template <class V>
        void describe(V& v) {
            v.field(member_id, "member_id", since(3));
            v.field(group_instance_id, "group_instance_id", since(3));
            v.field(error_code, "error_code", since(3));
        }
        bool operator==(const member_response&) const = default;
    };
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    std::vector<member_response> members;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(error_code, "error_code");
        v.field(members, "members", since(3));
    }
    bool operator==(const leave_group_response&) const = default;
};

}  // namespace cs::kafka
