#pragma once

// Reads what a Parquet file's footer says about the whole file, without
// reading any page: the file ends with the Thrift compact FileMetaData, its
// 4-byte little-endian length and "PAR1" (parquet-format's File Format). Only
// num_rows (FileMetaData field 3) is decoded; every other field is skipped by
// its compact-protocol type, so files of any writer (pyarrow, DuckDB, Spark)
// read the same.

#include <cstdint>
#include <filesystem>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::formats::parquet {

// The rows of a FileMetaData footer (the bytes between the data and the
// length + magic). errc::corrupt when it is not a well-formed compact struct
// or has no num_rows.
result<int64_t> footer_num_rows(bytes_view footer);

// The rows of the file at path: errc::io when it cannot be read,
// errc::corrupt when it is no Parquet file.
result<int64_t> file_num_rows(const std::filesystem::path& path);

}  // namespace cs::formats::parquet
