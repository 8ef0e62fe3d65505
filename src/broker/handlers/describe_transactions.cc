#include "broker/handlers/describe_transactions.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void describe_transactions_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.transactions().describe(std::move(req.transactional_ids),
                                       [out](const response& resp) { out->send(resp); });
}

}  // namespace cs::broker
