#include "broker/handlers/init_producer_id.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void init_producer_id_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    if (req.transactional_id && !req.transactional_id->empty()) {
        auto out = share(std::move(r));
        ctx.broker.transactions().init_producer_id(
            std::move(req), ctx.version(), [out](kafka::error_code e, int64_t pid, int16_t epoch) {
                response resp;
                resp.error_code = kafka::to_wire(e);
                resp.producer_id = pid;
                resp.producer_epoch = epoch;
                out->send(resp);
            });
        return;
    }
    // An idempotent producer without a transactional id. One that passes its
    // current id (KIP-360, v3+) asks for a new epoch after an error; a fresh
    // id serves the same purpose: its sequences start again at 0.
    response resp;
    resp.producer_id = ctx.broker.next_producer_id();
    resp.producer_epoch = 0;
    r.send(resp);
}

}  // namespace cs::broker
