#include "broker/handlers/heartbeat.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void heartbeat_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    group::heartbeat_request hr{std::move(req.group_id), req.generation_id,
                                std::move(req.member_id), std::move(req.group_instance_id)};
    auto out = share(std::move(r));
    ctx.broker.groups().post([hr = std::move(hr), out](group::group_coordinator& c) {
        response resp;
        resp.error_code = kafka::to_wire(c.heartbeat(hr));
        out->send(resp);
    });
}

}  // namespace cs::broker
