#pragma once

// DATE and TIME as text and their conversions, as ksqlDB's SqlTimeTypes:
// what CAST(... AS STRING) writes (the text CAST(... AS DATE/TIME) and a
// comparison with a string read is parsed by iso_timestamp.h). DATE is days since 1970-01-01, TIME
// milliseconds of the day (value.h); both are UTC, as ksqlDB's server runs them.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "streams/iso_timestamp.h"
#include "streams/value.h"

namespace cs::streams {

inline constexpr int64_t millis_per_day = 86'400'000;

// LocalDate.toString: "2020-05-26" ("+12345-01-01" past year 9999).
std::string sql_date_text(date_days d);
// LocalTime.ofSecondOfDay(seconds).toString, as CAST(time AS STRING):
// "HH:mm" when the seconds are 0, else "HH:mm:ss"; milliseconds dropped.
// An error for the end of the day (86'400'000), which LocalTime refuses.
result<std::string> sql_time_text(time_ms t);
// java.sql.Time.toString, how a TIME inside an ARRAY/MAP/STRUCT is printed:
// always "HH:mm:ss".
std::string java_sql_time_text(time_ms t);

// The UTC day of a timestamp and the timestamp of a day's midnight.
date_days timestamp_to_date(timestamp_ms t);
time_ms timestamp_to_time(timestamp_ms t);
inline int64_t date_to_millis(date_days d) {
    return int64_t{d.days} * millis_per_day;
}

}  // namespace cs::streams
