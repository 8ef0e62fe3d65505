#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/offset_commit.h"

namespace cs::broker {

// OffsetCommit: stores a group's offsets durably in __consumer_offsets before answering.
struct offset_commit_handler {
    using request = kafka::offset_commit_request;
    using response = kafka::offset_commit_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 7;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
