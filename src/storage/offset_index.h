#pragma once

// The sparse offset index of one segment (<base>.index).
//
// On-disk layout: a flat array of 8-byte entries, no header, no checksum:
//   int32 BE  relative offset  (batch base offset - segment base offset)
//   int32 BE  file position    (byte position of that batch in the .log)
// One entry is added after at least index.interval.bytes of batches since
// the previous entry; entries are strictly increasing in both fields. The
// file grows by appends (no preallocation); it holds at most
// segment.index.bytes / 8 entries, after which the segment rolls.
//
// Crash behaviour: entries are written after their batch and fsynced with
// the segment, but the index is never trusted blindly: load() keeps the
// longest valid prefix (entries increasing, positions inside the .log) and
// cuts the rest, and recovery rebuilds the index from the .log. A missing
// entry only makes lookups scan a little further.
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

class offset_index {
  public:
    static constexpr size_t entry_size = 8;

    struct entry {
        kafka::offset offset;  // absolute
        uint32_t position;
    };

    // Opens (creating if absent) and loads the valid prefix of the file.
    static result<offset_index> open(const std::filesystem::path& path, kafka::offset base,
                                     size_t max_bytes, uint64_t log_size);

    // Precondition: o > last entry's offset, position > last position.
    status append(kafka::offset o, uint32_t position);
    // The last entry with offset <= target (nullopt: start of segment).
    std::optional<entry> lookup(kafka::offset target) const;
    // The last entry with position <= pos (nullopt: none).
    std::optional<entry> lookup_position(uint64_t pos) const;
    // Drops entries at offsets >= o (truncation, rebuild).
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
    offset_index(file f, kafka::offset base, size_t max_bytes)
        : file_(std::move(f)), base_(base), max_bytes_(max_bytes) {}

    file file_;
    kafka::offset base_;
    size_t max_bytes_;
    std::vector<entry> entries_;
};

}  // namespace cs::storage
