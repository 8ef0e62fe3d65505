#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/sync_group.h"

namespace cs::broker {

// SyncGroup: the leader hands out assignments; followers wait for theirs.
struct sync_group_handler {
    using request = kafka::sync_group_request;
    using response = kafka::sync_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
