#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/end_txn.h"

namespace cs::broker {

// EndTxn: commits or aborts the producer's transaction; answered once its
// PrepareCommit/PrepareAbort is durable (markers and offsets follow, and the
// id's next request waits for them).
struct end_txn_handler {
    using request = kafka::end_txn_request;
    using response = kafka::end_txn_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
