#pragma once

// What the sparse indexes (.index, .timeindex) share when they are opened:
// read the whole file as fixed-size entries, and, once the caller has kept
// the valid prefix, cut the rest off (indexes are rebuildable, so an invalid
// tail is dropped rather than trusted).

#include <filesystem>

#include "base/bytes.h"
#include "base/result.h"
#include "storage/file_io.h"

namespace cs::storage {

struct index_file_contents {
    file f;
    bytes entries;       // whole entries only
    uint64_t file_size;  // bytes on disk, including a partial last entry
};

result<index_file_contents> read_index_file(const std::filesystem::path& path, size_t entry_size);

// Truncates the file to valid_bytes when it holds more, logging it as `kind`.
status keep_valid_prefix(const file& f, const char* kind, uint64_t valid_bytes, uint64_t file_size);

}  // namespace cs::storage
