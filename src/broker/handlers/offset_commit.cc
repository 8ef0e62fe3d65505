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
    // As Kafka (KafkaApis.handleOffsetCommitRequest): an offset for a
    // partition this broker does not have is refused, not stored, and the
    // group checks apply to the others only.
    std::vector<group::offset_commit_partition_result> unknown;
    for (auto& t : req.topics) {
        for (auto& p : t.partitions) {
            kafka::topic_partition tp{t.name, kafka::partition_id(p.partition_index)};
            if (!ctx.broker.find_partition(tp)) {
                unknown.push_back({std::move(tp), kafka::error_code::unknown_topic_or_partition});
                continue;
            }
            cr.partitions.push_back({std::move(tp), p.committed_offset, p.committed_leader_epoch,
                                     std::move(p.committed_metadata)});
        }
    }
    auto answer =
        [out = share(std::move(r))](std::vector<group::offset_commit_partition_result> res) {
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
        };
    if (cr.partitions.empty()) {
        answer(std::move(unknown));
        return;
    }
    ctx.broker.groups().post([cr = std::move(cr), unknown = std::move(unknown),
                              answer](group::group_coordinator& c) mutable {
        c.commit_offsets(std::move(cr),
                         [unknown = std::move(unknown),
                          answer](std::vector<group::offset_commit_partition_result> res) mutable {
                             res.insert(res.end(), std::make_move_iterator(unknown.begin()),
                                        std::make_move_iterator(unknown.end()));
                             answer(std::move(res));
                         });
    });
}

}  // namespace cs::broker
