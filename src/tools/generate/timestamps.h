#pragma once

// UTC timestamps as the events carry them ("2026-01-05T09:30:00.250Z") and
// the --start-time forms a user types. Pure integer calendar arithmetic
// (proleptic Gregorian), no time zone database and no locale.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cs::tools::gen {

// Appends epoch milliseconds as ISO-8601 UTC with milliseconds.
void append_iso8601_ms(std::string& out, int64_t epoch_ms);
std::string format_iso8601_ms(int64_t epoch_ms);
// "2026-01-05" (the UTC date of epoch_ms).
std::string format_date(int64_t epoch_ms);

// Epoch milliseconds from "1767225600000" (epoch ms, all digits) or ISO-8601:
// "2026-01-01", "2026-01-01T10:00", "2026-01-01T10:00:00", with optional
// fraction ".123" and zone "Z", "+02:00", "-0530" (no zone: UTC).
result<int64_t> parse_start_time(std::string_view text);

}  // namespace cs::tools::gen
