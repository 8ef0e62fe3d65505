#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/create_partitions.h"

namespace cs::broker {

// CreatePartitions: grows a topic to a new partition count.
struct create_partitions_handler {
    using request = kafka::create_partitions_request;
    using response = kafka::create_partitions_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
