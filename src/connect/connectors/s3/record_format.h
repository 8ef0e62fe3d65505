#pragma once

// The S3 sink's output formats (format.class):
//   ParquetFormat: one column per field of the value. With a Connect schema
//     (STRUCT value) the columns follow it, typed as Confluent's S3 sink
//     (AvroData + parquet-avro) types them: REQUIRED for non-optional
//     fields, FLOAT for float32, DECIMAL, DATE, TIME_MILLIS and
//     TIMESTAMP_MILLIS for Connect's logical types, struct fields as Parquet
//     groups, arrays as 3-level LISTs and maps with primitive keys as MAPs
//     (other maps as JSON text; docs/connect.md). Schemaless values
//     (maps) are held until the file has min(flush.size, 10000) records (or
//     is finished), and the columns are the union of their fields: string,
//     int64, double, boolean, and TIMESTAMP(UTC, micros) for ISO-8601
//     strings in timestamp.field or that look like date-times; a field
//     whose values disagree widens (int64 -> double, else JSON text); a
//     field that is null in every held record has no column. Arrays of one
//     primitive type (strings, booleans or numbers) are LISTs; other nested
//     values are written as JSON text.
//   JsonFormat: one JSON object per line (JsonConverter, schemas.enable=false
//     style), optionally gzip (s3.compression.type=gzip).
// A record that does not fit the open file (another Connect schema, or a
// schemaless field outside the file's columns after they were fixed) is
// refused with `false`, and the task rotates to a new file that starts with
// it. A file's layout depends only on its own records, so a replay rebuilds
// identical files.
//
// A record_writer holds one whole object in memory until finish().

#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "connect/plugin.h"
#include "connect/record.h"

namespace cs::connect::s3 {

class record_writer {
  public:
    virtual ~record_writer() = default;
    // true: written; false: needs another schema (nothing was written);
    // error: the record can never be written (errant record).
    virtual result<bool> write(const record& r) = 0;
    virtual size_t buffered_bytes() const = 0;
    // The whole object. Once only.
    virtual result<bytes> finish() = 0;
};

class record_format {
  public:
    virtual ~record_format() = default;
    virtual std::string extension() const = 0;  // ".snappy.parquet", ".json.gz", ...
    // A writer for a file that will start with `first`.
    virtual result<std::unique_ptr<record_writer>> open(const record& first) const = 0;
};

// format.class with parquet.codec / s3.compression.type / timestamp.field
// (and flush.size for ParquetFormat's schema sample).
result<std::unique_ptr<record_format>> make_record_format(const config_map& config);

}  // namespace cs::connect::s3
