#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/offset_fetch.h"

namespace cs::broker {

// OffsetFetch: a group's committed offsets (all of them when topics is null, v2+).
struct offset_fetch_handler {
    using request = kafka::offset_fetch_request;
    using response = kafka::offset_fetch_response;
    static constexpr int16_t min_version = 1;
    static constexpr int16_t max_version = 7;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
