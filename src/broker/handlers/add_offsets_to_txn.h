#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/add_offsets_to_txn.h"

namespace cs::broker {

// AddOffsetsToTxn: a consumer group's offsets join the producer's open
// transaction (TxnOffsetCommit follows).
struct add_offsets_to_txn_handler {
    using request = kafka::add_offsets_to_txn_request;
    using response = kafka::add_offsets_to_txn_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
