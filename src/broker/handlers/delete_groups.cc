#include "broker/handlers/delete_groups.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void delete_groups_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    ctx.broker.groups().post([ids = std::move(req.groups_names), out](group::group_coordinator& c) {
        response resp;
        for (auto& res : c.delete_groups(ids)) {
            resp.results.push_back({std::move(res.group_id), kafka::to_wire(res.error)});
        }
        out->send(resp);
    });
}

}  // namespace cs::broker
