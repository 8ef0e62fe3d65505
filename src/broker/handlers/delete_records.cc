#include "broker/handlers/delete_records.h"

#include "broker/broker_state.h"
#include "broker/handlers/errors.h"
#include "broker/topics/topic_name.h"

namespace cs::broker {

void delete_records_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    for (const auto& topic : req.topics) {
        auto& tout = resp.topics.emplace_back();
        tout.name = topic.name;
        for (const auto& p : topic.partitions) {
            auto& pout = tout.partitions.emplace_back();
            pout.partition_index = p.partition_index;
            if (is_internal_topic(topic.name)) {
                // As Kafka's ReplicaManager: committed offsets are not the
                // clients' to delete.
                pout.error_code = kafka::to_wire(kafka::error_code::invalid_topic_exception);
                pout.low_watermark = -1;
                continue;
            }
            auto part =
                ctx.broker.find_partition({topic.name, kafka::partition_id(p.partition_index)});
            if (!part) {
                pout.error_code = kafka::to_wire(kafka::error_code::unknown_topic_or_partition);
                pout.low_watermark = -1;
                continue;
            }
            // -1 means "up to the high watermark".
            auto target = p.offset == -1 ? part->log->high_watermark() : kafka::offset(p.offset);
            if (auto st = part->log->delete_records_before(target); !st.ok()) {
                pout.error_code = kafka::to_wire(to_kafka_error(st.code()));
            }
            pout.low_watermark = part->log->log_start_offset().value();
        }
    }
    r.send(resp);
}

}  // namespace cs::broker
