#include "config/topic_registry.h"

// The tables below name only the fields a property uses (designated
// initializers); the rest keep their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs::config {
namespace {

using enum value_type;

constexpr const char* long_max = "9223372036854775807";

std::vector<property_def> topic_properties() {
    return {
        {.name = "cleanup.policy",
         .type = list,
         .default_value = "delete",
         .valid_values = {"compact", "delete"},
         .doc = "delete removes old segments by time or size; compact keeps the latest "
                "record per key; compact,delete does both.",
         .dynamic = true,
         .synonyms = {{"log.cleanup.policy"}}},
        {.name = "compression.type",
         .type = string,
         .default_value = "producer",
         .valid_values = {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
         .doc = "The compression stored batches use; producer keeps what the producer sent. "
                "clickstream always stores batches as the producer sent them: another value "
                "is accepted and kept in the topic's configuration, but batches are not "
                "recompressed on the broker (not supported yet).",
         .dynamic = true,
         .synonyms = {{"compression.type"}}},
        {.name = "delete.retention.ms",
         .type = int64,
         .default_value = "86400000",
         .min = 0,
         .doc = "How long tombstones stay in a compacted topic.",
         .dynamic = true,
         .synonyms = {{"log.cleaner.delete.retention.ms"}}},
        {.name = "file.delete.delay.ms",
         .type = int64,
         .default_value = "60000",
         .min = 0,
         .doc = "How long a deleted segment's files stay before they are removed.",
         .dynamic = true,
         .synonyms = {{"log.segment.delete.delay.ms"}}},
        {.name = "flush.messages",
         .type = int64,
         .default_value = long_max,
         .min = 1,
         .doc = "Flush the log after this many records.",
         .dynamic = true,
         .synonyms = {{"log.flush.interval.messages"}}},
        {.name = "flush.ms",
         .type = int64,
         .default_value = long_max,
         .min = 0,
         .doc = "Flush the log when its oldest unflushed record is this old.",
         .dynamic = true,
         .synonyms = {{"log.flush.interval.ms"}, {"log.flush.scheduler.interval.ms"}}},
        {.name = "index.interval.bytes",
         .type = int32,
         .default_value = "4096",
         .min = 0,
         .doc = "Bytes of log between two offset-index entries.",
         .dynamic = true,
         .synonyms = {{"log.index.interval.bytes"}}},
        {.name = "max.message.bytes",
         .type = int32,
         .default_value = "1048588",
         .min = 0,
         .doc = "The largest record batch the topic accepts (after compression).",
         .dynamic = true,
         .synonyms = {{"message.max.bytes"}}},
        {.name = "message.downconversion.enable",
         .type = boolean,
         .default_value = "true",
         .doc = "Whether old fetch versions get records down-converted to their format. No "
                "effect here: clickstream serves Fetch v4 and later only, which read "
                "RecordBatch v2 as stored.",
         .dynamic = true,
         .synonyms = {{"log.message.downconversion.enable"}}},
        {.name = "message.timestamp.difference.max.ms",
         .type = int64,
         .default_value = long_max,
         .min = 0,
         .doc = "With CreateTime, the largest difference allowed between a record's "
                "timestamp and the broker's clock; a record outside it fails the produce "
                "with INVALID_TIMESTAMP. Deprecated since Kafka 3.6: it stands in for "
                "message.timestamp.before.max.ms and message.timestamp.after.max.ms where "
                "those are unset.",
         .dynamic = true,
         .synonyms = {{"log.message.timestamp.difference.max.ms"}}},
        {.name = "message.timestamp.before.max.ms",
         .type = int64,
         .default_value = long_max,
         .min = 0,
         .doc = "With CreateTime, how far a record's timestamp may lie before the broker's "
                "clock (INVALID_TIMESTAMP beyond).",
         .dynamic = true,
         .synonyms = {{"log.message.timestamp.before.max.ms"}}},
        {.name = "message.timestamp.after.max.ms",
         .type = int64,
         .default_value = long_max,
         .min = 0,
         .doc = "With CreateTime, how far a record's timestamp may lie after the broker's "
                "clock (INVALID_TIMESTAMP beyond).",
         .dynamic = true,
         .synonyms = {{"log.message.timestamp.after.max.ms"}}},
        {.name = "message.timestamp.type",
         .type = string,
         .default_value = "CreateTime",
         .valid_values = {"CreateTime", "LogAppendTime"},
         .doc = "Whether record timestamps are the producer's (CreateTime) or the broker's "
                "at append (LogAppendTime).",
         .dynamic = true,
         .synonyms = {{"log.message.timestamp.type"}}},
        {.name = "min.cleanable.dirty.ratio",
         .type = float64,
         .default_value = "0.5",
         .min = 0,
         .max = 1,
         .doc = "The dirty share of a log above which it is compacted.",
         .dynamic = true,
         .synonyms = {{"log.cleaner.min.cleanable.ratio"}}},
        {.name = "min.compaction.lag.ms",
         .type = int64,
         .default_value = "0",
         .min = 0,
         .doc = "The minimum age of a record before compaction may remove it.",
         .dynamic = true,
         .synonyms = {{"log.cleaner.min.compaction.lag.ms"}}},
        {.name = "min.insync.replicas",
         .type = int32,
         .default_value = "1",
         .min = 1,
         .doc = "Replicas that must have a write before an acks=all produce succeeds.",
         .dynamic = true,
         .synonyms = {{"min.insync.replicas"}},
         .on_single_node = single_node::capped_at_one,
         .single_node_note = "a single node holds one copy of each partition, so 1 is the most "
                             "it can give"},
        {.name = "preallocate",
         .type = boolean,
         .default_value = "false",
         .doc = "Preallocate new segment files. No effect here: segments grow as written.",
         .dynamic = true,
         .synonyms = {{"log.preallocate"}}},
        {.name = "retention.bytes",
         .type = int64,
         .default_value = "-1",
         .doc = "Delete old segments while a partition is larger than this; -1 means no "
                "size limit.",
         .dynamic = true,
         .synonyms = {{"log.retention.bytes"}}},
        {.name = "retention.ms",
         .type = int64,
         .default_value = "604800000",
         .min = -1,
         .doc = "Delete segments whose newest record is older than this; -1 keeps them "
                "forever.",
         .dynamic = true,
         .synonyms = {{"log.retention.ms"},
                      {"log.retention.minutes", 60'000},
                      {"log.retention.hours", 3'600'000}}},
        {.name = "segment.bytes",
         .type = int32,
         .default_value = "1073741824",
         .min = 14,
         .doc = "A segment rolls when it would grow past this size.",
         .dynamic = true,
         .synonyms = {{"log.segment.bytes"}}},
        {.name = "segment.index.bytes",
         .type = int32,
         .default_value = "10485760",
         .min = 4,
         .doc = "The size an offset or time index is preallocated to; a full index rolls "
                "the segment.",
         .dynamic = true,
         .synonyms = {{"log.index.size.max.bytes"}}},
        {.name = "segment.ms",
         .type = int64,
         .default_value = "604800000",
         .min = 1,
         .doc = "A segment rolls when its first record is older than this.",
         .dynamic = true,
         .synonyms = {{"log.roll.ms"}, {"log.roll.hours", 3'600'000}}},
        {.name = "unclean.leader.election.enable",
         .type = boolean,
         .default_value = "false",
         .doc = "Allow a replica outside the ISR to become leader.",
         .dynamic = true,
         .synonyms = {{"unclean.leader.election.enable"}},
         .on_single_node = single_node::ignored,
         .single_node_note = "the only replica is always the leader"},
    };
}

}  // namespace

const registry& topic_registry() {
    static const registry reg("topic", topic_properties());
    return reg;
}

}  // namespace cs::config
