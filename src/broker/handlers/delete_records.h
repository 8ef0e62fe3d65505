#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/delete_records.h"

namespace cs::broker {

// DeleteRecords: advances a partition's log start offset.
struct delete_records_handler {
    using request = kafka::delete_records_request;
    using response = kafka::delete_records_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
