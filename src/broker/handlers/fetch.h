#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/fetch.h"

namespace cs::broker {

// Fetch: whole batches from each partition (at least one even past the byte limits, KIP-74),
// long-polling up to max_wait_ms until min_bytes are available.
struct fetch_handler {
    using request = kafka::fetch_request;
    using response = kafka::fetch_response;
    static constexpr int16_t min_version = 4;
    static constexpr int16_t max_version = 11;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
