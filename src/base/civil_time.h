#pragma once

// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil /
// civil_from_days algorithms), used by the time zones, time functions and formats so no
// code depends on the C library's time zone state.

#include <cstdint>

namespace cs::civil {

struct date {
    int64_t year = 1970;
    int32_t month = 1;  // 1..12
    int32_t day = 1;    // 1..31
};

constexpr int64_t days_from_civil(int64_t y, int32_t m, int32_t d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

constexpr date civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int32_t d = static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1);
    const int32_t m = static_cast<int32_t>(mp < 10 ? mp + 3 : mp - 9);
    return date{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int32_t days_in_month(int64_t y, int32_t m) {
    constexpr int32_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Floor division for negative epoch values.
constexpr int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}
constexpr int64_t floor_mod(int64_t a, int64_t b) {
    return a - floor_div(a, b) * b;
}

// 0 = Monday ... 6 = Sunday (ISO), for days since the epoch (a Thursday).
constexpr int32_t weekday(int64_t days) {
    return static_cast<int32_t>(floor_mod(days + 3, 7));
}

}  // namespace cs::civil
