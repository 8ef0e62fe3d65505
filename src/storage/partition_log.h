#pragma once

// The log of one partition: a directory <topic>-<partition> holding segments
// ordered by base offset; the last one is active (receives appends).
//
// Offsets: log start offset <= every stored offset < next offset. On a single
// node the high watermark is the next offset: a batch is visible to readers
// once its write(2) returned. The recovery point is the offset below which
// everything is fsynced; acks=all producers are answered only once their
// batch is below it (wait_durable).
//
// Thread-safety: every public method may be called from any thread. One
// mutex serialises appends, index lookups in reads, retention and
// truncation; fsyncs run outside it (appends continue during a group
// commit). Reads return a file handle + byte range, so the bytes themselves
// are transferred (sendfile/pread) without the lock. wait_durable callbacks
// run on the flusher thread, or inline when the offset is already durable.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "protocol/record_batch.h"
#include "protocol/types.h"
#include "storage/log_config.h"
#include "storage/segment.h"

namespace cs::storage {

class flusher;

struct append_options {
    kafka::leader_epoch epoch{0};
    // Apply the producer rules (baseOffset 0, count, no control batches...).
    // The broker's own writers (coordinators) may pass false.
    bool client_batch = true;
    // The caller already checked every batch's CRC (the Produce handler does,
    // outside the partition lock): skip the second pass under the lock.
    bool crc_verified = false;
};

struct append_result {
    kafka::offset base_offset;
    kafka::offset last_offset;
    int64_t log_append_time = kafka::no_timestamp;  // -1 for CreateTime topics
    kafka::offset log_start_offset;
};

// Which records a reader may see (Fetch's and ListOffsets' isolation_level).
enum class isolation : int8_t {
    read_uncommitted,  // up to the high watermark
    read_committed,    // up to the last stable offset
};

// From Fetch's and ListOffsets' isolation_level (1: read_committed).
inline isolation isolation_from_wire(int8_t level) {
    return level == 1 ? isolation::read_committed : isolation::read_uncommitted;
}

// The log's bounds, read together under its lock.
struct log_offsets {
    kafka::offset log_start_offset;
    kafka::offset high_watermark;
    // Kafka's last stable offset: the high watermark, or the first offset of
    // the oldest transaction still open before it (txn_view).
    kafka::offset last_stable_offset;
};

struct fetch_result : log_offsets {
    read_slice slice;  // whole batches; empty at the end of the log
};

// What one compaction pass did (log lines, tests).
struct compaction_stats {
    size_t segments_in = 0;
    size_t segments_out = 0;
    int64_t records_kept = 0;
    int64_t records_removed = 0;
    uint64_t bytes_before = 0;
    uint64_t bytes_after = 0;
};

// What open() needs to know from the log dir's checkpoints.
struct open_options {
    bool clean_shutdown = false;
    kafka::offset recovery_point{0};
    kafka::offset log_start_offset{0};
};

// What storage must know of transactions, which the broker tracks (storage
// does not read transaction markers): read_committed reads stop at the first
// offset of the oldest open transaction (the last stable offset); records of
// aborted transactions are dropped by compaction rather than kept as a key's
// latest value, and nothing at or after that first offset is cleaned (its
// fate is not known yet), as Kafka's cleaner does.
class txn_view {
  public:
    virtual ~txn_view() = default;
    // Whether the batch of producer_id at `offset` belongs to an aborted transaction.
    virtual bool aborted(int64_t producer_id, int64_t offset) const = 0;
    // The first offset of the oldest open transaction, if any. Called under
    // the log's lock: must not take locks that are held while appending. The
    // broker publishes it before it appends a transaction's first batch, so
    // a reader that read the high watermark first never sees an open
    // transaction's records below the last stable offset.
    virtual std::optional<int64_t> first_unstable() const = 0;
};

class partition_log : public std::enable_shared_from_this<partition_log> {
  public:
    using durable_callback = std::function<void(status)>;

    // Opens (or creates, when the directory is new) the partition at `dir`,
    // running recovery unless the last shutdown was clean. `fl` may be null:
    // then wait_durable flushes inline.
    static result<std::shared_ptr<partition_log>> open(std::filesystem::path dir,
                                                       kafka::topic_partition tp, log_config cfg,
                                                       clock& clk, flusher* fl, open_options opts);

    // Validates `batches` (one or more v2 batches), assigns offsets and the
    // leader epoch by rewriting them in place, and writes them. Returns after
    // write(2) (acks=1); use wait_durable for acks=all. Errors: corrupt (CRC,
    // length, magic), invalid_argument (producer rules), too_large
    // (max.message.bytes), io (the log is then offline).
    result<append_result> append(mutable_bytes_view batches, append_options opts = {});

    // Calls `cb` once every offset <= `last` is fsynced (status error if the
    // fsync failed). One fsync serves all waiters registered before it began.
    void wait_durable(kafka::offset last, durable_callback cb);
    // Synchronously fsyncs everything written so far.
    status flush();

