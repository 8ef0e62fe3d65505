#include "broker/handlers/describe_groups.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void describe_groups_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.groups().post([ids = std::move(req.groups), out](group::group_coordinator& c) {
        response resp;
        for (const auto& id : ids) {
            auto g = c.describe_group(id);
            auto& dg = resp.groups.emplace_back();
            dg.error_code = kafka::to_wire(g.error);
            dg.group_id = g.group_id.empty() ? id : g.group_id;
            dg.group_state = std::move(g.state);
            dg.protocol_type = std::move(g.protocol_type);
            dg.protocol_data = std::move(g.protocol);
            for (auto& m : g.members) {
                auto& dm = dg.members.emplace_back();
                dm.member_id = std::move(m.member_id);
                dm.group_instance_id = std::move(m.group_instance_id);
                dm.client_id = std::move(m.client_id);
                dm.client_host = std::move(m.client_host);
                dm.member_metadata = std::move(m.metadata);
                dm.member_assignment = std::move(m.assignment);
            }
        }
        out->send(resp);
    });
}

}  // namespace cs::broker
