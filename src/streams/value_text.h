#pragma once

// A value as ksqlDB prints it in CAST(x AS STRING), SHOW/DESCRIBE output and
// the CLI: DOUBLE as Java's Double.toString ("1.0", "1.0E10"), DECIMAL with
// its scale ("1.50"), TIMESTAMP as ISO "yyyy-MM-ddTHH:mm:ss.SSS" (UTC), DATE
// "yyyy-MM-dd", TIME "HH:mm[:ss]" ("HH:mm:ss" inside a container; see
// sql_time_types.h),
// BYTES as base64, ARRAY "[1, 2]", MAP "{k=v}", STRUCT "Struct{A=1,B=x}"
// (Kafka Connect's Struct.toString). NULL renders as "null".

#include <cstdint>
#include <string>

#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams {

std::string value_text(const value& v, const sql_type& t);
void append_value_text(std::string& out, const value& v, const sql_type& t);

// Java's Double.toString: shortest round-trip digits, scientific notation
// outside [1e-3, 1e7), "NaN", "Infinity", "-Infinity".
std::string double_text(double d);
// BigDecimal.toPlainString: unscaled digits with `scale` fraction digits.
std::string decimal_text(const decimal_value& d);
// "2019-04-01T12:00:00.000" (UTC, always with milliseconds).
std::string timestamp_text(timestamp_ms t);
// Standard base64 with padding.
std::string base64_text(const std::string& bytes);

}  // namespace cs::streams
