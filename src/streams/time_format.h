#pragma once

// Java DateTimeFormatter patterns (the subset ksqlDB users write) for
// PARSE_TIMESTAMP, FORMAT_TIMESTAMP, TIMESTAMPTOSTRING, STRINGTOTIMESTAMP and
// the TIMESTAMP_FORMAT source property.
//
// Supported letters: y (yyyy, yy = 2000-2099, y...), M/MM/MMM/MMMM (month
// number or English name), d/dd, D (day of year), H/HH, h/hh + a (AM/PM),
// k, K, m/mm, s/ss, S... (fraction, as many digits as letters: parse reads
// exactly that many), E/EEE/EEEE (English day name; checked on parse only for
// well-formedness), X/XX/XXX (offset, 'Z' for zero), x/xx/xxx, Z/ZZ/ZZZ (+HHMM),
// VV (zone id), 'literal' with '' for a quote, and any of " -/:.,T" as
// literals. Unsupported letters are errors at compile time, not surprises
// at run time.
//
// A compiled pattern is immutable and thread-safe; compile it once per
// pattern (the functions cache it per call site).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time_zone.h"

namespace cs::streams {

class time_format {
  public:
    // errc::invalid_argument naming the pattern and the offending letter.
    static result<time_format> compile(std::string_view pattern);

    // epoch milliseconds rendered in `zone`.
    std::string format(int64_t epoch_ms, const time_zone& zone) const;
    void format_to(std::string& out, int64_t epoch_ms, const time_zone& zone) const;

    // Epoch milliseconds of `text`. A zone/offset in the text wins over
    // `zone`. Missing fields default as java.time does for ksqlDB's
    // PARSE_TIMESTAMP: year 1970, month 1, day 1, time 00:00:00.000.
    // errc::invalid_argument naming the text and pattern on mismatch.
    result<int64_t> parse(std::string_view text, const time_zone& zone) const;

    const std::string& pattern() const { return pattern_; }
    // The first pattern letter among `letters` the pattern uses, or 0.
    char uses_any(std::string_view letters) const;

    struct field {
        char letter = 0;  // 0: literal text
        int count = 0;
        std::string literal;
    };

  private:
    std::string pattern_;
    std::vector<field> fields_;
};

}  // namespace cs::streams
