#include "broker/handlers/create_partitions.h"

#include "broker/broker_state.h"

namespace cs::broker {

void create_partitions_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    for (const auto& t : req.topics) {
        auto& out = resp.results.emplace_back();
        out.name = t.name;
        auto outcome = ctx.broker.add_partitions(t.name, t.count, req.validate_only);
        out.error_code = kafka::to_wire(outcome.code);
        if (!outcome.ok()) {
            out.error_message = outcome.message;
        }
    }
    r.send(resp);
}

}  // namespace cs::broker
