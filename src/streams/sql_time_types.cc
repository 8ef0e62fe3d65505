#include "streams/sql_time_types.h"

#include <fmt/format.h>

#include "base/civil_time.h"

namespace cs::streams {

std::string sql_date_text(date_days d) {
    const civil::date c = civil::civil_from_days(d.days);
    std::string year;
    if (c.year < 0 && c.year > -1000) {
        year = fmt::format("-{:04}", -c.year);
    } else if (c.year > 9999) {
        year = fmt::format("+{}", c.year);
    } else {
        year = fmt::format("{:04}", c.year);
    }
    return fmt::format("{}-{:02}-{:02}", year, c.month, c.day);
}

result<std::string> sql_time_text(time_ms t) {
    if (t.millis < 0 || t.millis >= millis_per_day) {
        return error{errc::invalid_argument,
                     fmt::format("Invalid value for SecondOfDay: {} (valid values 0 - 86399)",
                                 t.millis / 1000)};
    }
    const int32_t s = t.millis / 1000;
    if (s % 60 == 0) {
        return fmt::format("{:02}:{:02}", s / 3600, s / 60 % 60);
    }
    return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

std::string java_sql_time_text(time_ms t) {
    const int64_t s = civil::floor_div(t.millis, 1000);
    const int64_t sod = civil::floor_mod(s, 86400);
    return fmt::format("{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60);
}

date_days timestamp_to_date(timestamp_ms t) {
    return date_days{static_cast<int32_t>(civil::floor_div(t.millis, millis_per_day))};
}

time_ms timestamp_to_time(timestamp_ms t) {
    return time_ms{static_cast<int32_t>(civil::floor_mod(t.millis, millis_per_day))};
}

}  // namespace cs::streams
