#pragma once

// The host and port this broker announces to a client (Metadata,
// FindCoordinator): the advertised listener with the name of the listener
// the client connected through (Kafka's rule). A listener or advertised
// listener without a host announces the address the client reached us on,
// so clients on this machine get 127.0.0.1 rather than a host name that may
// not resolve (the most common complaint about Kafka-compatible brokers).

#include <cstdint>
#include <string>

#include "broker/handlers/handler.h"

namespace cs::broker {

struct endpoint {
    std::string host;
    int32_t port = 0;
};

endpoint advertised_endpoint(const request_context& ctx);

}  // namespace cs::broker
