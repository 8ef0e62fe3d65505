#pragma once

// Writes one Parquet file to a byte_sink: "PAR1", row groups, then the
// FileMetaData footer, its 4-byte little-endian length and "PAR1".
//
//   auto w = file_writer::open(sink, {column_spec::string("event", repetition::required),
//                                     column_spec::timestamp_micros("ts")}, options);
//   w->put_string(0, "click");
//   w->put_int64(1, micros);   // or w->put_null(1)
//   w->end_row();
//   ...
//   w->close();
//
// Each row puts exactly one value (or null) into every column, in any
// order, then end_row(). end_row() cuts a row group when the row group's
// estimated size in the file (compressed pages so far, plus the open pages
// and dictionaries uncompressed) reaches row_group_bytes, or when it holds
// row_group_rows rows; the whole row group is then appended to the sink in one go, column
// chunk after column chunk. buffered_bytes() is the memory the writer holds
// for the open row group, which callers with many open files cap by calling
// flush_row_group() early.
//
// One thread at a time (no internal locking).
//
// Lists and maps: a column under REPEATED groups (column_spec::groups, the
// LIST and MAP structures) takes any number of level entries per row
// through column(i): the first starts the row, repeat() before a put
// continues it (see column_writer.h). end_row() then counts the entries at
// repetition level 0, which must be exactly one per row as for any column.
//
// Scope: primitive columns, possibly inside REQUIRED/OPTIONAL/REPEATED
// groups (column_spec::groups; levels up to 255); data pages v1; no page
// index, bloom filters or encryption. After an error the writer is unusable
// and the file incomplete.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "formats/parquet/byte_sink.h"
#include "formats/parquet/column_writer.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/page_compressor.h"
#include "formats/parquet/types.h"

namespace cs::formats::parquet {

struct writer_options {
    compression codec = compression::snappy;
    uint64_t row_group_bytes = 64ULL << 20;
    uint64_t row_group_rows = 0;  // 0: no row limit
    column_options column;
    std::string created_by;  // default "clickstream version <project version>"
    std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

class file_writer {
  public:
    static result<std::unique_ptr<file_writer>> open(byte_sink& sink, schema columns,
                                                     writer_options options = {});
    ~file_writer();
    file_writer(const file_writer&) = delete;
    file_writer& operator=(const file_writer&) = delete;

    const schema& columns() const { return columns_; }
    // The hot path: keep the reference and put straight into it.
    column_writer& column(size_t i) { return *writers_[i]; }

    void put_null(size_t col) { writers_[col]->put_null(); }
    void put_bool(size_t col, bool v) { writers_[col]->put_bool(v); }
    void put_int32(size_t col, int32_t v) { writers_[col]->put_int32(v); }
    void put_int64(size_t col, int64_t v) { writers_[col]->put_int64(v); }
    void put_float(size_t col, float v) { writers_[col]->put_float(v); }
    void put_double(size_t col, double v) { writers_[col]->put_double(v); }
    void put_string(size_t col, std::string_view v) { writers_[col]->put_bytes(as_bytes(v)); }
    void put_bytes(size_t col, bytes_view v) { writers_[col]->put_bytes(v); }

    // Ends the row; errors if a column did not get exactly one value.
    status end_row();
    // Writes the open row group now (nothing when it has no rows).
    status flush_row_group();
    // Flushes, writes the footer and finishes the sink. Once only.
    status close();

    size_t buffered_bytes() const;
    uint64_t rows() const { return rows_; }
    uint64_t row_groups() const { return row_groups_; }
    uint64_t bytes_written() const { return static_cast<uint64_t>(offset_); }

  private:
    file_writer(byte_sink& sink, schema columns, writer_options options);

    byte_sink& sink_;
    schema columns_;
    writer_options options_;
    page_compressor compressor_;
    std::vector<std::unique_ptr<column_writer>> writers_;
    std::vector<row_group_meta> groups_;
    uint64_t rows_ = 0;
    uint64_t row_groups_ = 0;
    int64_t group_rows_ = 0;
    int64_t offset_ = 0;  // bytes appended to the sink
    bool closed_ = false;
    status error_;
};

}  // namespace cs::formats::parquet
