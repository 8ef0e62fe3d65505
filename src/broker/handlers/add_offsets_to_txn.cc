#include "broker/handlers/add_offsets_to_txn.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void add_offsets_to_txn_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.transactions().add_offsets(std::move(req), ctx.version(),
                                          [out](kafka::error_code e) {
                                              response resp;
                                              resp.error_code = kafka::to_wire(e);
                                              out->send(resp);
                                          });
}

}  // namespace cs::broker
