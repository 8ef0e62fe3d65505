#pragma once

// The one list of Kafka API handlers (handler_list.cc). The dispatcher finds a
// request's handler here; ApiVersions answers with exactly these ranges.

#include <cstdint>
#include <span>

#include "broker/handlers/handler.h"

namespace cs::broker {

struct handler_entry {
    kafka::api_key key;
    int16_t min_version;
    int16_t max_version;
    // Decodes the body at ctx.version() and runs the handler; a body that does
    // not decode closes the connection (as Kafka does) after logging why.
    void (*invoke)(request_context& ctx, bytes_view body, net::responder r);
};

std::span<const handler_entry> all_handlers();

// The handler of a raw api key, or nullptr when the broker has none.
const handler_entry* find_handler(int16_t api_key);

}  // namespace cs::broker
