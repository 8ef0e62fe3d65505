#include "broker/handlers/create_topics.h"

#include <map>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "broker/broker_state.h"

namespace cs::broker {

namespace {

void fail(kafka::create_topics_response::creatable_topic_result& out, kafka::error_code code,
          std::string message) {
    out.error_code = kafka::to_wire(code);
    out.error_message = std::move(message);
}

}  // namespace

void create_topics_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    // As Kafka: a name listed twice is refused in both entries, and neither is created.
    std::map<std::string_view, int> listed;
    for (const auto& t : req.topics) {
        ++listed[t.name];
    }
    for (const auto& t : req.topics) {
        auto& out = resp.topics.emplace_back();
        out.name = t.name;
        if (listed[t.name] > 1) {
            fail(out, kafka::error_code::invalid_request,
                 fmt::format("Create topics request from client `{}` contains multiple entries "
                             "for the following topics: {}",
                             ctx.client_id(), t.name));
            continue;
        }
        config::topic_overrides configs;
        std::string null_configs;
        for (const auto& c : t.configs) {
            if (c.value) {
                configs[c.name] = *c.value;
            } else {
                null_configs += (null_configs.empty() ? "" : ",") + c.name;
            }
        }
        if (!null_configs.empty()) {
            fail(out, kafka::error_code::invalid_config,
                 "Null value not supported for topic configs: " + null_configs);
            continue;
        }
        int32_t partitions = t.num_partitions;
        int16_t rf = t.replication_factor;
        if (!t.assignments.empty() && (partitions != -1 || rf != -1)) {
            fail(out, kafka::error_code::invalid_request,
                 "Both numPartitions or replicationFactor and replicasAssignments were set. "
                 "Both cannot be used at the same time.");
            continue;
        }
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
