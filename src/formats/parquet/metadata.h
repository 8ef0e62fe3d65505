#pragma once

// Serialises Parquet's Thrift structures (field ids from parquet.thrift):
// PageHeader for data pages v1 and dictionary pages, and the FileMetaData
// footer with the schema (root group + one leaf per column), row groups,
// column chunks, statistics, created_by, key/value metadata and one
// ColumnOrder TYPE_ORDER per column.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "formats/parquet/stats.h"
#include "formats/parquet/types.h"

namespace cs::formats::parquet {

// What the footer records about one column chunk.
struct chunk_meta {
    physical_type type = physical_type::byte_array;
    std::vector<encoding> encodings;
    compression codec = compression::none;
    int64_t num_values = 0;               // including nulls
    int64_t total_uncompressed_size = 0;  // page headers included
    int64_t total_compressed_size = 0;    // page headers included
    int64_t data_page_offset = 0;         // first data page, after any dictionary page
    std::optional<int64_t> dictionary_page_offset;
    int32_t dictionary_data_pages = 0;  // data pages with RLE_DICTIONARY values
    int32_t plain_data_pages = 0;       // data pages with PLAIN values
    value_stats stats{physical_type::byte_array};
};

struct row_group_meta {
    std::vector<chunk_meta> columns;
    int64_t num_rows = 0;
    int64_t file_offset = 0;  // first page of the row group
    int64_t total_byte_size = 0;
    int64_t total_compressed_size = 0;
};

struct data_page_info {
    int32_t num_values = 0;
    encoding values_encoding = encoding::plain;
    int32_t uncompressed_size = 0;
    int32_t compressed_size = 0;
    const value_stats* stats = nullptr;
};

void write_data_page_header(const data_page_info& page, size_t max_stat_bytes, bytes& out);
void write_dictionary_page_header(int32_t num_values, int32_t uncompressed_size,
                                  int32_t compressed_size, bytes& out);

struct file_meta_input {
    const schema* columns = nullptr;
    const std::vector<row_group_meta>* row_groups = nullptr;
    int64_t num_rows = 0;
    std::string created_by;
    std::vector<std::pair<std::string, std::string>> key_value_metadata;
    size_t max_stat_bytes = 4096;
};

// The FileMetaData struct (without the trailing length and magic).
bytes encode_file_metadata(const file_meta_input& in);

}  // namespace cs::formats::parquet
