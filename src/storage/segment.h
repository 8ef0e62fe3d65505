#pragma once

// One log segment: <base>.log plus its sparse <base>.index and <base>.timeindex.
//
// .log layout: RecordBatch v2 batches back to back, exactly as received
// except for the broker's rewrites (baseOffset, partitionLeaderEpoch, and for
// LogAppendTime topics maxTimestamp + attributes + CRC). No header, no
// padding: the file is a valid Fetch response records field at any batch
// boundary. Offsets increase strictly from batch to batch; every batch's
// offsets lie in [base, base + INT32_MAX] so index entries fit 4 bytes.
//
// Crash behaviour: batches are written with pwrite(2) at the end of the
// file and become durable at flush() (fdatasync of the .log). A crash can
// leave a torn last batch, a zero-filled tail, or (power loss) lose
// unflushed batches; recover() rescans the file, verifies each batch's CRC
// and offsets, truncates at the first invalid byte and rebuilds both
// indexes. Indexes are fsynced only on flush_all() (roll, shutdown), since
// they can always be rebuilt; their loaders keep only a valid prefix.
//
// Thread-safety: none. partition_log serialises every call with its mutex.
// The .log file handle is shared (shared_ptr) with read slices handed to the
// broker, so it stays open while a response is being sent even if the
// segment is deleted meanwhile.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/gather.h"
#include "base/result.h"
#include "protocol/record_batch.h"
#include "protocol/types.h"
#include "storage/file_io.h"
#include "storage/log_config.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace cs::storage {

// What append() needs to know about each batch it writes.
struct batch_meta {
    kafka::offset base;
    kafka::offset last;
    int64_t max_timestamp;
    uint32_t size;
};

// A byte range of a .log file: whole batches, ready for sendfile(2) or pread.
struct read_slice {
    std::shared_ptr<const file> log_file;  // null when empty
    uint64_t position = 0;
    uint64_t length = 0;
    bool empty() const { return length == 0; }
    // The bytes themselves (for tests and non-zero-copy paths).
    result<bytes> read_bytes() const;
    // The range as a chunk to send by reference (sendfile). The chunk shares
    // ownership of the file, so the fd stays open even if the segment is
    // deleted (renamed and unlinked) while the bytes are in flight.
    external_chunk chunk() const {
        return external_chunk::file_range(log_file, log_file ? log_file->fd() : -1, position,
                                          length);
    }
};

// A ListOffsets answer: the first record at or after a timestamp.
struct timestamp_offset {
    int64_t timestamp;
    kafka::offset offset;
};

// What recover() found.
struct recovery_outcome {
    uint64_t valid_bytes = 0;
    uint64_t truncated_bytes = 0;  // 0 when the whole file was valid
    std::string reason;            // why the scan stopped early, if it did
};

class segment {
  public:
    // New empty segment; creates the three files and fsyncs the directory.
    static result<std::unique_ptr<segment>> create(const std::filesystem::path& dir,
                                                   kafka::offset base, const log_config& cfg,
                                                   int64_t now_ms);
    // Existing segment. The indexes are loaded as stored (valid prefix); call
    // load_tail() (trusted data) or recover() (unverified data) next.
    static result<std::unique_ptr<segment>> open(const std::filesystem::path& dir,
                                                 kafka::offset base, const log_config& cfg,
                                                 int64_t now_ms);

    // For a segment whose data was flushed before: scans batch headers from
    // the last index entry to the end to learn next_offset and the largest
    // timestamp. With indexes_flushed false (unclean shutdown) the time index
    // may lag the offset index, so the scan starts at the time index's last
    // entry instead. Fails (errc::corrupt) on an invalid header; the caller
    // then falls back to recover().
    status load_tail(bool indexes_flushed);

    // Full scan: verifies each batch (length, magic, CRC, increasing offsets),
    // rebuilds both indexes, truncates the file after the last valid batch.
    result<recovery_outcome> recover();

    // Writes `data` (the batches described by `metas`, back to back) at the
    // end. On failure the file is cut back to its previous size.
    status append(bytes_view data, std::span<const batch_meta> metas);

    // Whole batches starting with the one that holds `start`, up to
    // max_bytes (at least one batch when min_one), never past max_position.
    result<read_slice> read(kafka::offset start, uint64_t max_bytes, bool min_one,
                            uint64_t max_position) const;
    // First offset >= `from` whose record timestamp >= target, nullopt if none
    // here. Reads (and for compressed batches decompresses) only the batch
    // that holds the answer.
    result<std::optional<timestamp_offset>> find_offset_by_timestamp(int64_t target,
                                                                     kafka::offset from) const;

    // Removes every batch with base offset >= o.
    status truncate_to(kafka::offset o);

    status flush() const { return log_->datasync(); }  // the .log only
    status flush_all() const;                          // .log and both indexes
    // Called when a newer segment becomes active: records the final largest
    // timestamp in the time index (as Kafka does on roll). Not fsynced here:
    // the next group commit syncs the .log, shutdown syncs the indexes.
    status on_become_inactive();

    // Renames the three files to *.deleted; returns their new paths.
    result<std::vector<std::filesystem::path>> rename_to_deleted();

    // Should the next append of `incoming_bytes` with offsets up to `last`
    // go to a new segment? Sets *reason for the log line.
    bool should_roll(uint64_t incoming_bytes, kafka::offset last, int64_t now_ms,
                     const char** reason) const;

    kafka::offset base_offset() const { return base_; }
    kafka::offset next_offset() const { return next_offset_; }
    uint64_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Byte position of the first batch whose last offset >= target (size if none).
    result<uint64_t> position_of(kafka::offset target) const;
    // Largest batch maxTimestamp (-1 when none).
    int64_t max_timestamp() const { return max_ts_; }
    // For retention when no batch had a timestamp: the clock at create/open.
    int64_t created_ms() const { return created_ms_; }
    const std::filesystem::path& log_path() const { return log_->path(); }
    void set_config(const log_config& cfg) { cfg_ = cfg; }

  private:
    segment(std::filesystem::path dir, kafka::offset base, const log_config& cfg,
            std::shared_ptr<file> log, offset_index idx, time_index tidx, int64_t now_ms);

    // Header of the batch at `pos`, nullopt at/after `end`.
    result<std::optional<kafka::batch_header>> header_at(uint64_t pos, uint64_t end) const;
    void note_batch(const batch_meta& m, uint64_t position);
    status index_batch(const batch_meta& m, uint64_t position);
    status reset_state();

    std::filesystem::path dir_;
    kafka::offset base_;
    log_config cfg_;
    std::shared_ptr<file> log_;
    offset_index index_;
    time_index time_index_;
    uint64_t size_ = 0;
    kafka::offset next_offset_;
    int64_t max_ts_ = kafka::no_timestamp;
    kafka::offset max_ts_offset_;
    int64_t created_ms_;
    uint64_t bytes_since_index_ = 0;
};

}  // namespace cs::storage
