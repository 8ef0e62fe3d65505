#pragma once

// The sparse time index of one segment (<base>.timeindex).
//
// On-disk layout: a flat array of 12-byte entries, no header, no checksum:
//   int64 BE  timestamp        (largest batch maxTimestamp seen so far)
//   int32 BE  relative offset  (base offset of the batch that set it, minus
//                               the segment base offset)
// An entry is written next to each offset-index entry when the segment's
// largest timestamp has grown since the last entry, and once more when the
// segment stops being active; both fields strictly increase. So for any
// target, records with timestamp >= target lie at or after the offset of the
// last entry whose timestamp < target... and the search scans from there.
//
// Crash behaviour: as for the offset index, load() keeps the longest valid
// prefix and recovery rebuilds the file from the .log.
//
// Thread-safety: none; the owning segment serialises access.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "base/result.h"
#include "protocol/types.h"
#include "storage/file_io.h"

namespace cs::storage {

class time_index {
  public:
    static constexpr size_t entry_size = 12;

    struct entry {
        int64_t timestamp;
        kafka::offset offset;  // absolute
    };

    static result<time_index> open(const std::filesystem::path& path, kafka::offset base,
                                   size_t max_bytes, kafka::offset log_end);

    // Appends only if ts is larger than the last entry's (else a no-op).
    status maybe_append(int64_t ts, kafka::offset o);
    // The last entry with timestamp < target: searching for the first record
    // with timestamp >= target may start at its offset (nullopt: segment start).
    std::optional<entry> lookup_before(int64_t target) const;
    status truncate_to(kafka::offset o);
    status reset() { return truncate_to(base_); }
    status flush() const { return file_.datasync(); }

    bool full() const { return (entries_.size() + 1) * entry_size > max_bytes_; }
    size_t entries() const { return entries_.size(); }
    std::optional<entry> last() const {
        return entries_.empty() ? std::nullopt : std::optional<entry>(entries_.back());
    }
    const file& backing_file() const { return file_; }
    file& backing_file() { return file_; }

  private:
    time_index(file f, kafka::offset base, size_t max_bytes)
        : file_(std::move(f)), base_(base), max_bytes_(max_bytes) {}

    file file_;
    kafka::offset base_;
    size_t max_bytes_;
    std::vector<entry> entries_;
};

}  // namespace cs::storage
