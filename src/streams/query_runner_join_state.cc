// The durable state of a stream-stream join (query_runner_join.cc): its
// window buffers and held outer results written to changelog topics as
// they change and read back into a new stream_join_state before a
// partition's first record is joined (after a start, a rebalance or an
// aborted transaction), as Kafka Streams restores ksqlDB's join stores.
//
// Topics (as ksqlDB names them for a join of two co-partitioned sources),
// partition p holding the state of input partition p:
//   <group>-KSTREAM-JOINTHIS-0000000008-store-changelog    Kafka side 0 ("this"),
//   <group>-KSTREAM-JOINOTHER-0000000009-store-changelog   Kafka side 1 ("other"),
//     OUTERTHIS / OUTEROTHER as Kafka names them (INNER: JOINTHIS, JOINOTHER;
//     LEFT and RIGHT: JOINTHIS, OUTEROTHER; FULL: OUTERTHIS, OUTEROTHER)
//   <group>-KSTREAM-OUTERSHARED-0000000008-store-changelog held outer results (GRACE PERIOD)
// Records:
//   window buffer: key = join key bytes, 8-byte big-endian timestamp,
//     4-byte big-endian sequence number (Kafka's WindowKeySchema with
//     duplicates; the sequence is the input offset's low 32 bits, so no two
//     records of a partition share a key); value = the side's row as a JSON
//     object {"C0": ..., "C1": ...}; timestamp = the record's. Compacted and
//     deleted after the window's retention plus a day, as Kafka Streams'
//     window store changelogs; expired records that are still there when
//     restoring are dropped by the window's retention rule.
//   held outer results: key = 8-byte big-endian timestamp, 1 byte side (1:
//     Kafka's left, 0: its right), join key bytes (Kafka's
//     TimestampedKeyAndJoinSide); value = the rows held for it, each a
//     4-byte big-endian length and the JSON row, or a tombstone once they
//     are emitted or matched. Compacted.
// Under exactly_once_v2 these records go into the query's transaction, and
// restoring reads committed records only.

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/log.h"
#include "streams/query_runner.h"
#include "streams/repartition.h"

namespace cs::streams {

namespace {

constexpr size_t window_suffix = 12;  // timestamp, sequence number
constexpr size_t outer_prefix = 9;    // timestamp, side

template <class T>
void append_be(std::string& out, T v) {
    std::byte b[sizeof(T)];
    store_be(b, v);
    out.append(reinterpret_cast<const char*>(b), sizeof b);
}

template <class T>
T read_be(std::string_view s, size_t at) {
    return load_be<T>(reinterpret_cast<const std::byte*>(s.data() + at));
}

}  // namespace

struct query_runner::join_changelog final : stream_join_log {
    query_runner* runner = nullptr;
    std::string topics[3];  // Kafka side 0, Kafka side 1, held outer results
    // Per query side (0 left, 1 right): its row as a JSON object C<i>.
    std::unique_ptr<row_encoder> encoders[2];
    std::unique_ptr<row_decoder> decoders[2];
    int query_side[2] = {0, 1};  // of each Kafka side
    // The input record being joined, where changes go.
    const client::message* current = nullptr;
    batch_state* batch = nullptr;
    std::string key;
    std::string value;
    std::string row_buf;

    bool encode_row(int kafka_side, const row& r, std::string& out) {
        std::string unused_key;
        bool unused_null = true;
        if (auto st = encoders[query_side[kafka_side]]->encode(r, unused_key, unused_null, out);
            !st) {
            runner->send_to_dlq(*current, "encode", st.message(), *batch);
            return false;
        }
        return true;
    }

    void send(const std::string& topic, std::optional<std::string_view> v, int64_t ts) {
        auto st = runner->producer_->send({.topic = topic,
                                           .partition = current->partition(),
                                           .key = key,
                                           .value = v,
                                           .timestamp_ms = ts > 0 ? ts : 0});
        if (!st && !runner->transaction_refused(st)) {
            runner->fail(
                error{st.code(), fmt::format("cannot write to {}: {}", topic, st.message())});
        }
    }

    void buffered(int kafka_side, const std::string& k, const row& values, int64_t ts) override {
        if (!encode_row(kafka_side, values, value)) {
            return;
        }
        key = k;
        append_be(key, static_cast<uint64_t>(ts));
        append_be(key, static_cast<uint32_t>(current->offset()));
        send(topics[kafka_side], value, ts);
    }

