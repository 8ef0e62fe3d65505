#include "broker/handlers/list_transactions.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void list_transactions_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.transactions().list(std::move(req),
                                   [out](const response& resp) { out->send(resp); });
}

}  // namespace cs::broker
