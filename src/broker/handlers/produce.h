#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/produce.h"

namespace cs::broker {

// Produce: validates each partition's batch, checks idempotent-producer sequences, appends, and
// answers after write (acks=1), after fsync (acks=all, group commit) or not at all (acks=0).
struct produce_handler {
    using request = kafka::produce_request;
    using response = kafka::produce_response;
    // Versions 0-2 are advertised although only RecordBatch v2 is stored:
    // librdkafka up to 2.11 silently sends gzip, snappy and lz4 batches
    // uncompressed to a broker whose Produce range does not include v0.
    // A legacy (magic 0/1) message set is refused per partition with
    // UNSUPPORTED_FOR_MESSAGE_FORMAT.
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 8;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

}  // namespace cs::broker
