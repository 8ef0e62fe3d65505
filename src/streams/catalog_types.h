#pragma once

// What a CREATE STREAM / CREATE TABLE defines: a named source over a Kafka
// topic, its columns and serialization. Shared by the statement engine
// (which creates and persists them), the planner (which binds column names
// against them) and the runtime (which reads and writes records with them).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "streams/types.h"

namespace cs::streams {

enum class source_kind { stream, table };

// Where a column's value comes from in a Kafka record.
enum class column_origin {
    value,    // a field of the record value
    key,      // KEY (stream) or PRIMARY KEY (table): the record key
    headers,  // HEADERS: ARRAY<STRUCT<KEY STRING, VALUE BYTES>> of all headers
    header,   // HEADER('name'): the last header with that key, BYTES
};

struct column_def {
    std::string name;  // already case-normalized: unquoted -> upper, backticked kept
    sql_type type;
    column_origin origin = column_origin::value;
    std::string header_key;  // column_origin::header only
    // NOT NULL (clickstream extension, as Flink SQL's DDL): a record without
    // a value for the column fails decoding and goes to the dead-letter topic.
    bool not_null = false;
};

// Serialization formats (ksqlDB's names). AVRO, PROTOBUF and JSON_SR parse
// but are rejected with "not supported yet" before anything is written.
enum class data_format { json, delimited, kafka, none };

struct format_options {
    data_format format = data_format::json;
    char delimiter = ',';           // VALUE_DELIMITER, DELIMITED only
    bool wrap_single_value = true;  // WRAP_SINGLE_VALUE
};

struct source_def {
    std::string name;
    source_kind kind = source_kind::stream;
    std::string topic;
    std::vector<column_def> columns;  // key columns first, as ksqlDB orders them
    format_options key_format{.format = data_format::kafka};
    format_options value_format;
    std::optional<std::string> timestamp_column;  // TIMESTAMP=...
    std::optional<std::string> timestamp_format;  // TIMESTAMP_FORMAT=... (Java pattern)
    int32_t partitions = 0;                       // as created / found; 0 = unknown
    int16_t replicas = 0;
    std::string sql;         // the statement text that defined it
    bool is_source = false;  // CREATE SOURCE STREAM/TABLE: read-only
    // A windowed table (WINDOW TUMBLING/HOPPING): "TUMBLING" or "HOPPING";
    // its keys end with the 8-byte window start. Empty: not windowed.
    std::string window_type;

    const column_def* find_column(std::string_view n) const {
        for (const auto& c : columns) {
            if (c.name == n) {
                return &c;
            }
        }
        return nullptr;
    }
};

}  // namespace cs::streams
