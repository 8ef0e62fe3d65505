#include "broker/handlers/fetch.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "base/log.h"
#include "broker/broker_state.h"
#include "broker/handlers/errors.h"
#include "storage/partition_log.h"

namespace cs::broker {
namespace {

using partition_data = kafka::fetch_response::fetchable_topic_response::partition_data;

// One Fetch request across its attempts: the first when it arrives, then one
// per wake-up while it waits for min_bytes, and the last at max_wait_ms.
struct fetch_operation {
    broker_state& broker;
    kafka::fetch_request req;
    reply<kafka::fetch_response> r;
    std::string peer;

    // Reads every partition; answers and returns true when min_bytes are
    // there, an error needs reporting, or this is the final attempt. The
    // records are not read here: each partition's slice (file + range) goes
    // into the response by reference and is sent with sendfile.
    bool attempt(bool final) {
        kafka::fetch_response resp;
        // (topic index, partition index, slice) for each partition with data;
        // registered once resp's arrays have stopped growing.
        struct pending_records {
            size_t topic;
            size_t partition;
            storage::read_slice slice;
        };
        std::vector<pending_records> records;
        int64_t budget = std::max<int32_t>(req.max_bytes, 0);
        int64_t total = 0;
        bool any_error = false;
        bool first_data = true;
        const bool read_committed = req.isolation_level == 1;
        const auto isolation = storage::isolation_from_wire(req.isolation_level);
        for (const auto& topic : req.topics) {
            auto& tout = resp.responses.emplace_back();
            tout.topic = topic.topic;
            for (const auto& p : topic.partitions) {
                auto& pout = tout.partitions.emplace_back();
                pout.partition_index = p.partition;
                kafka::topic_partition tp{topic.topic, kafka::partition_id(p.partition)};
                auto part = broker.find_partition(tp);
                if (!part) {
                    pout.error_code = kafka::to_wire(kafka::error_code::unknown_topic_or_partition);
                    pout.high_watermark = -1;
                    any_error = true;
                    continue;
                }
                uint64_t limit = static_cast<uint64_t>(std::clamp<int64_t>(
                    std::min<int64_t>(p.partition_max_bytes, budget - total), 0, INT32_MAX));
                auto got =
                    part->log->read(kafka::offset(p.fetch_offset), limit, first_data, isolation);
                if (!got.ok()) {
                    pout.error_code = kafka::to_wire(to_kafka_error(got.err().code));
                    const storage::log_offsets bounds = part->log->offsets();
                    pout.high_watermark = bounds.high_watermark.value();
                    pout.last_stable_offset = bounds.last_stable_offset.value();
                    pout.log_start_offset = bounds.log_start_offset.value();
                    any_error = true;
                    continue;
                }
                pout.high_watermark = got->high_watermark.value();
                pout.last_stable_offset = got->last_stable_offset.value();
                pout.log_start_offset = got->log_start_offset.value();
                if (read_committed && !got->slice.empty() && part->has_aborted.load()) {
                    // The aborted transactions the returned batches may
                    // hold, so the client can drop their records.
                    std::lock_guard lock(part->append_mu);
                    auto aborted =
                        part->producers.aborted_between(p.fetch_offset, pout.last_stable_offset);
                    auto& list = pout.aborted_transactions.emplace();
                    for (const auto& a : aborted) {
                        list.push_back({a.producer_id, a.first_offset});
                    }
                }
                if (!got->slice.empty()) {
                    total += static_cast<int64_t>(got->slice.length);
                    records.push_back({resp.responses.size() - 1, tout.partitions.size() - 1,
                                       std::move(got->slice)});
                    first_data = false;
                }
            }
        }
        if (!final && !any_error && total < std::max<int32_t>(req.min_bytes, 1)) {
            return false;
        }
        kafka::external_fields ext;
        for (const auto& p : records) {
            ext.add(resp.responses[p.topic].partitions[p.partition].records, p.slice.chunk());
        }
        r.send(resp, ext);
        return true;
    }
};

}  // namespace

void fetch_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    int32_t max_wait = req.max_wait_ms;
    auto op = std::make_shared<fetch_operation>(
        fetch_operation{ctx.broker, std::move(req), std::move(r), ctx.conn.peer});
    if (op->attempt(/*final=*/max_wait <= 0)) {
        return;
    }
    std::vector<kafka::topic_partition> tps;
    for (const auto& topic : op->req.topics) {
        for (const auto& p : topic.partitions) {
            tps.push_back({topic.topic, kafka::partition_id(p.partition)});
        }
    }
    ctx.broker.fetches().wait(tps, max_wait, [op](bool final) { return op->attempt(final); });
}

}  // namespace cs::broker
