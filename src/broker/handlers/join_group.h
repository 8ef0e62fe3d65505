#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/join_group.h"

namespace cs::broker {

// JoinGroup: joins the member to its group; the answer waits for the rebalance (classic protocol).
struct join_group_handler {
    using request = kafka::join_group_request;
    using response = kafka::join_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 5;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
