#include "broker/group_service.h"

#include <fmt/format.h>

#include "base/log.h"
#include "broker/broker_state.h"
#include "broker/internal_topic.h"

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
        auto st = read_internal_records(
            *part->log,
            [&](bytes_view key, std::optional<bytes_view> value) {
                group::offsets_record rec;
                rec.key.assign(key.begin(), key.end());
                if (value) {
                    rec.value = bytes(value->begin(), value->end());
                }
                records.push_back(std::move(rec));
            },
            [&](int64_t offset, const error& e) {
                log::get("group")->warn("{}-{}: skipping an unreadable batch at offset {}: {}",
                                        kConsumerOffsetsTopic, p, offset, e.message);
            });
        if (!st) {
            return st;
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
    auto appended = append_internal_records(*part->log, records, broker_.clk().now_ms());
    if (!appended.ok()) {
        done(appended.take_error());
        return;
    }
    // Durable completion arrives on the flusher thread: hop back to ours.
    part->log->wait_durable(*appended, [this, done = std::move(done)](status st) {
        exec_.post([done, st] { done(st); });
    });
}

}  // namespace cs::broker
