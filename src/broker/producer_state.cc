#include "broker/producer_state.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace cs::broker {
namespace {

int32_t next_seq(int32_t seq) {
    return seq == std::numeric_limits<int32_t>::max() ? 0 : seq + 1;
}

}  // namespace

sequence_check producer_state::check(int64_t producer_id, int16_t epoch, int32_t first_seq,
                                     int32_t last_seq) const {
    sequence_check out;
    auto it = producers_.find(producer_id);
    if (it == producers_.end() || it->second.batches.empty()) {
        // Unknown producer (new, or its state expired): accept, as Kafka does
        // since KIP-360, so a restarted or idle producer is not wedged.
        return out;
    }
    const entry& e = it->second;
    if (epoch < e.epoch) {
        out.kind = sequence_check::verdict::reject;
        out.error = kafka::error_code::invalid_producer_epoch;
        out.message = fmt::format("producer {} epoch {} is older than the current epoch {}",
                                  producer_id, epoch, e.epoch);
        return out;
    }
    if (epoch > e.epoch) {
        if (first_seq != 0) {
            out.kind = sequence_check::verdict::reject;
            out.error = kafka::error_code::out_of_order_sequence_number;
            out.message = fmt::format("producer {} new epoch {} must start at sequence 0, got {}",
                                      producer_id, epoch, first_seq);
        }
        return out;
    }
    for (const auto& b : e.batches) {
        if (b.first_seq == first_seq && b.last_seq == last_seq) {
            out.kind = sequence_check::verdict::duplicate;
            out.original = b;
            return out;
        }
    }
    int32_t expected = next_seq(e.batches.back().last_seq);
    if (first_seq != expected) {
        out.kind = sequence_check::verdict::reject;
        out.error = kafka::error_code::out_of_order_sequence_number;
        out.message = fmt::format("producer {} epoch {}: expected sequence {}, got {}", producer_id,
                                  epoch, expected, first_seq);
    }
    return out;
}

void producer_state::record(int64_t producer_id, int16_t epoch, const producer_batch& batch,
                            int64_t now_ms) {
    entry& e = producers_[producer_id];
    e.last_write_ms = std::max(e.last_write_ms, now_ms);
    if (epoch != e.epoch) {
        e.epoch = epoch;
        e.batches.clear();
    }
    e.batches.push_back(batch);
    while (e.batches.size() > kBatchesRetained) {
        e.batches.pop_front();
    }
}

size_t producer_state::expire(int64_t now_ms, int64_t expiration_ms) {
    return std::erase_if(producers_, [&](const auto& kv) {
        return now_ms - kv.second.last_write_ms >= expiration_ms;
    });
}

}  // namespace cs::broker
