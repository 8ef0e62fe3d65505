#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/list_offsets.h"

namespace cs::broker {

// ListOffsets: earliest (-2), latest (-1) or the first offset at or after a timestamp (-1 when
// none).
struct list_offsets_handler {
    using request = kafka::list_offsets_request;
    using response = kafka::list_offsets_response;
    static constexpr int16_t min_version = 1;
    static constexpr int16_t max_version = 5;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
