#pragma once

// DeleteGroups (api key 42), versions 0-1. Field facts transcribed from
// apache/kafka DeleteGroupsRequest.json / DeleteGroupsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct delete_groups_request {
    static constexpr api_key kApiKey = api_key::delete_groups;
    std::vector<std::string> groups_names;

    template <class V>
    void describe(V& v) {
        v.field(groups_names, "groups_names");
    }
    bool operator==(const delete_groups_request&) const = default;
};

struct delete_groups_response {
    static constexpr api_key kApiKey = api_key::delete_groups;
    struct deletable_group_result {
        std::string group_id;
        int16_t error_code = 0;

        template <class V>
        void describe(V& v) {
            v.field(group_id, "group_id");
            v.field(error_code, "error_code");
        }
        bool operator==(const deletable_group_result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<deletable_group_result> results;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(results, "results");
    }
    bool operator==(const delete_groups_response&) const = default;
};

}  // namespace cs::kafka
