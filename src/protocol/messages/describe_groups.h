#pragma once

// DescribeGroups (api key 15), versions 0-4. Field facts transcribed from
// apache/kafka DescribeGroupsRequest.json / DescribeGroupsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct describe_groups_request {
    static constexpr api_key kApiKey = api_key::describe_groups;
    std::vector<std::string> groups;
    bool include_authorized_operations = false;

    template <class V>
    void describe(V& v) {
        v.field(groups, "groups");
        v.field(include_authorized_operations, "include_authorized_operations", since(3));
    }
    bool operator==(const describe_groups_request&) const = default;
};

struct describe_groups_response {
    static constexpr api_key kApiKey = api_key::describe_groups;
    struct described_group {
        struct described_group_member {
            std::string member_id;
            std::optional<std::string> group_instance_id;
            std::string client_id;
            std::string client_host;
            bytes member_metadata;
            bytes member_assignment;

            template <class V>
            void describe(V& v) {
                v.field(member_id, "member_id");
                v.field(group_instance_id, "group_instance_id", since(4));
                v.field(client_id, "client_id");
                v.field(client_host, "client_host");
                v.field(member_metadata, "member_metadata");
                v.field(member_assignment, "member_assignment");
            }
            bool operator==(const described_group_member&) const = default;
        };
        int16_t error_code = 0;
        std::string group_id;
        std::string group_state;
        std::string protocol_type;
        std::string protocol_data;
        std::vector<described_group_member> members;
        int32_t authorized_operations = INT32_MIN;

        template <class V>
        void describe(V& v) {
            v.field(error_code, "error_code");
            v.field(group_id, "group_id");
            v.field(group_state, "group_state");
            v.field(protocol_type, "protocol_type");
            v.field(protocol_data, "protocol_data");
            v.field(members, "members");
            v.field(authorized_operations, "authorized_operations", since(3));
        }
        bool operator==(const described_group&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<described_group> groups;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(groups, "groups");
    }
    bool operator==(const describe_groups_response&) const = default;
};

}  // namespace cs::kafka
