#pragma once

// The subset of Java's SimpleDateFormat patterns TimestampConverter users
// write, always in UTC (as Connect's TimestampConverter sets): y, M (MM,
// MMM, MMMM), d, H, h, a, m, s, S, E (EEE, EEEE), Z, X (X, XX, XXX), z and
// 'quoted text'. Other ASCII letters are rejected when the pattern is
// compiled, so a config with an unsupported pattern fails at start.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cs::connect::smt {

class date_format {
  public:
    static result<date_format> compile(std::string_view pattern);
    std::string format(int64_t epoch_ms) const;
    // The instant the text names (fields it lacks default to 1970-01-01
    // 00:00:00.000 UTC, as SimpleDateFormat's do).
    result<int64_t> parse(std::string_view text) const;

  private:
    struct element {
        char letter = 0;  // 0: literal text
        int count = 0;
        std::string literal;
    };
    std::vector<element> elements_;
    std::string pattern_;
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);

}  // namespace cs::connect::smt
