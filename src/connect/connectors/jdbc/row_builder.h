#pragma once

// Turns one sink record into one table row: the destination table, the
// columns (name, SQL-independent type, nullability, whether part of the
// primary key) and the bound values, following Confluent's FieldsMetadata
// rules for pk.mode/pk.fields/fields.whitelist. Works with schema'd records
// (Struct values/keys) and with schemaless ones (maps from JsonConverter
// with schemas.enable=false), whose column types are inferred from values.
//
// A record that cannot supply what the config needs (a key without the
// pk.fields, a non-map value) yields an error whose message is the reason
// reported for the errant record.

#include <string>
#include <vector>

#include "base/result.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/sink_config.h"
#include "connect/record.h"

namespace cs::connect::jdbc {

enum class col_type {
    int16,
    int32,
    int64,
    float32,
    float64,
    boolean,
    text,
    bytes,
    decimal,
    date,
    time,
    timestamp,
    json,
    unknown,  // schemaless null: TEXT when a column must be created
};

struct column_spec {
    std::string name;
    col_type type = col_type::text;
    bool optional = true;
    bool key = false;
    int key_pos = 0;  // position in the primary key (pk.fields order)
};

enum class row_op { write, remove };

struct row {
    row_op op = row_op::write;
    table_id table;
    std::vector<column_spec> columns;  // key columns flagged; remove: key columns only
    std::vector<sql_param> values;     // parallel to columns
};

// The table for a topic: table.name.format with ${topic} replaced, split
// as [catalog.][schema.]table (the catalog is ignored).
table_id table_for_topic(const sink_config& c, const std::string& topic);

result<row> build_row(const sink_config& c, const record& r);

}  // namespace cs::connect::jdbc
