#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/alter_configs.h"

namespace cs::broker {

// AlterConfigs: replaces a topic's config overrides (broker configs are static here).
struct alter_configs_handler {
    using request = kafka::alter_configs_request;
    using response = kafka::alter_configs_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
