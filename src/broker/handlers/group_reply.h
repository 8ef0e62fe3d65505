#pragma once

// Group requests are answered from the coordinator thread, inside callbacks
// that std::function must be able to copy: a shared handle on the one-shot reply.

#include <memory>

#include "broker/handlers/handler.h"

namespace cs::broker {

template <class Response>
using shared_reply = std::shared_ptr<reply<Response>>;

template <class Response>
shared_reply<Response> share(reply<Response>&& r) {
    return std::make_shared<reply<Response>>(std::move(r));
}

// Kafka reports a member's host as "/<ip>".
inline std::string client_host_of(const request_context& ctx) {
    auto colon = ctx.conn.peer.rfind(':');
    return "/" + ctx.conn.peer.substr(0, colon);
}

}  // namespace cs::broker
