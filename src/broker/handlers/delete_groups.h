#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/delete_groups.h"

namespace cs::broker {

// DeleteGroups: removes empty groups and their offsets.
struct delete_groups_handler {
    using request = kafka::delete_groups_request;
    using response = kafka::delete_groups_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
