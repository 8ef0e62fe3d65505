#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/delete_topics.h"

namespace cs::broker {

// DeleteTopics: removes the topic from the catalogue and deletes its partition logs.
struct delete_topics_handler {
    using request = kafka::delete_topics_request;
    using response = kafka::delete_topics_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
