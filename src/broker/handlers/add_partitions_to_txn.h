#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/add_partitions_to_txn.h"

namespace cs::broker {

// AddPartitionsToTxn: puts partitions into the producer's open transaction
// (the transaction coordinator, txn_service.h). Versions 0-3, the ones
// clients send; 4+ batch transactions and come from other brokers.
struct add_partitions_to_txn_handler {
    using request = kafka::add_partitions_to_txn_request;
    using response = kafka::add_partitions_to_txn_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
