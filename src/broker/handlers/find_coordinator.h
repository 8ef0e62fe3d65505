#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/find_coordinator.h"

namespace cs::broker {

// FindCoordinator: this broker coordinates every group (and transactional id).
struct find_coordinator_handler {
    using request = kafka::find_coordinator_request;
    using response = kafka::find_coordinator_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
