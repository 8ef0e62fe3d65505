#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/init_producer_id.h"

namespace cs::broker {

// InitProducerId: a new producer id for idempotent producers (transactions are not supported yet).
struct init_producer_id_handler {
    using request = kafka::init_producer_id_request;
    using response = kafka::init_producer_id_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
