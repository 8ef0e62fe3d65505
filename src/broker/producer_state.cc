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
    if (it == producers_.end()) {
        // Unknown producer (new, or its state expired): accept, as Kafka does
        // since KIP-360, so a restarted or idle producer is not wedged.
        return out;
    }
    const entry& e = it->second;
    if (epoch < e.epoch) {
        // Also after a transaction marker alone raised the epoch (a
        // transactional id re-initialised): the old producer is a zombie.
        out.kind = sequence_check::verdict::reject;
        out.error = kafka::error_code::invalid_producer_epoch;
        out.message = fmt::format("producer {} epoch {} is older than the current epoch {}",
                                  producer_id, epoch, e.epoch);
        return out;
    }
    if (e.batches.empty()) {
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
    // A producer with an open transaction is kept (as Kafka does): its
    // transaction still holds the last stable offset back until it ends.
    return std::erase_if(producers_, [&](const auto& kv) {
        return now_ms - kv.second.last_write_ms >= expiration_ms && !ongoing_.contains(kv.first);
    });
}

void producer_state::begin_txn(int64_t producer_id, int64_t offset) {
    ongoing_.emplace(producer_id, offset);
}

bool producer_state::end_txn(int64_t producer_id, int16_t epoch, bool commit, int64_t marker_offset,
                             int64_t now_ms) {
    entry& e = producers_[producer_id];
    e.last_write_ms = std::max(e.last_write_ms, now_ms);
    if (epoch > e.epoch) {
        e.epoch = epoch;
        e.batches.clear();
    }
    auto it = ongoing_.find(producer_id);
    if (it == ongoing_.end()) {
        return false;
    }
    if (!commit) {
        aborted_.push_back({producer_id, it->second, marker_offset});
    }
    ongoing_.erase(it);
    return true;
}

std::optional<int64_t> producer_state::first_unstable_offset() const {
    std::optional<int64_t> first;
    for (const auto& [pid, offset] : ongoing_) {
        if (!first || offset < *first) {
            first = offset;
        }
    }
    return first;
}

std::vector<aborted_txn> producer_state::aborted_between(int64_t from, int64_t to) const {
    std::vector<aborted_txn> out;
    // By marker offset: skip those that ended before `from`.
    auto it = std::lower_bound(aborted_.begin(), aborted_.end(), from,
                               [](const aborted_txn& a, int64_t o) { return a.last_offset < o; });
    for (; it != aborted_.end(); ++it) {
        if (it->first_offset < to) {
            out.push_back(*it);
        }
    }
    return out;
}

bool producer_state::is_aborted(int64_t producer_id, int64_t offset) const {
    for (const auto& a : aborted_between(offset, offset + 1)) {
        if (a.producer_id == producer_id) {
            return true;
        }
    }
    return false;
}

void producer_state::prune_aborted(int64_t log_start) {
    while (!aborted_.empty() && aborted_.front().last_offset < log_start) {
        aborted_.pop_front();
    }
}

}  // namespace cs::broker
