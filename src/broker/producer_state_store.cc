#include "broker/producer_state_store.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/log.h"
#include "protocol/record_batch.h"
#include "storage/file_io.h"

namespace cs::broker {
namespace {

constexpr const char* kSnapshotFile = "producer-state.snapshot";
constexpr const char* kMagic = "clickstream producer state v1";

// Adds the producer batches in [from, high watermark) to `state`.
status scan_batches(storage::partition_log& log, kafka::offset from, producer_state& state,
                    int64_t now_ms) {
    auto next = std::max(from, log.log_start_offset());
    while (next < log.high_watermark()) {
        auto got = log.read(next, 1 << 20);
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
            if (h->producer_id < 0 || h->is_control() || h->base_sequence < 0) {
                continue;
            }
            int32_t last_seq = static_cast<int32_t>(
                (static_cast<int64_t>(h->base_sequence) + h->last_offset_delta) %
                (int64_t{INT32_MAX} + 1));
            int64_t append_time =
                h->ts_type() == kafka::timestamp_type::log_append_time ? h->max_timestamp : -1;
            state.record(
                h->producer_id, h->producer_epoch,
                {h->base_sequence, last_seq, h->base_offset, h->last_offset().value(), append_time},
                now_ms);
        }
    }
    return {};
}

}  // namespace

status save_producer_state(const storage::partition_log& log, const producer_state& state) {
    std::string out = fmt::format("{} {}\n", kMagic, log.high_watermark().value());
    state.for_each([&](int64_t pid, int16_t epoch, const producer_batch& b) {
        out += fmt::format("{} {} {} {} {} {} {}\n", pid, epoch, b.first_seq, b.last_seq,
                           b.first_offset, b.last_offset, b.log_append_time);
    });
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
        bool ok = true;
        try {
            snap_offset = std::stoll(line.substr(std::string_view(kMagic).size()));
        } catch (const std::exception&) {
            ok = false;
        }
        while (ok && std::getline(in, line)) {
            std::istringstream fields(line);
            int64_t pid = 0;
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
