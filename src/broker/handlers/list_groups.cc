#include "broker/handlers/list_groups.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void list_groups_handler::handle(request_context& ctx, request&&, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.groups().post([out](group::group_coordinator& c) {
        response resp;
        for (auto& g : c.list_groups()) {
            resp.groups.push_back({std::move(g.group_id), std::move(g.protocol_type)});
        }
        out->send(resp);
    });
}

}  // namespace cs::broker
