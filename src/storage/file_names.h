#pragma once

// Every file name the partition log writes, in one place (Kafka's names, so
// an operator's habits and scripts carry over).
//
//   <log dir>/recovery-point-offset-checkpoint   offsets flushed to disk, per partition
//   <log dir>/log-start-offset-checkpoint        log start offsets, per partition
//   <log dir>/.kafka_cleanshutdown               present only after a clean shutdown
//   <log dir>/<topic>-<partition>/               one directory per partition
//       <20-digit base offset>.log               record batches as received
//       <20-digit base offset>.index             sparse offset index
//       <20-digit base offset>.timeindex         sparse time index
//       <name>.deleted                           a file awaiting deletion (retention)
//   <log dir>/<topic>-<partition>.<ms>.deleted/  a deleted partition being removed

#include <optional>
#include <string>
#include <string_view>

#include "protocol/types.h"

namespace cs::storage::file_names {

inline constexpr std::string_view log_suffix = ".log";
inline constexpr std::string_view index_suffix = ".index";
inline constexpr std::string_view time_index_suffix = ".timeindex";
inline constexpr std::string_view deleted_suffix = ".deleted";
inline constexpr std::string_view temp_suffix = ".tmp";  // checkpoint being written

inline constexpr std::string_view recovery_point_checkpoint = "recovery-point-offset-checkpoint";
inline constexpr std::string_view log_start_offset_checkpoint = "log-start-offset-checkpoint";
inline constexpr std::string_view clean_shutdown_marker = ".kafka_cleanshutdown";

// "00000000000000001234" + suffix.
std::string segment_file(kafka::offset base, std::string_view suffix);
// The base offset of "<20 digits><suffix>", nullopt for any other name.
std::optional<kafka::offset> parse_segment_file(std::string_view name, std::string_view suffix);
// "<topic>-<partition>".
std::string partition_dir(const kafka::topic_partition& tp);
// The name a deleted partition's directory is renamed to before removal:
// "<topic>-<partition>.<ms>.deleted", the topic cut so that the name stays
// within the 255 bytes a file name may have (a topic name may be 249), as
// Kafka's LocalLog.logDeleteDirName does.
std::string deleted_partition_dir(const kafka::topic_partition& tp, int64_t now_ms);
// Splits at the last '-' (topic names may contain '-'); nullopt if not a partition dir.
std::optional<kafka::topic_partition> parse_partition_dir(std::string_view name);

}  // namespace cs::storage::file_names
