#pragma once

// SyncGroup (api key 14), versions 0-3. Field facts transcribed from
// apache/kafka SyncGroupRequest.json / SyncGroupResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct sync_group_request {
    static constexpr api_key kApiKey = api_key::sync_group;
    struct assignment_entry {
        std::string member_id;
        bytes assignment;

        template <class V>
        void describe(V& v) {
            v.field(member_id, "member_id");
            v.field(assignment, "assignment");
        }
        bool operator==(const assignment_entry&) const = default;
    };
    std::string group_id;
    int32_t generation_id = 0;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::vector<assignment_entry> assignments;

    template <class V>
    void describe(V& v) {
        v.field(group_id, "group_id");
        v.field(generation_id, "generation_id");
        v.field(member_id, "member_id");
        v.field(group_instance_id, "group_instance_id", since(3));
        v.field(assignments, "assignments");
    }
    bool operator==(const sync_group_request&) const = default;
};

struct sync_group_response {
    static constexpr api_key kApiKey = api_key::sync_group;
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    bytes assignment;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(error_code, "error_code");
        v.field(assignment, "assignment");
    }
    bool operator==(const sync_group_response&) const = default;
};

}  // namespace cs::kafka
