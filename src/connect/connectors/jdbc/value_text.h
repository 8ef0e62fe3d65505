#pragma once

// Text forms of Connect values as the databases accept them: Decimal bytes
// as a plain decimal number, Date/Time/Timestamp in ISO form (UTC), and any
// value as JSON text (nested maps, lists and structs go into JSON/JSONB
// columns). Shared by the sink (binding) and the source (parsing back).

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "connect/data.h"

namespace cs::connect::jdbc {

// Big-endian two's complement unscaled value and a scale -> "-123.45".
std::string decimal_text(std::string_view unscaled_be, int scale);
// Days since 1970-01-01 -> "YYYY-MM-DD".
std::string date_text(int64_t days);
// Milliseconds of the day -> "HH:MM:SS.mmm".
std::string time_text(int64_t ms_of_day);
// Milliseconds since the epoch -> "YYYY-MM-DD HH:MM:SS.mmm" (UTC, no zone).
std::string timestamp_text(int64_t epoch_ms);
// Any value as JSON (struct fields by name, bytes as base64, maps with
// non-string keys as [[k, v], ...]).
std::string json_text(const data& d);

// The inverse of the above, for values read back from a database.
result<int64_t> parse_date(std::string_view s);       // "YYYY-MM-DD" -> days
result<int64_t> parse_time(std::string_view s);       // "HH:MM:SS[.fff]" -> ms
result<int64_t> parse_timestamp(std::string_view s);  // "YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|+hh]"
// "-123.45" with a given scale -> big-endian two's complement unscaled bytes.
result<std::string> decimal_bytes(std::string_view text, int scale);

}  // namespace cs::connect::jdbc
