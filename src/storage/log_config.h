#pragma once

// Per-partition log settings, as plain values. The broker fills this from
// the topic configuration (Kafka's property names in the comments); storage
// never reads configuration itself. -1 means "unlimited" where Kafka says so.

#include <cstdint>

namespace cs::storage {

enum class message_timestamp_type { create_time, log_append_time };

struct log_config {
    int64_t segment_bytes = 1LL << 30;               // segment.bytes
    int64_t segment_ms = 7LL * 24 * 3600 * 1000;     // segment.ms
    int64_t retention_ms = 7LL * 24 * 3600 * 1000;   // retention.ms (-1 = forever)
    int64_t retention_bytes = -1;                    // retention.bytes (-1 = no limit)
    int32_t index_interval_bytes = 4096;             // index.interval.bytes
    int32_t segment_index_bytes = 10 * 1024 * 1024;  // segment.index.bytes
    int64_t flush_messages = INT64_MAX;              // flush.messages
    int64_t flush_ms = INT64_MAX;                    // flush.ms
    int64_t file_delete_delay_ms = 60'000;           // file.delete.delay.ms
    int32_t max_message_bytes = 1'048'588;           // max.message.bytes (per batch)
    message_timestamp_type timestamp_type = message_timestamp_type::create_time;
    // How far a CreateTime record's timestamp may lie before / after the
    // broker's clock: message.timestamp.before.max.ms / after.max.ms, each
    // message.timestamp.difference.max.ms when unset (as Kafka 3.6+). Checked
    // by the broker's Produce handler, which sees the records.
    int64_t timestamp_before_max_ms = INT64_MAX;
    int64_t timestamp_after_max_ms = INT64_MAX;
    // cleanup.policy: "delete" applies retention.ms/retention.bytes,
    // "compact" runs the log cleaner; "compact,delete" does both.
    bool cleanup_delete = true;
    bool cleanup_compact = false;
    int64_t delete_retention_ms = 86'400'000;  // delete.retention.ms (tombstones)
    int64_t min_compaction_lag_ms = 0;         // min.compaction.lag.ms
    double min_cleanable_dirty_ratio = 0.5;    // min.cleanable.dirty.ratio
};

}  // namespace cs::storage
