#include "broker/handlers/produce.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/broker_state.h"
#include "broker/handlers/errors.h"
#include "broker/topics/topic_name.h"
#include "protocol/record_batch.h"
#include "protocol/record_validation.h"

namespace cs::broker {
namespace {

using partition_response =
    kafka::produce_response::topic_produce_response::partition_produce_response;

// The most a compressed record section may inflate to while it is validated
// (a decompression bomb gets MESSAGE_TOO_LARGE). The same bound as the
// storage's reader of compressed batches (ListOffsets by timestamp), so
// everything accepted here can be read back there.
constexpr size_t kMaxUncompressedBatchBytes = 256u << 20;

// Shared by the partitions of one request: each fills its own slot; the last
// to finish (the handler itself, or a durability callback on the flusher
// thread) sends the response.
struct pending_produce {
    reply<kafka::produce_response> r;
    kafka::produce_response resp;
    std::atomic<int> outstanding{1};
    bool send_response = true;
    std::string client;  // "client.id at peer", for the acks=0 log line

    void done_one() {
        if (outstanding.fetch_sub(1, std::memory_order_acq_rel) != 1) {
            return;
        }
        if (send_response) {
            r.send(resp);
        } else if (auto failed = failures(); !failed.empty()) {
            // As Kafka: an acks=0 producer gets no answer, so a refused
            // write closes its connection, which makes it refresh its
            // metadata and notice.
            log::get("broker")->info(
                "closing the connection of {}: its acks=0 produce was refused ({})", client,
                failed);
            r.close();
        } else {
            r.none();
        }
    }

