#pragma once

// DECIMAL arithmetic helpers on decimal_value (an int128 unscaled value and a
// scale), following java.math.BigDecimal as ksqlDB uses it: rounding is
// HALF_UP, a value that needs more than its precision is an overflow error.
// DECIMAL precision is at most 38 digits, which int128 holds (10^38 < 2^127).

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "streams/value.h"

namespace cs::streams::decimal {

__extension__ typedef unsigned __int128 uint128;

inline constexpr int32_t max_precision = 38;

// 10^n for 0 <= n <= 38.
int128 pow10(int32_t n);
// Number of decimal digits of |v| (1 for 0).
int32_t digit_count(int128 v);

// v with `scale` fraction digits, rounded HALF_UP when digits are dropped.
// errc::invalid_argument when the result needs more than `precision` digits
// (or more than 38 while scaling up).
result<decimal_value> rescale(const decimal_value& v, int32_t scale, int32_t precision);

// Whether v fits DECIMAL(precision, v.scale).
bool fits(const decimal_value& v, int32_t precision);

// A decimal literal: optional sign, digits with an optional point, optional
// exponent ("1.5", "-.25", "1E+3"). The scale is the number of fraction digits
// (after applying the exponent; never negative). Leading/trailing spaces allowed.
result<decimal_value> parse(std::string_view text);

double to_double(const decimal_value& v);
// Integer part, truncated toward zero (BigDecimal.longValue keeps the low 64 bits).
int128 truncate(const decimal_value& v);

// -1, 0, 1 comparing a and b numerically (scales may differ).
int compare(const decimal_value& a, const decimal_value& b);

}  // namespace cs::streams::decimal
