#include "broker/handlers/metadata.h"

#include "broker/broker_state.h"
#include "broker/handlers/endpoint.h"
#include "broker/topics/topic_name.h"

namespace cs::broker {
namespace {

kafka::metadata_response::topic describe_topic(const broker_state& b, const topic_info& t) {
    kafka::metadata_response::topic out;
    out.name = t.name;
    out.is_internal = is_internal_topic(t.name);
    for (int32_t p = 0; p < t.partitions; ++p) {
        kafka::metadata_response::topic::partition part;
        part.partition_index = p;
        part.leader_id = b.node_id();
        part.leader_epoch = 0;
        part.replica_nodes = {b.node_id()};
        part.isr_nodes = {b.node_id()};
        out.partitions.push_back(std::move(part));
    }
    return out;
}

}  // namespace

void metadata_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    broker_state& b = ctx.broker;
    response resp;
    auto ep = advertised_endpoint(ctx);
    resp.brokers.push_back({b.node_id(), ep.host, ep.port, std::nullopt});
    resp.cluster_id = b.cluster_id();
    resp.controller_id = b.node_id();

    // v0: an empty list means every topic; v1+: null means every topic.
    bool all = !req.topics.has_value() || (ctx.version() == 0 && req.topics->empty());
    if (all) {
        for (const auto& t : b.topics().list()) {
            resp.topics.push_back(describe_topic(b, t));
        }
        r.send(resp);
        return;
    }
    // Auto-creation: always allowed before v4, as the request asks from v4 on.
    bool may_create = ctx.version() < 4 || req.allow_auto_topic_creation;
    for (const auto& wanted : *req.topics) {
        auto t = b.topics().find(wanted.name);
        if (!t && may_create && validate_topic_name(wanted.name).ok() &&
            !is_internal_topic(wanted.name) && b.auto_create_topic(wanted.name)) {
            t = b.topics().find(wanted.name);
        }
        if (t) {
            resp.topics.push_back(describe_topic(b, *t));
            continue;
        }
        kafka::metadata_response::topic missing;
        missing.name = wanted.name;
        missing.error_code = kafka::to_wire(validate_topic_name(wanted.name).ok()
                                                ? kafka::error_code::unknown_topic_or_partition
                                                : kafka::error_code::invalid_topic_exception);
        resp.topics.push_back(std::move(missing));
    }
    r.send(resp);
}

}  // namespace cs::broker
