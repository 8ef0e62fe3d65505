#pragma once

// Offset checkpoint files of a log dir (recovery-point-offset-checkpoint,
// log-start-offset-checkpoint), in Kafka's text format so the same tools can
// read them:
//
//   0                       version
//   2                       number of entries
//   clicks 0 1234           topic, partition, offset (one line each)
//   clicks 1 98
//
// Crash behaviour: written to <name>.tmp, fsynced, renamed over the old file
// and the directory fsynced, so a reader sees either the old or the new
// complete file. A missing file reads as empty (a fresh log dir); a
// malformed one is an error naming the file and line.

#include <filesystem>
#include <unordered_map>

#include "base/result.h"
#include "protocol/types.h"

namespace cs::storage {

using offset_map = std::unordered_map<kafka::topic_partition, kafka::offset>;

result<offset_map> read_checkpoint(const std::filesystem::path& path);
status write_checkpoint(const std::filesystem::path& path, const offset_map& offsets);

}  // namespace cs::storage
