#include "broker/handlers/add_partitions_to_txn.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void add_partitions_to_txn_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.transactions().add_partitions(std::move(req), ctx.version(),
                                             [out](const response& resp) { out->send(resp); });
}

}  // namespace cs::broker
