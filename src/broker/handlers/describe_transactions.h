#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/describe_transactions.h"

namespace cs::broker {

// DescribeTransactions (KIP-664, kafka-transactions.sh describe): each
// transactional id's state, producer id and epoch, timeout, start time and
// partitions.
struct describe_transactions_handler {
    using request = kafka::describe_transactions_request;
    using response = kafka::describe_transactions_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 0;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
