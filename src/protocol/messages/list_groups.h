#pragma once

// ListGroups (api key 16), versions 0-3. Field facts transcribed from
// apache/kafka ListGroupsRequest.json / ListGroupsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct list_groups_request {
    static constexpr api_key kApiKey = api_key::list_groups;

    template <class V>
    void describe([[maybe_unused]] V& v) {}
    bool operator==(const list_groups_request&) const = default;
};

struct list_groups_response {
    static constexpr api_key kApiKey = api_key::list_groups;
    struct listed_group {
        std::string group_id;
        std::string protocol_type;

        template <class V>
        void describe(V& v) {
            v.field(group_id, "group_id");
            v.field(protocol_type, "protocol_type");
        }
        bool operator==(const listed_group&) const = default;
    };
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    std::vector<listed_group> groups;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(error_code, "error_code");
        v.field(groups, "groups");
    }
    bool operator==(const list_groups_response&) const = default;
};

}  // namespace cs::kafka
