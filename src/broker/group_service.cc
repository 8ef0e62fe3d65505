#include "broker/group_service.h"

#include <fmt/format.h>

#include "base/log.h"
#include "broker/broker_state.h"
#include "protocol/record_batch.h"

namespace cs::broker {
namespace {

group::coordinator_config coordinator_config_from(const config::broker_settings& s) {
    group::coordinator_config c;
    c.min_session_timeout_ms = s.group_min_session_timeout_ms;
    c.max_session_timeout_ms = s.group_max_session_timeout_ms;
    c.initial_rebalance_delay_ms = s.group_initial_rebalance_delay_ms;
    c.offsets_retention_ms = s.offsets_retention_ms;
    c.offsets_topic_num_partitions = s.offsets_topic_num_partitions;
    return c;
}

std::string to_string(bytes_view b) {
    return std::string(as_string_view(b));
}

}  // namespace

group_service::group_service(broker_state& broker) : broker_(broker) {
    coordinator_ = std::make_unique<group::group_coordinator>(
        coordinator_config_from(broker.settings()), broker.clk(), this);
}

group_service::~group_service() {
    stop();
}

status group_service::start() {
    int32_t partitions = broker_.settings().offsets_topic_num_partitions;
    // Compacted, as Kafka's: only the latest commit per (group, topic,
    // partition) and the latest group metadata survive the cleaner.
    std::string segment_bytes = std::to_string(broker_.settings().offsets_topic_segment_bytes);
    if (auto st = broker_.ensure_internal_topic(
            kConsumerOffsetsTopic, partitions,
            {{"cleanup.policy", "compact"}, {"segment.bytes", segment_bytes}});
        !st) {
        return st;
    }
    return load();
}

status group_service::load() {
    std::vector<group::offsets_record> records;
    auto t = broker_.topics().find(kConsumerOffsetsTopic);
    for (int32_t p = 0; t && p < t->partitions; ++p) {
        auto part = broker_.find_partition({kConsumerOffsetsTopic, kafka::partition_id(p)});
        if (!part) {
            continue;
        }
        auto next = part->log->log_start_offset();
        while (next < part->log->high_watermark()) {
            auto got = part->log->read(next, 1 << 20);
            if (!got.ok()) {
                return got.take_error();
            }
            if (got->slice.empty()) {
                break;
            }
            auto data = got->slice.read_bytes();
            if (!data.ok()) {
                return data.take_error();
            }
            auto split = kafka::split_batches(*data);
            if (!split.ok()) {
                return split.take_error();
            }
            for (auto batch : split->batches) {
                auto h = kafka::read_header(batch);
                if (!h.ok()) {
                    return h.take_error();
                }
                next = h->last_offset() + 1;
                auto recs = kafka::decode_records(batch);
                if (!recs.ok()) {
                    log::get("group")->warn("{}-{}: skipping an unreadable batch at offset {}: {}",
                                            kConsumerOffsetsTopic, p, h->base_offset,
                                            recs.err().message);
                    continue;
                }
                for (const auto& r : *recs) {
                    if (!r.key) {
                        continue;
                    }
                    group::offsets_record rec;
                    rec.key.assign(r.key->begin(), r.key->end());
                    if (r.value) {
                        rec.value = bytes(r.value->begin(), r.value->end());
                    }
                    records.push_back(std::move(rec));
                }
            }
        }
    }
    auto summary = coordinator_->load(records);
    log::get("group")->info(
        "loaded {} offset commits and {} group records from {}{}", summary.offsets, summary.groups,
        kConsumerOffsetsTopic,
        summary.skipped ? fmt::format(" ({} unreadable, skipped)", summary.skipped) : "");
    return {};
}

void group_service::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    exec_.stop();
}

void group_service::post(std::function<void(group::group_coordinator&)> fn) {
    exec_.post([this, fn = std::move(fn)] { fn(*coordinator_); });
}

void group_service::tick() {
    exec_.post([this] { coordinator_->tick(); });
}

void group_service::append(int32_t partition, std::vector<group::offsets_record> records,
                           std::function<void(status)> done) {
    auto part = broker_.find_partition({kConsumerOffsetsTopic, kafka::partition_id(partition)});
    if (!part) {
        done(status(errc::not_found,
                    fmt::format("{}-{} does not exist", kConsumerOffsetsTopic, partition)));
        return;
    }
    kafka::batch_builder builder;
    int64_t now = broker_.clk().now_ms();
    for (auto& r : records) {
        kafka::record_spec spec;
        spec.key = to_string(r.key);
        if (r.value) {
            spec.value = to_string(*r.value);
        }
        spec.timestamp = now;
        builder.add(std::move(spec));
    }
    bytes batch = builder.build();
    auto appended = part->log->append(mutable_bytes_view(batch.data(), batch.size()));
    if (!appended.ok()) {
        done(appended.take_error());
        return;
    }
    // Durable completion arrives on the flusher thread: hop back to ours.
    part->log->wait_durable(appended->last_offset, [this, done = std::move(done)](status st) {
        exec_.post([done, st] { done(st); });
    });
}

}  // namespace cs::broker
