#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/describe_groups.h"

namespace cs::broker {

// DescribeGroups: state, protocol and members of each group.
struct describe_groups_handler {
    using request = kafka::describe_groups_request;
    using response = kafka::describe_groups_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
