#pragma once

// The timestamp text ksqlDB accepts where a TIMESTAMP is written as a string
// (CAST('...' AS TIMESTAMP), comparisons of TIMESTAMP with STRING literals):
// "yyyy-MM-dd['T'HH:mm[:ss[.S...]]][offset]", with any suffix after the
// date optional, a space accepted for 'T', and the offset "Z", "+HH", "+HHmm"
// or "+HH:mm". Without an offset the time is UTC.

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace cs::streams {

// Milliseconds since the epoch; errc::invalid_argument on malformed text.
result<int64_t> parse_iso_timestamp(std::string_view text);

}  // namespace cs::streams
