#pragma once

// Idempotent-producer bookkeeping for one partition (Kafka's
// ProducerStateManager): per producer id, its epoch and the last five batches
// it wrote (first/last sequence and offsets). Before a batch with a producer
// id is appended, check() says whether it is the next in sequence (append),
// a retry of one of the last five (duplicate: answer with its original
// offsets, write nothing) or out of order / fenced (an error code).
//
// Sequences are int32 and wrap from INT32_MAX to 0, as Kafka's do.
//
// Thread-safety: none; the partition's append lock covers check + append +
// record so that sequence order and offset order agree.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "protocol/error_code.h"

namespace cs::broker {

struct producer_batch {
    int32_t first_seq = 0;
    int32_t last_seq = 0;
    int64_t first_offset = 0;
    int64_t last_offset = 0;
    int64_t log_append_time = -1;
};

struct sequence_check {
    enum class verdict { append, duplicate, reject } kind = verdict::append;
    producer_batch original;  // for duplicate
    kafka::error_code error = kafka::error_code::none;
    std::string message;  // for reject
};

class producer_state {
  public:
    static constexpr size_t kBatchesRetained = 5;

    sequence_check check(int64_t producer_id, int16_t epoch, int32_t first_seq,
                         int32_t last_seq) const;
    // now_ms: the wall-clock time of the write, what expire() measures from.
    void record(int64_t producer_id, int16_t epoch, const producer_batch& batch, int64_t now_ms);
    // Forgets producers that have written nothing for expiration_ms
    // (producer.id.expiration.ms); their next batch is accepted as a new
    // producer's. Returns how many were forgotten.
    size_t expire(int64_t now_ms, int64_t expiration_ms);
    // Forgets everything before `offset` (log truncation).
    void clear() { producers_.clear(); }
    size_t producer_count() const { return producers_.size(); }

    // Every retained batch, oldest first per producer (for snapshots).
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [pid, e] : producers_) {
            for (const auto& b : e.batches) {
                f(pid, e.epoch, b);
            }
        }
    }

  private:
    struct entry {
        int16_t epoch = -1;
        std::deque<producer_batch> batches;  // oldest first, at most kBatchesRetained
        int64_t last_write_ms = 0;
    };
    std::unordered_map<int64_t, entry> producers_;
};

}  // namespace cs::broker
