#include "broker/producer_state_store.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/internal_topic.h"
#include "protocol/control_batch.h"
#include "protocol/record_batch.h"
#include "storage/file_io.h"

namespace cs::broker {
namespace {

constexpr const char* kSnapshotFile = "producer-state.snapshot";
// v2 adds the transaction lines; v1 snapshots (batch lines only) still load.
constexpr const char* kMagic = "clickstream producer state v";
constexpr int kVersion = 2;

// Adds the producer batches in [from, high watermark) to `state`.
status scan_batches(storage::partition_log& log, kafka::offset from, producer_state& state,
                    int64_t now_ms) {
    return for_each_batch(log, from, [&](bytes_view batch, const kafka::batch_header& h) -> status {
        if (h.producer_id >= 0 && h.is_control()) {
            auto type = kafka::read_control_type(batch);
            if (type.ok()) {
                state.end_txn(h.producer_id, h.producer_epoch, *type == kafka::control_type::commit,
                              h.base_offset, now_ms);
            }
            return {};
        }
        if (h.producer_id >= 0 && h.is_transactional()) {
            state.begin_txn(h.producer_id, h.base_offset);
        }
        if (h.producer_id < 0 || h.base_sequence < 0) {
            return {};
        }
        int32_t last_seq =
            static_cast<int32_t>((static_cast<int64_t>(h.base_sequence) + h.last_offset_delta) %
                                 (int64_t{INT32_MAX} + 1));
        int64_t append_time =
            h.ts_type() == kafka::timestamp_type::log_append_time ? h.max_timestamp : -1;
        state.record(
            h.producer_id, h.producer_epoch,
            {h.base_sequence, last_seq, h.base_offset, h.last_offset().value(), append_time},
            now_ms);
        return {};
    });
}

}  // namespace

status save_producer_state(const storage::partition_log& log, const producer_state& state) {
    std::string out = fmt::format("{}{} {}\n", kMagic, kVersion, log.high_watermark().value());
    state.for_each([&](int64_t pid, int16_t epoch, const producer_batch& b) {
        out += fmt::format("{} {} {} {} {} {} {}\n", pid, epoch, b.first_seq, b.last_seq,
                           b.first_offset, b.last_offset, b.log_append_time);
    });
    for (const auto& [pid, first] : state.ongoing()) {
        out += fmt::format("txn {} {}\n", pid, first);
    }
    for (const auto& a : state.aborted()) {
        out += fmt::format("aborted {} {} {}\n", a.producer_id, a.first_offset, a.last_offset);
    }
    return storage::write_file_atomically(log.dir() / kSnapshotFile, out);
}

result<producer_state> load_producer_state(storage::partition_log& log, int64_t now_ms) {
    producer_state state;
    kafka::offset from = log.log_start_offset();
    std::ifstream in(log.dir() / kSnapshotFile);
    std::string line;
    if (in && std::getline(in, line) && line.starts_with(kMagic)) {
        producer_state snap;
        int64_t snap_offset = -1;
        int version = 0;
        std::istringstream first(line.substr(std::string_view(kMagic).size()));
        bool ok = static_cast<bool>(first >> version >> snap_offset) && version >= 1 &&
                  version <= kVersion;
        while (ok && std::getline(in, line)) {
            std::istringstream fields(line);
            int64_t pid = 0;
            if (line.starts_with("txn ")) {
                std::string tag;
                int64_t first_offset = 0;
                ok = static_cast<bool>(fields >> tag >> pid >> first_offset);
                if (ok) {
                    snap.begin_txn(pid, first_offset);
                }
                continue;
            }
            if (line.starts_with("aborted ")) {
                std::string tag;
                aborted_txn a;
                ok = static_cast<bool>(fields >> tag >> a.producer_id >> a.first_offset >>
                                       a.last_offset);
                if (ok) {
                    snap.add_aborted(a);
                }
                continue;
            }
            int16_t epoch = 0;
            producer_batch b;
            ok = static_cast<bool>(fields >> pid >> epoch >> b.first_seq >> b.last_seq >>
                                   b.first_offset >> b.last_offset >> b.log_append_time);
            if (ok) {
                snap.record(pid, epoch, b, now_ms);
            }
        }
        // A snapshot past the log's end (the log lost its tail in a crash)
        // describes batches that no longer exist: rebuild from the log instead.
        if (ok && snap_offset <= log.high_watermark().value()) {
            state = std::move(snap);
            from = kafka::offset(snap_offset);
        } else {
            log::get("broker")->warn(
                "{}: producer state snapshot unusable; rebuilding from the log",
                log.topic_partition().to_string());
        }
    }
    if (auto st = scan_batches(log, from, state, now_ms); !st) {
        return st.err();
    }
    return state;
}

}  // namespace cs::broker
