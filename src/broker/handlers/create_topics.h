#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/create_topics.h"

namespace cs::broker {

// CreateTopics: validates names, partition counts, replication factor (one node: at most 1) and
// configs.
struct create_topics_handler {
    using request = kafka::create_topics_request;
    using response = kafka::create_topics_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