    // "topic-partition: error, ..." of the partitions that failed.
    std::string failures() const {
        std::string out;
        for (const auto& t : resp.responses) {
            for (const auto& p : t.partition_responses) {
                if (p.error_code != 0) {
                    out += fmt::format(
                        "{}{}-{}: {}", out.empty() ? "" : ", ", t.name, p.index,
                        kafka::error_code_name(static_cast<kafka::error_code>(p.error_code)));
                }
            }
        }
        return out;
    }
};

void set_error(partition_response& p, kafka::error_code code, std::string message) {
    p.error_code = kafka::to_wire(code);
    p.base_offset = -1;
    if (!message.empty()) {
        p.error_message = std::move(message);
    }
}

// message.timestamp.before.max.ms / after.max.ms (difference.max.ms where
// unset), as Kafka's LogValidator: with CreateTime, every record's
// timestamp within [now - before, now + after].
std::optional<std::string> check_timestamps(const storage::log_config& cfg,
                                            const kafka::record_summary& timestamps, int64_t now) {
    if (timestamps.no_timestamps()) {
        return std::nullopt;
    }
    if (cfg.timestamp_type != storage::message_timestamp_type::create_time) {
        return std::nullopt;
    }
    // Differences as unsigned: exact for any two int64 values.
    auto diff = [](int64_t hi, int64_t lo) {
        return static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    };
    const int64_t before = cfg.timestamp_before_max_ms;
    const int64_t after = cfg.timestamp_after_max_ms;
    if (timestamps.min < now && diff(now, timestamps.min) > static_cast<uint64_t>(before)) {
        return fmt::format(
            "timestamp {} of a record is {} ms before the broker's time {}, more than "
            "message.timestamp.before.max.ms (or difference.max.ms) = {}",
            timestamps.min, diff(now, timestamps.min), now, before);
    }
    if (timestamps.max > now && diff(timestamps.max, now) > static_cast<uint64_t>(after)) {
        return fmt::format(
            "timestamp {} of a record is {} ms after the broker's time {}, more than "
            "message.timestamp.after.max.ms (or difference.max.ms) = {}",
            timestamps.max, diff(timestamps.max, now), now, after);
    }
    return std::nullopt;
}

// Appends one partition's records; on success fills base offset etc.
// Returns the last offset appended (for acks=all), or nullopt on error or
// for a duplicate (which is already durable or in flight with its original).
std::optional<kafka::offset> append_partition(request_context& ctx, partition& part, bytes& records,
                                              partition_response& out) {
    if (records.size() > kafka::batch_layout::magic &&
        static_cast<int8_t>(records[kafka::batch_layout::magic]) < kafka::record_batch_magic_v2) {
        set_error(out, kafka::error_code::unsupported_for_message_format,
                  fmt::format("message format v{} is not supported: clickstream stores "
                              "RecordBatch v2 only (Kafka 0.11+ clients, Produce v3+)",
                              static_cast<int>(records[kafka::batch_layout::magic])));
        return std::nullopt;
    }
    auto split = kafka::split_batches(records);
    if (!split.ok() || split->batches.size() != 1 || !split->trailing.empty()) {
        set_error(out, kafka::error_code::invalid_record,
                  split.ok() ? "a produce request must carry exactly one record batch per partition"
                             : split.err().message);
        return std::nullopt;
    }
    // Kafka's order: the batch header and CRC (CORRUPT_MESSAGE), the producer
    // rules (INVALID_RECORD), then the records inside, decompressed if need
    // be (LogValidator). Done before taking the partition's lock so that
    // decompression runs in parallel across I/O threads; the log checks the
    // header again on append.
    bytes_view batch = split->batches.front();
    auto header = kafka::validate_batch(batch);
    kafka::record_summary summary;
    if (header.ok()) {
        if (auto st = kafka::validate_records(batch, *header, kMaxUncompressedBatchBytes, &summary);
            !st) {
            header = st.err();
        }
    }
    if (!header.ok()) {
        const auto& e = header.err();
        log::get("broker")->debug("produce to {} from {} rejected: {}", part.tp.to_string(),
                                  ctx.conn.peer, e.message);
        set_error(out, to_kafka_error(e.code), part.tp.to_string() + ": " + e.message);
        return std::nullopt;
    }
    const auto& h = *header;
    const storage::log_config cfg = part.log->config();
    if (cfg.cleanup_compact && summary.null_key) {
        // Kafka's LogValidator: a compacted topic keeps the latest record per
        // key, so a record without one cannot be kept.
        set_error(out, kafka::error_code::invalid_record,
                  part.tp.to_string() + ": a compacted topic cannot accept a record without a key");
        return std::nullopt;
    }
    if (auto why = check_timestamps(cfg, summary, ctx.broker.clk().now_ms())) {
        set_error(out, kafka::error_code::invalid_timestamp, part.tp.to_string() + ": " + *why);
        return std::nullopt;
    }
    std::lock_guard lock(part.append_mu);
    bool idempotent = h.producer_id >= 0;
    if (h.is_transactional()) {
        // Checked under the append lock: the coordinator marks the
        // transaction prepared before it takes this lock to write the marker,
        // so no record of it can land after its marker.
        auto e = ctx.broker.transactions().check_produce(h.producer_id, h.producer_epoch, part.tp);
        if (e != kafka::error_code::none) {
            set_error(out, e,
                      fmt::format("{}: transactional batch of producer id {} epoch {}: {}",
                                  part.tp.to_string(), h.producer_id, h.producer_epoch,
                                  e == kafka::error_code::invalid_txn_state
                                      ? "the partition is not in an open transaction "
                                        "(AddPartitionsToTxn first)"
                                      : "not the transactional id's current producer"));
            return std::nullopt;
        }
    }
    if (idempotent) {
        int32_t last_seq =
            static_cast<int32_t>((static_cast<int64_t>(h.base_sequence) + h.last_offset_delta) %
                                 (int64_t{INT32_MAX} + 1));
        auto check =
            part.producers.check(h.producer_id, h.producer_epoch, h.base_sequence, last_seq);
        if (check.kind == sequence_check::verdict::duplicate) {
            out.base_offset = check.original.first_offset;
            out.log_append_time_ms = check.original.log_append_time;
            out.log_start_offset = part.log->log_start_offset().value();
            return kafka::offset(check.original.last_offset);
        }
        if (check.kind == sequence_check::verdict::reject) {
            set_error(out, check.error, check.message);
            return std::nullopt;
        }
    }
    // A transaction's first batch here: publish its first offset before the
    // records become visible (the last stable offset stops there).
    const bool opens_txn = h.is_transactional() && !part.producers.in_txn(h.producer_id);
    if (opens_txn) {
        part.producers.begin_txn(h.producer_id, part.log->high_watermark().value());
        part.publish_txn_state();
    }
    storage::append_options append_opts;
    append_opts.crc_verified = true;  // validate_batch above checked it
    auto appended =
        part.log->append(mutable_bytes_view(records.data(), records.size()), append_opts);
    if (!appended.ok() && opens_txn) {
        part.producers.cancel_txn(h.producer_id);
        part.publish_txn_state();
    }
    if (!appended.ok()) {
        const auto& e = appended.err();
        log::get("broker")->debug("produce to {} from {} rejected: {}", part.tp.to_string(),
                                  ctx.conn.peer, e.message);
        set_error(out, to_kafka_error(e.code), e.message);
        return std::nullopt;
    }
    if (idempotent) {
        int32_t last_seq =
            static_cast<int32_t>((static_cast<int64_t>(h.base_sequence) + h.last_offset_delta) %
                                 (int64_t{INT32_MAX} + 1));
        part.producers.record(h.producer_id, h.producer_epoch,
                              {h.base_sequence, last_seq, appended->base_offset.value(),
                               appended->last_offset.value(), appended->log_append_time},
                              ctx.broker.clk().now_ms());
    }
    out.base_offset = appended->base_offset.value();
    out.log_append_time_ms = appended->log_append_time;
    out.log_start_offset = appended->log_start_offset.value();
    return appended->last_offset;
}

}  // namespace

void produce_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    broker_state& b = ctx.broker;
    auto pending = std::make_shared<pending_produce>(std::move(r));
    pending->send_response = req.acks != 0;
    if (!pending->send_response) {
        pending->client = fmt::format("{} at {}", ctx.client_id(), ctx.conn.peer);
    }
    bool acks_valid = req.acks == -1 || req.acks == 0 || req.acks == 1;
    auto& resp = pending->resp;

