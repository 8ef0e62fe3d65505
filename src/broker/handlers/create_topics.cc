#include "broker/handlers/create_topics.h"

#include "broker/broker_state.h"

namespace cs::broker {

void create_topics_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    for (const auto& t : req.topics) {
        auto& out = resp.topics.emplace_back();
        out.name = t.name;
        config::topic_overrides configs;
        for (const auto& c : t.configs) {
            if (c.value) {
                configs[c.name] = *c.value;
            }
        }
        int32_t partitions = t.num_partitions;
        int16_t rf = t.replication_factor;
        if (!t.assignments.empty()) {
            // A manual assignment fixes the partition count and the replicas.
            partitions = static_cast<int32_t>(t.assignments.size());
            rf = static_cast<int16_t>(t.assignments.front().broker_ids.size());
            for (const auto& a : t.assignments) {
                for (int32_t id : a.broker_ids) {
                    if (id != ctx.broker.node_id()) {
                        out.error_code =
                            kafka::to_wire(kafka::error_code::invalid_replica_assignment);
                        out.error_message = "replica assignment names broker " +
                                            std::to_string(id) +
                                            "; this is a single-node cluster of broker " +
                                            std::to_string(ctx.broker.node_id());
                    }
                }
            }
            if (out.error_code != 0) {
                continue;
            }
        }
        auto outcome = ctx.broker.create_topic(t.name, partitions, rf, configs, req.validate_only);
        out.error_code = kafka::to_wire(outcome.code);
        if (outcome.ok()) {
            out.error_message = std::nullopt;
        } else {
            out.error_message = outcome.message;
        }
    }
    r.send(resp);
}

}  // namespace cs::broker
