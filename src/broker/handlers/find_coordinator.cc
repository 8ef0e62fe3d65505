#include "broker/handlers/find_coordinator.h"

#include "broker/broker_state.h"
#include "broker/handlers/endpoint.h"

namespace cs::broker {

void find_coordinator_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    // key_type 0 = group, 1 = transactional id: this one node coordinates
    // both.
    if (req.key_type != 0 && req.key_type != 1) {
        resp.error_code = kafka::to_wire(kafka::error_code::invalid_request);
        resp.error_message = "unknown coordinator key type " + std::to_string(req.key_type);
        resp.node_id = -1;
        resp.port = -1;
        r.send(resp);
        return;
    }
    auto ep = advertised_endpoint(ctx);
    resp.error_message = std::nullopt;
    resp.node_id = ctx.broker.node_id();
    resp.host = ep.host;
    resp.port = ep.port;
    r.send(resp);
}

}  // namespace cs::broker
