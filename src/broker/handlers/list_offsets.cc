#include "broker/handlers/list_offsets.h"

#include "broker/broker_state.h"
#include "broker/handlers/errors.h"

namespace cs::broker {

void list_offsets_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    for (const auto& topic : req.topics) {
        auto& tout = resp.topics.emplace_back();
        tout.name = topic.name;
        for (const auto& p : topic.partitions) {
            auto& pout = tout.partitions.emplace_back();
            pout.partition_index = p.partition_index;
            auto part =
                ctx.broker.find_partition({topic.name, kafka::partition_id(p.partition_index)});
            if (!part) {
                pout.error_code = kafka::to_wire(kafka::error_code::unknown_topic_or_partition);
                continue;
            }
            // -1 latest and -2 earliest; other negative values (e.g. -3,
            // max timestamp, from v7) are beyond our versions.
            // read_committed: below the last stable offset only (storage).
            auto found = part->log->offset_for_timestamp(
                p.timestamp, storage::isolation_from_wire(req.isolation_level));
            if (!found.ok()) {
                pout.error_code = kafka::to_wire(to_kafka_error(found.err().code));
                continue;
            }
            pout.leader_epoch = 0;
            if (found->has_value()) {
                pout.timestamp = (*found)->timestamp;
                pout.offset = (*found)->offset.value();
            } else {
                // No record at or after the timestamp: -1/-1, as Kafka (KIP-79).
                pout.timestamp = -1;
                pout.offset = -1;
            }
        }
    }
    r.send(resp);
}

}  // namespace cs::broker
