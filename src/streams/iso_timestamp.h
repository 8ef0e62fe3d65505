#pragma once

// The timestamp text ksqlDB accepts where a TIMESTAMP is written as a string
// (CAST('...' AS TIMESTAMP), comparisons of TIMESTAMP with STRING literals):
// "yyyy-MM-dd['T'HH:mm[:ss[.S...]]][offset]", with any suffix after the
// date optional, a space accepted for 'T', and the offset "Z", "+HH", "+HHmm"
// or "+HH:mm". Without an offset the time is UTC.

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "streams/value.h"

namespace cs::streams {

// Milliseconds since the epoch; errc::invalid_argument on malformed text.
result<int64_t> parse_iso_timestamp(std::string_view text);

// DATE and TIME text as ksqlDB's SqlTimeTypes reads it (CAST, comparisons
// with strings). "yyyy-MM-dd" (LocalDate.parse), with ksqlDB's partials:
// "yyyy-MM" is the first of the month, "yyyy" the first of January.
// errc::invalid_argument naming the text otherwise.
result<date_days> parse_sql_date(std::string_view text);
// "HH:mm", "HH:mm:ss" or "HH:mm:ss.fffffffff" (LocalTime.parse); the
// fraction is cut to milliseconds.
result<time_ms> parse_sql_time(std::string_view text);

}  // namespace cs::streams
