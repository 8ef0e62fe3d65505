#include "broker/handlers/endpoint.h"

#include "broker/broker_state.h"

namespace cs::broker {

endpoint advertised_endpoint(const request_context& ctx) {
    const auto& s = ctx.broker.settings();
    const config::listener* chosen = nullptr;
    for (const auto& l : s.advertised_listeners) {
        if (l.name == ctx.conn.listener) {
            chosen = &l;
        }
    }
    if (chosen == nullptr && !s.advertised_listeners.empty()) {
        chosen = &s.advertised_listeners.front();
    }
    endpoint ep;
    if (chosen != nullptr) {
        ep.host = chosen->host;
        ep.port = chosen->port;
    }
    if (ep.host.empty() || ep.host == "0.0.0.0" || ep.host == "::") {
        ep.host = ctx.conn.local_host;
    }
    if (ep.port == 0) {
        ep.port = ctx.conn.local_port;
    }
    return ep;
}

}  // namespace cs::broker
