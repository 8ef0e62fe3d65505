#include "broker/handlers/offset_commit.h"

#include <map>

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void offset_commit_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    group::offset_commit_request cr;
    cr.group_id = std::move(req.group_id);
    // v0 has neither generation nor member: a standalone commit.
    cr.generation_id = ctx.version() >= 1 ? req.generation_id_or_member_epoch : -1;
    cr.member_id = std::move(req.member_id);
    cr.group_instance_id = std::move(req.group_instance_id);
    for (auto& t : req.topics) {
        for (auto& p : t.partitions) {
            cr.partitions.push_back({{t.name, kafka::partition_id(p.partition_index)},
                                     p.committed_offset,
                                     p.committed_leader_epoch,
                                     std::move(p.committed_metadata)});
        }
    }
    auto out = share(std::move(r));
    ctx.broker.groups().post([cr = std::move(cr), out](group::group_coordinator& c) mutable {
        c.commit_offsets(
            std::move(cr), [out](std::vector<group::offset_commit_partition_result> res) {
                response resp;
                std::map<std::string, size_t> topic_index;
                for (auto& p : res) {
                    auto [it, inserted] = topic_index.try_emplace(p.tp.topic, resp.topics.size());
                    if (inserted) {
                        resp.topics.emplace_back().name = p.tp.topic;
                    }
                    resp.topics[it->second].partitions.push_back(
                        {p.tp.partition.value(), kafka::to_wire(p.error)});
                }
                out->send(resp);
            });
    });
}

}  // namespace cs::broker