    // Whole batches from the one holding `start`, at most max_bytes except
    // that the first batch is always returned whole (KIP-74). start == high
    // watermark gives an empty slice; outside [log start, hw] is out_of_range.
    // read_committed stops before the batch holding the last stable offset
    // (start at or past it gives an empty slice). The result carries the
    // bounds as they were for this read (the LSO from the same high watermark).
    result<fetch_result> read(kafka::offset start, uint64_t max_bytes, bool min_one = true,
                              isolation iso = isolation::read_uncommitted);

    // ListOffsets: the first offset whose record timestamp >= ts, nullopt if
    // no record has one. ts -1 (latest) gives the high watermark, -2
    // (earliest) the log start offset, both with timestamp -1. read_committed
    // (as Kafka): latest is the last stable offset, and a timestamp's offset
    // at or past it is not found.
    result<std::optional<timestamp_offset>> offset_for_timestamp(
        int64_t ts, isolation iso = isolation::read_uncommitted);

    // Retention and DeleteRecords.
    // Deletes whole non-active segments past retention.ms / retention.bytes or
    // below the log start offset; returns how many. Files become *.deleted
    // and are unlinked by purge_deleted after file.delete.delay.ms.
    result<size_t> apply_retention(int64_t now_ms);
    void purge_deleted(int64_t now_ms);
    // Advances the log start offset (DeleteRecords); out_of_range past the hw.
    status delete_records_before(kafka::offset new_start);
    // Removes every batch with offset >= o (the batch holding o included).
    status truncate_to(kafka::offset o);

    // Log compaction (cleanup.policy=compact); see log_cleaner.cc. Runs one
    // pass over the non-active segments older than min.compaction.lag.ms;
    // appends and reads continue meanwhile (the lock is held only to pick
    // the segments and to swap the results in).
    result<compaction_stats> compact(int64_t now_ms);
    // Share of the non-active bytes written since the last compaction pass
    // (1.0 before the first pass after start-up); the cleaner runs a pass
    // when it reaches min.cleanable.dirty.ratio.
    double dirty_ratio() const;
    // cleanup.policy has compact and the dirty ratio reached the threshold.
    bool needs_compaction() const;

    // Periodic flush for flush.ms (called from log_manager::tick).
    void maybe_flush_periodically(int64_t now_ms);
    // Flushes data and indexes; the log stays usable.
    status flush_all();

    void set_config(const log_config& cfg);
    // The broker's transactions for the cleaner (may be null: no transactions).
    void set_txn_view(std::shared_ptr<const txn_view> view);
    log_config config() const;

    kafka::offset high_watermark() const;
    kafka::offset log_start_offset() const;
    log_offsets offsets() const;
    kafka::offset recovery_point() const;
    uint64_t size_bytes() const;
    size_t segment_count() const;
    const kafka::topic_partition& topic_partition() const { return tp_; }
    const std::filesystem::path& dir() const { return dir_; }

    // Served by the flusher thread.
    void flush_for_waiters();

  private:
    partition_log(std::filesystem::path dir, kafka::topic_partition tp, log_config cfg, clock& clk,
                  flusher* fl);

    status load(const open_options& opts);
    status recover_unflushed(kafka::offset recovery_point);
    status finish_interrupted_cleaning();
    status roll(kafka::offset next_base, const char* reason);
    segment& active() { return *segments_.rbegin()->second; }
    status delete_segment_locked(std::map<kafka::offset, std::shared_ptr<segment>>::iterator it,
                                 int64_t now_ms, const char* reason);
    std::vector<std::shared_ptr<segment>> unflushed_segments_locked() const;
    // fsync outside the lock, then advance the recovery point and complete waiters.
    status sync_and_complete(bool all_files);
    void request_flush_locked();
    log_offsets offsets_locked() const;

    const std::filesystem::path dir_;
    const kafka::topic_partition tp_;
    clock& clock_;
    flusher* flusher_;

    mutable std::mutex mu_;
    log_config cfg_;
    std::map<kafka::offset, std::shared_ptr<segment>> segments_;
    kafka::offset next_offset_{0};
    kafka::offset log_start_{0};
    kafka::offset recovery_point_{0};
    int64_t unflushed_messages_ = 0;
    int64_t last_flush_ms_ = 0;
    bool flush_queued_ = false;
    std::optional<error> failed_;  // set after an I/O error: the log is offline
    std::multimap<kafka::offset, durable_callback> waiters_;
    struct pending_delete {
        int64_t due_ms;
        std::vector<std::filesystem::path> files;
    };
    std::vector<pending_delete> pending_deletes_;
    // Segments below this base offset were compacted by this process.
    kafka::offset cleaned_upto_{0};
    // Segments swapped in by crash recovery of a compaction: their indexes
    // are rebuilt at load.
    std::set<kafka::offset> rebuild_indexes_;
    std::shared_ptr<const txn_view> txn_view_;  // guarded by mu_
};

}  // namespace cs::storage
