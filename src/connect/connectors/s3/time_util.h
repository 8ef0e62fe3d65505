#pragma once

// Time helpers of the S3 sink: ISO-8601 parsing (timestamp fields), civil
// date arithmetic and Joda-Time path.format patterns ('year'=YYYY/'month'=MM/...)
// as TimeBasedPartitioner uses them. Time zones are base/time_zone.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cs::connect::s3 {

struct civil_time {
    int64_t year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31
    int hour = 0;
    int minute = 0;
    int second = 0;
};

int64_t days_from_civil(int64_t y, int m, int d);
civil_time civil_from_ms(int64_t ms);  // UTC fields of ms since epoch

// "2025-01-15T13:45:10.123456Z", "2025-01-15 13:45:10+01:00", "2025-01-15"
// (a missing zone means UTC) -> microseconds since the epoch. nullopt when
// the text is not ISO-8601 as a whole.
std::optional<int64_t> parse_iso8601_micros(std::string_view text);

// A compiled Joda-Time pattern. Supported letters: Y/y (year), M (month;
// MMM/MMMM names in English), d (day), H (hour), m (minute), s (second);
// quoted literals ('' is a quote); every other non-letter is copied.
class joda_pattern {
  public:
    static result<joda_pattern> compile(std::string_view pattern);
    std::string format(const civil_time& t) const;
    // Duration of the finest unit the pattern prints (day for Y/M/d).
    int64_t finest_unit_ms() const { return finest_ms_; }

  private:
    struct token {
        char letter = 0;  // 0 = literal
        int width = 0;
        std::string literal;
    };
    std::vector<token> tokens_;
    int64_t finest_ms_ = 0;
};

}  // namespace cs::connect::s3
