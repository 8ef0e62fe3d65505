#pragma once

// The S3 sink's output formats (format.class):
//   ParquetFormat: one flat column per top-level field of the value. With a
//     Connect schema (STRUCT value) the columns follow it; schemaless values
//     (maps) get a schema inferred from the first record: string, int64,
//     double, boolean, and TIMESTAMP(UTC, micros) for ISO-8601 strings in
//     timestamp.field or that look like date-times. Nested values are
//     written as JSON text.
//   JsonFormat: one JSON object per line (JsonConverter, schemas.enable=false
//     style), optionally gzip (s3.compression.type=gzip).
// A record that does not fit the open file's schema (a new field, another
// type) is refused with `false`, and the task rotates to a new file whose
// schema is the old file's widened by that record (new fields appended, a
// column whose type no longer fits retyped), so that a field that is null
// in the first record of a file costs one rotation, not one per file.
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
    // A writer whose schema (if any) is derived from `first` and, on a
    // schema rotation, from the writer of the file it replaces.
    virtual result<std::unique_ptr<record_writer>> open(
        const record& first, const record_writer* previous = nullptr) const = 0;
};

// format.class with parquet.codec / s3.compression.type / timestamp.field.
result<std::unique_ptr<record_format>> make_record_format(const config_map& config);

}  // namespace cs::connect::s3
