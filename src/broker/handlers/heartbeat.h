#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/heartbeat.h"

namespace cs::broker {

// Heartbeat: keeps a member's session alive and tells it when to rejoin.
struct heartbeat_handler {
    using request = kafka::heartbeat_request;
    using response = kafka::heartbeat_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