    void outer_changed(int64_t ts, int side_byte, const std::string& k,
                       const std::vector<row>* rows) override {
        key.clear();
        append_be(key, static_cast<uint64_t>(ts));
        key.push_back(static_cast<char>(side_byte));
        key += k;
        if (rows == nullptr) {
            send(topics[2], std::nullopt, ts);
            return;
        }
        value.clear();
        const int kafka_side = side_byte == 1 ? 0 : 1;
        for (const row& r : *rows) {
            if (!encode_row(kafka_side, r, row_buf)) {
                return;
            }
            append_be(value, static_cast<uint32_t>(row_buf.size()));
            value += row_buf;
        }
        send(topics[2], value, ts);
    }
};

status query_runner::create_join_changelog(const stream_join_state& probe) {
    const source_join& sj = *plan_.two_source;
    auto log = std::make_shared<join_changelog>();
    log->runner = this;
    // KStreamImplJoin names "this" store OUTERTHIS when the other side is
    // outer (rightOuter), and "other" OUTEROTHER when this side is: a LEFT
    // join's are JOINTHIS and OUTEROTHER.
    log->topics[0] = group_id_ + (probe.outer(1) ? "-KSTREAM-OUTERTHIS-0000000008-store-changelog"
                                                 : "-KSTREAM-JOINTHIS-0000000008-store-changelog");
    log->topics[1] = group_id_ + (probe.outer(0) ? "-KSTREAM-OUTEROTHER-0000000009-store-changelog"
                                                 : "-KSTREAM-JOINOTHER-0000000009-store-changelog");
    log->topics[2] = group_id_ + "-KSTREAM-OUTERSHARED-0000000008-store-changelog";
    for (int k = 0; k < 2; ++k) {
        log->query_side[k] = probe.query_side(k);
    }
    const source_def* sides[2] = {&plan_.source, &sj.right};
    for (int side = 0; side < 2; ++side) {
        const source_def def =
            internal_row_def(fmt::format("{}-join-{}", plan_.id, side == 0 ? "left" : "right"),
                             log->topics[side], column_types(*sides[side]));
        if (auto st = make_row_serdes(def, log->encoders[side], log->decoders[side]); !st) {
            return st;
        }
    }
    join_log_ = std::move(log);
    return {};
}

std::vector<std::string> query_runner::join_topic_names() const {
    if (!join_log_) {
        return {};
    }
    std::vector<std::string> names = {join_log_->topics[0], join_log_->topics[1]};
    if (plan_.two_source->window.spurious_fix &&
        plan_.two_source->window.kind != two_way_join::inner) {
        names.push_back(join_log_->topics[2]);
    }
    return names;
}

std::vector<client::new_topic> query_runner::join_topics(int partitions, int replicas) const {
    std::vector<client::new_topic> topics;
    const auto names = join_topic_names();
    const int64_t retention = plan_.two_source->window.retention_ms() + 86'400'000;
    for (size_t i = 0; i < names.size(); ++i) {
        std::vector<std::pair<std::string, std::string>> configs = {{"cleanup.policy", "compact"}};
        if (i < 2) {
            configs = {{"cleanup.policy", "compact,delete"},
                       {"retention.ms", std::to_string(retention)}};
        }
        topics.push_back({.name = names[i],
                          .partitions = partitions,
                          .replication_factor = replicas,
                          .configs = std::move(configs)});
    }
    return topics;
}

void query_runner::log_join_changes(const client::message* m, batch_state* b) {
    if (join_log_) {
        join_log_->current = m;
        join_log_->batch = b;
    }
}

stream_join_log* query_runner::join_log() const {
    return join_log_.get();
}

status query_runner::restore_windows(int32_t partition, stream_join_state& state) {
    join_changelog& log = *join_log_;
    const auto names = join_topic_names();
    row r;
    status bad;
    size_t records = 0;
    auto not_state = [&](const client::message& m, std::string_view why) {
        bad = status(errc::invalid_argument,
                     fmt::format("query {}: {} [{}] @{}: not a join state record{}", plan_.id,
                                 m.topic(), partition, m.offset(), why));
    };
    // One row of Kafka side k from bytes; false: bad is set.
    auto decode = [&](const client::message& m, int k, std::string_view bytes) {
        int64_t rowtime = 0;
        auto decoded = log.decoders[log.query_side[k]]->decode(
            record_view{.value = bytes, .timestamp_ms = m.timestamp_ms()}, r, rowtime);
        if (!decoded || !*decoded) {
            not_state(m, decoded ? "" : ": " + decoded.err().message);
            return false;
        }
        return true;
    };
    for (size_t t = 0; t < names.size(); ++t) {
        auto st = read_partition(names[t], partition, -1, [&](const client::message& m) {
            if (!bad.ok() || !m.key()) {
                return;
            }
            const std::string_view key = *m.key();
            if (t < 2) {
                if (key.size() < window_suffix || !m.value()) {
                    not_state(m, "");
                    return;
                }
                const auto ts =
                    static_cast<int64_t>(read_be<uint64_t>(key, key.size() - window_suffix));
                if (decode(m, static_cast<int>(t), *m.value())) {
                    state.restore_buffered(static_cast<int>(t),
                                           std::string(key.substr(0, key.size() - window_suffix)),
                                           std::move(r), ts);
                    ++records;
                }
                return;
            }
            if (key.size() < outer_prefix) {
                not_state(m, "");
                return;
            }
            const auto ts = static_cast<int64_t>(read_be<uint64_t>(key, 0));
            const int side_byte = key[8] == 1 ? 1 : 0;
            std::vector<row> rows;
            std::string_view v = m.value().value_or(std::string_view());
            while (v.size() >= 4) {
                const uint32_t n = read_be<uint32_t>(v, 0);
                if (v.size() - 4 < n) {
                    break;
                }
                if (!decode(m, side_byte == 1 ? 0 : 1, v.substr(4, n))) {
                    return;
                }
                rows.push_back(std::move(r));
                v.remove_prefix(4 + n);
            }
            if (!v.empty()) {
                not_state(m, ": truncated rows");
                return;
            }
            state.restore_outer(ts, side_byte, std::string(key.substr(outer_prefix)),
                                std::move(rows));
            ++records;
        });
        if (!st) {
            return st;
        }
        if (!bad.ok()) {
            return bad;
        }
    }
    state.restored();
    log::get("streams")->info(
        "query {}: restored the join state of partition {} ({} records read, {} buffered, {} "
        "held outer results)",
        plan_.id, partition, records, state.buffered(), state.pending_outer());
    return {};
}

}  // namespace cs::streams
