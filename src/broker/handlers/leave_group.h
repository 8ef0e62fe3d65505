#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/leave_group.h"

namespace cs::broker {

// LeaveGroup: one member (v0-v2) or a batch of members (v3+) leave.
struct leave_group_handler {
    using request = kafka::leave_group_request;
    using response = kafka::leave_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
