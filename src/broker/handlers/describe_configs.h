#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/describe_configs.h"

namespace cs::broker {

// DescribeConfigs: every topic or broker config with its value, source and synonyms.
struct describe_configs_handler {
    using request = kafka::describe_configs_request;
    using response = kafka::describe_configs_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 2;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
