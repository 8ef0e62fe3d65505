#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/txn_offset_commit.h"

namespace cs::broker {

// TxnOffsetCommit: offsets a transaction commits for a consumer group. The
// group checks the member and generation (v3+, KIP-447); the transaction
// coordinator keeps the offsets until the transaction ends.
struct txn_offset_commit_handler {
    using request = kafka::txn_offset_commit_request;
    using response = kafka::txn_offset_commit_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
