#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/produce.h"

namespace cs::broker {

// Produce: validates each partition's batch, checks idempotent-producer sequences, appends, and
// answers after write (acks=1), after fsync (acks=all, group commit) or not at all (acks=0).
struct produce_handler {
    using request = kafka::produce_request;
    using response = kafka::produce_response;
    static constexpr int16_t min_version = 3;
    static constexpr int16_t max_version = 8;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