    // Pre-size every slot first: callbacks may complete while we go on.
    resp.responses.resize(req.topic_data.size());
    for (size_t t = 0; t < req.topic_data.size(); ++t) {
        resp.responses[t].name = req.topic_data[t].name;
        resp.responses[t].partition_responses.resize(req.topic_data[t].partition_data.size());
    }
    for (size_t t = 0; t < req.topic_data.size(); ++t) {
        auto& topic = req.topic_data[t];
        for (size_t p = 0; p < topic.partition_data.size(); ++p) {
            auto& data = topic.partition_data[p];
            auto& out = resp.responses[t].partition_responses[p];
            out.index = data.index;
            if (!acks_valid) {
                set_error(out, kafka::error_code::invalid_required_acks,
                          "acks must be -1 (all), 0 or 1");
                continue;
            }
            kafka::topic_partition tp{topic.name, kafka::partition_id(data.index)};
            if (is_internal_topic(topic.name)) {
                // Only the broker itself writes there (Kafka's
                // internalTopicsAllowed is false for clients).
                set_error(out, kafka::error_code::invalid_topic_exception,
                          fmt::format("Cannot append to internal topic {}", topic.name));
                continue;
            }
            auto part = b.find_partition(tp);
            if (!part) {
                set_error(out, kafka::error_code::unknown_topic_or_partition, "");
                continue;
            }
            if (!data.records || data.records->empty()) {
                set_error(out, kafka::error_code::invalid_record, "no records");
                continue;
            }
            auto last = append_partition(ctx, *part, *data.records, out);
            if (!last) {
                continue;
            }
            b.fetches().notify(tp);
            if (req.acks == -1) {
                pending->outstanding.fetch_add(1, std::memory_order_relaxed);
                part->log->wait_durable(*last, [pending, &out](status st) {
                    if (!st.ok()) {
                        set_error(out, kafka::error_code::kafka_storage_error, st.message());
                    }
                    pending->done_one();
                });
            }
        }
    }
    pending->done_one();
}

}  // namespace cs::broker
