#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/list_groups.h"

namespace cs::broker {

// ListGroups: every group this coordinator knows.
struct list_groups_handler {
    using request = kafka::list_groups_request;
    using response = kafka::list_groups_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
