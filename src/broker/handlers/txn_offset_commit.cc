#include "broker/handlers/txn_offset_commit.h"

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void txn_offset_commit_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    auto out = share(std::move(r));
    group::offset_commit_request member;
    member.group_id = req.group_id;
    member.generation_id = req.generation_id;
    member.member_id = req.member_id;
    member.group_instance_id = req.group_instance_id;
    broker_state& broker = ctx.broker;
    broker.groups().post([&broker, member = std::move(member), req = std::move(req),
                          out](group::group_coordinator& c) mutable {
        kafka::error_code e = c.check_txn_offset_commit(member);
        if (e != kafka::error_code::none) {
            response resp;
            for (const auto& t : req.topics) {
                auto& rt = resp.topics.emplace_back();
                rt.name = t.name;
                for (const auto& p : t.partitions) {
                    rt.partitions.push_back({p.partition_index, kafka::to_wire(e)});
                }
            }
            out->send(resp);
            return;
        }
        broker.transactions().txn_offset_commit(std::move(req),
                                                [out](const response& resp) { out->send(resp); });
    });
}

}  // namespace cs::broker
