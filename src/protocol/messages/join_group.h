#pragma once

// JoinGroup (api key 11), versions 0-5. Field facts transcribed from
// apache/kafka JoinGroupRequest.json / JoinGroupResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct join_group_request {
    static constexpr api_key kApiKey = api_key::join_group;
    struct protocol {
        std::string name;
        bytes metadata;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(metadata, "metadata");
        }
        bool operator==(const protocol&) const = default;
    };
    std::string group_id;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string protocol_type;
    std::vector<protocol> protocols;

    template <class V>
    void describe(V& v) {
        v.field(group_id, "group_id");
        v.field(session_timeout_ms, "session_timeout_ms");
        v.field(rebalance_timeout_ms, "rebalance_timeout_ms", since(1));
        v.field(member_id, "member_id");
        v.field(group_instance_id, "group_instance_id", since(5));
        v.field(protocol_type, "protocol_type");
        v.field(protocols, "protocols");
    }
    bool operator==(const join_group_request&) const = default;
};

struct join_group_response {
    static constexpr api_key kApiKey = api_key::join_group;
    struct member {
        std::string member_id;
        std::optional<std::string> group_instance_id;
        bytes metadata;

        template <class V>
        void describe(V& v) {
            v.field(member_id, "member_id");
            v.field(group_instance_id, "group_instance_id", since(5));
            v.field(metadata, "metadata");
        }
        bool operator==(const member&) const = default;
    };
    int32_t throttle_time_ms = 0;
    int16_t error_code = 0;
    int32_t generation_id = -1;
    std::string protocol_name;
    std::string leader;
    std::string member_id;
    std::vector<member> members;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(2));
        v.field(error_code, "error_code");
        v.field(generation_id, "generation_id");
        v.field(protocol_name, "protocol_name");
        v.field(leader, "leader");
        v.field(member_id, "member_id");
        v.field(members, "members");
    }
    bool operator==(const join_group_response&) const = default;
};

}  // namespace cs::kafka
