#include "broker/handlers/sync_group.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void sync_group_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    group::sync_group_request sr;
    sr.version = ctx.version();
    sr.group_id = std::move(req.group_id);
    sr.generation_id = req.generation_id;
    sr.member_id = std::move(req.member_id);
    sr.group_instance_id = std::move(req.group_instance_id);
    for (auto& a : req.assignments) {
        sr.assignments.push_back({std::move(a.member_id), std::move(a.assignment)});
    }
    auto out = share(std::move(r));
    ctx.broker.groups().post([sr = std::move(sr), out](group::group_coordinator& c) mutable {
        c.sync_group(std::move(sr), [out](group::sync_group_response res) {
            response resp;
            resp.error_code = kafka::to_wire(res.error);
            resp.assignment = std::move(res.assignment);
            out->send(resp);
        });
    });
}

}  // namespace cs::broker
