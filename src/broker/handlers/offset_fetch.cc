#include "broker/handlers/offset_fetch.h"

#include <map>

#include "broker/broker_state.h"
#include "broker/handlers/group_reply.h"

namespace cs::broker {

void offset_fetch_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    group::offset_fetch_request fr;
    fr.group_id = std::move(req.group_id);
    if (req.topics) {
        fr.partitions.emplace();
        for (const auto& t : *req.topics) {
            for (int32_t p : t.partition_indexes) {
                fr.partitions->push_back({t.name, kafka::partition_id(p)});
            }
        }
    }
    auto out = share(std::move(r));
    int16_t version = ctx.version();
    // require_stable (v7+; librdkafka's read_committed consumers set it): a
    // partition whose offset an open transaction is about to change answers
    // UNSTABLE_OFFSET_COMMIT, and the consumer asks again (KIP-447).
    txn_service* txns = req.require_stable ? &ctx.broker.transactions() : nullptr;
    ctx.broker.groups().post([fr = std::move(fr), out, version, txns](group::group_coordinator& c) {
        auto res = c.fetch_offsets(fr);
        response resp;
        if (version >= 2) {
            resp.error_code = kafka::to_wire(res.error);
        }
        std::map<std::string, size_t> topic_index;
        for (auto& p : res.partitions) {
            auto [it, inserted] = topic_index.try_emplace(p.tp.topic, resp.topics.size());
            if (inserted) {
                resp.topics.emplace_back().name = p.tp.topic;
            }
            auto& part = resp.topics[it->second].partitions.emplace_back();
            part.partition_index = p.tp.partition.value();
            part.committed_offset = p.offset;
            part.committed_leader_epoch = p.leader_epoch;
            part.metadata = std::move(p.metadata);
            // v0-v1 have no top-level error: a group error goes on each partition.
            auto err = p.error != kafka::error_code::none || version >= 2 ? p.error : res.error;
            if (err == kafka::error_code::none && txns != nullptr &&
                txns->has_pending_offsets(fr.group_id, p.tp)) {
                err = kafka::error_code::unstable_offset_commit;
                part.committed_offset = -1;
            }
            part.error_code = kafka::to_wire(err);
        }
        out->send(resp);
    });
}

}  // namespace cs::broker
