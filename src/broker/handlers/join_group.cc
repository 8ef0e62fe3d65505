#include "broker/handlers/join_group.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void join_group_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    group::join_group_request jr;
    jr.version = ctx.version();
    jr.group_id = std::move(req.group_id);
    jr.session_timeout_ms = req.session_timeout_ms;
    jr.rebalance_timeout_ms = req.rebalance_timeout_ms;
    jr.member_id = std::move(req.member_id);
    jr.group_instance_id = std::move(req.group_instance_id);
    jr.protocol_type = std::move(req.protocol_type);
    for (auto& p : req.protocols) {
        jr.protocols.push_back({std::move(p.name), std::move(p.metadata)});
    }
    jr.client_id = ctx.client_id();
    jr.client_host = client_host_of(ctx);
    auto out = share(std::move(r));
    ctx.broker.groups().post([jr = std::move(jr), out](group::group_coordinator& c) mutable {
        c.join_group(std::move(jr), [out](group::join_group_response res) {
            response resp;
            resp.error_code = kafka::to_wire(res.error);
            resp.generation_id = res.generation_id;
            resp.protocol_name = std::move(res.protocol_name);
            resp.leader = std::move(res.leader);
            resp.member_id = std::move(res.member_id);
            for (auto& m : res.members) {
                resp.members.push_back({std::move(m.member_id), std::move(m.group_instance_id),
                                        std::move(m.metadata)});
            }
            out->send(resp);
        });
    });
}

}  // namespace cs::broker
