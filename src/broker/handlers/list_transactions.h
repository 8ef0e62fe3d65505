#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/list_transactions.h"

namespace cs::broker {

// ListTransactions (KIP-664, kafka-transactions.sh list): the coordinator's
// transactional ids, filtered by state, producer id and (v1) duration.
struct list_transactions_handler {
    using request = kafka::list_transactions_request;
    using response = kafka::list_transactions_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
