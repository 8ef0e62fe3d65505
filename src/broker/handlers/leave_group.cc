#include "broker/handlers/leave_group.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void leave_group_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    group::leave_group_request lr;
    lr.version = ctx.version();
    lr.group_id = std::move(req.group_id);
    if (ctx.version() < 3) {
        lr.members.push_back({std::move(req.member_id), std::nullopt});
    } else {
        for (auto& m : req.members) {
            lr.members.push_back({std::move(m.member_id), std::move(m.group_instance_id)});
        }
    }
    auto out = share(std::move(r));
    ctx.broker.groups().post([lr = std::move(lr), out](group::group_coordinator& c) {
        auto res = c.leave_group(lr);
        response resp;
        resp.error_code = kafka::to_wire(res.error);
        for (auto& m : res.members) {
            resp.members.push_back({std::move(m.member.member_id),
                                    std::move(m.member.group_instance_id),
                                    kafka::to_wire(m.error)});
        }
        out->send(resp);
    });
}

}  // namespace cs::broker
