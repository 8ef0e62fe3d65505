#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/metadata.h"

namespace cs::broker {

// Metadata: this broker as the only node, leader of every partition, and the topics asked for
// (auto-created when allowed).
struct metadata_handler {
    using request = kafka::metadata_request;
    using response = kafka::metadata_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 9;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
