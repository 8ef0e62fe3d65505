#pragma once

// Constructors of the concrete formats (record_format.cc dispatches).

#include <memory>
#include <string>

#include "connect/connectors/s3/record_format.h"
#include "formats/parquet/types.h"

namespace cs::connect::s3 {

std::unique_ptr<record_format> make_json_format(bool gzip);
std::unique_ptr<record_format> make_parquet_format(formats::parquet::compression codec,
                                                   std::string codec_name,
                                                   std::string timestamp_field, size_t sample_rows);

}  // namespace cs::connect::s3
