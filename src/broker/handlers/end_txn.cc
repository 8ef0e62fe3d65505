#include "broker/handlers/end_txn.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void end_txn_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.transactions().end_txn(std::move(req), ctx.version(), [out](kafka::error_code e) {
        response resp;
        resp.error_code = kafka::to_wire(e);
        out->send(resp);
    });
}

}  // namespace cs::broker
