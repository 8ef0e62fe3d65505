#include "broker/handlers/delete_topics.h"

#include "broker/broker_state.h"

namespace cs::broker {

void delete_topics_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    for (const auto& name : req.topic_names) {
        auto& out = resp.responses.emplace_back();
        out.name = name;
        out.error_code = kafka::to_wire(ctx.broker.delete_topic(name).code);
    }
    r.send(resp);
}

}  // namespace cs::broker
