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
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/error_code.h"

namespace cs::broker {

struct producer_batch {
    int32_t first_seq = 0;
    int32_t last_seq = 0;
    int64_t first_offset = 0;
    int64_t last_offset = 0;
    int64_t log_append_time = -1;
};

// A transaction of one producer that ended in an abort marker: its records
// in [first_offset, last_offset] (the marker's offset) are skipped by
// read_committed consumers (Kafka's AbortedTxn, FetchResponse's
// aborted_transactions).
struct aborted_txn {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
    int64_t last_offset = 0;
    bool operator==(const aborted_txn&) const = default;
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
    // Forgets everything (log truncation).
    void clear() {
        producers_.clear();
        ongoing_.clear();
        aborted_.clear();
    }
    size_t producer_count() const { return producers_.size(); }
    std::optional<int16_t> epoch_of(int64_t producer_id) const {
        auto it = producers_.find(producer_id);
        return it == producers_.end() ? std::nullopt : std::optional<int16_t>(it->second.epoch);
    }
    bool empty() const { return producers_.empty() && ongoing_.empty() && aborted_.empty(); }

    // --- transactions (Kafka's ProducerStateManager: ongoing transactions,
    //     the aborted-transaction index) ---
    // The producer's transactional batch at `offset`: its transaction in
    // this partition starts there unless it already started.
    void begin_txn(int64_t producer_id, int64_t offset);
    bool in_txn(int64_t producer_id) const { return ongoing_.contains(producer_id); }
    // Undoes begin_txn when the batch that opened it was not written.
    void cancel_txn(int64_t producer_id) { ongoing_.erase(producer_id); }
    // The producer's commit or abort marker written at marker_offset: ends
    // its transaction here (an abort is remembered for read_committed
    // fetches) and fences its older epochs. False when the producer had no
    // transaction open here (the marker is still valid: Kafka writes one to
    // every partition added to the transaction).
    bool end_txn(int64_t producer_id, int16_t epoch, bool commit, int64_t marker_offset,
                 int64_t now_ms);
    // The first offset of the oldest open transaction: read_committed
    // consumers read up to it (the last stable offset).
    std::optional<int64_t> first_unstable_offset() const;
    // Aborted transactions that overlap [from, to).
    std::vector<aborted_txn> aborted_between(int64_t from, int64_t to) const;
    bool has_aborted() const { return !aborted_.empty(); }
    // Whether the producer's batch at `offset` is in one of its aborted transactions.
    bool is_aborted(int64_t producer_id, int64_t offset) const;
    // Forgets aborted transactions wholly below the log start offset.
    void prune_aborted(int64_t log_start);
    // For snapshots: open transactions (producer id -> first offset) and the
    // aborted ones, oldest marker first.
    const std::map<int64_t, int64_t>& ongoing() const { return ongoing_; }
    const std::deque<aborted_txn>& aborted() const { return aborted_; }
    // Restores an aborted transaction from a snapshot (in marker order).
    void add_aborted(const aborted_txn& a) { aborted_.push_back(a); }

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
    std::map<int64_t, int64_t> ongoing_;  // producer id -> first offset of its open transaction
    std::deque<aborted_txn> aborted_;     // by marker offset
};

}  // namespace cs::broker
