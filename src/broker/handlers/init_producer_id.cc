#include "broker/handlers/init_producer_id.h"

#include "base/log.h"
#include "broker/broker_state.h"

namespace cs::broker {

void init_producer_id_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    if (req.transactional_id && !req.transactional_id->empty()) {
        // Transactions are not implemented yet: refuse clearly rather than
        // hand out a producer id whose transactions would not be honoured.
        // The response has no message field, so the reason is in the log.
        log::get("broker")->warn(
            "InitProducerId for transactional.id '{}' from {} (client.id '{}') refused: "
            "transactions are not supported by this broker yet (the client sees "
            "TRANSACTIONAL_ID_AUTHORIZATION_FAILED)",
            *req.transactional_id, ctx.conn.peer, ctx.client_id());
        resp.error_code = kafka::to_wire(kafka::error_code::transactional_id_authorization_failed);
        r.send(resp);
        return;
    }
    // A producer that passes its current id (KIP-360, v3+) asks for a new
    // epoch after an error; a fresh id serves the same purpose: its
    // sequences start again at 0.
    resp.producer_id = ctx.broker.next_producer_id();
    resp.producer_epoch = 0;
    r.send(resp);
}

}  // namespace cs::broker
