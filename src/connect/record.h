#pragma once

// One record as it moves through Connect: converted from Kafka bytes (sink
// side) or produced by a source task, then through the SMT chain. The raw
// bytes are kept on the sink side so a record that cannot be written can go
// to the dead-letter topic exactly as it arrived.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connect/data.h"

namespace cs::connect {

struct header {
    std::string key;
    std::optional<std::string> value;  // raw bytes; nullopt = null header value
};

enum class timestamp_type { none, create_time, log_append_time };

struct record {
    std::string topic;
    std::optional<int32_t> partition;  // sink: the Kafka partition; source: chosen or unset
    std::optional<int64_t> timestamp;  // ms since epoch
    timestamp_type ts_type = timestamp_type::create_time;
    schema_ptr key_schema;  // null = schemaless
    data key;
    schema_ptr value_schema;  // null = schemaless
    data value;               // null value = tombstone (delete in sinks that support it)
    std::vector<header> headers;

    // Sink side: where the record was read from, and its original bytes.
    int64_t kafka_offset = -1;
    std::optional<std::string> raw_key;
    std::optional<std::string> raw_value;

    // Source side: Connect's sourcePartition / sourceOffset maps.
    data source_partition;
    data source_offset;
};

}  // namespace cs::connect
