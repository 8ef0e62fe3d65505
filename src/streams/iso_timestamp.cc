#include "streams/iso_timestamp.h"

#include <limits>

#include <fmt/format.h>

#include "base/civil_time.h"

namespace cs::streams {

namespace {

// Reads exactly n digits at pos.
bool digits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
    if (pos + n > s.size()) {
        return false;
    }
    out = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        out = out * 10 + (c - '0');
    }
    pos += n;
    return true;
}

// The 1 to 9 digits of a fraction of a second at pos, as milliseconds
// (digits past the third cut).
bool fraction_millis(std::string_view s, size_t& pos, int64_t& millis) {
    const size_t start = pos;
    int64_t scale = 100;
    millis = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        millis += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
    }
    return pos != start && pos - start <= 9;
}

// PartialStringToTimestampParser.completeDate: the pieces of a String.split
// on '-' (trailing empty pieces dropped) decide what is missing.
std::string complete_date(std::string_view text) {
    size_t end = text.size();
    while (end > 0 && text[end - 1] == '-') {
        --end;
    }
    size_t parts = 1;
    for (size_t i = 0; i < end; ++i) {
        parts += text[i] == '-' ? 1 : 0;
    }
    std::string out(text);
    if (end == 0) {
        parts = 1;  // "" and "---" split into one empty piece
    }
    if (parts == 1) {
        out += "-01-01";
    } else if (parts == 2) {
        out += "-01";
    }
    return out;
}

}  // namespace

result<int64_t> parse_iso_timestamp(std::string_view text) {
    auto bad = [&] {
        return error{
            errc::invalid_argument,
            fmt::format("'{}' is not a timestamp (expected yyyy-MM-ddTHH:mm:ss.SSS)", text)};
    };
    std::string_view s = text;
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
        s.remove_suffix(1);
    }
    size_t pos = 0;
    int64_t year = 0;
    int64_t month = 1;
    int64_t day = 1;
    int64_t hour = 0;
    int64_t minute = 0;
    int64_t second = 0;
    int64_t millis = 0;
    if (!digits(s, pos, 4, year)) {
        return bad();
    }
    if (pos < s.size() && s[pos] == '-') {
        ++pos;
        if (!digits(s, pos, 2, month)) {
            return bad();
        }
        if (pos < s.size() && s[pos] == '-') {
            ++pos;
            if (!digits(s, pos, 2, day)) {
                return bad();
            }
        }
    }
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
        ++pos;
        if (!digits(s, pos, 2, hour)) {
            return bad();
        }
        if (pos < s.size() && s[pos] == ':') {
            ++pos;
            if (!digits(s, pos, 2, minute)) {
                return bad();
            }
            if (pos < s.size() && s[pos] == ':') {
                ++pos;
                if (!digits(s, pos, 2, second)) {
                    return bad();
                }
                if (pos < s.size() && s[pos] == '.' && !fraction_millis(s, ++pos, millis)) {
                    return bad();
                }
            }
        }
    }
    int64_t offset = 0;
    if (pos < s.size()) {
        if (s[pos] == 'Z' && pos + 1 == s.size()) {
            ++pos;
        } else if (s[pos] == '+' || s[pos] == '-') {
            const int64_t sign = s[pos] == '-' ? -1 : 1;
            ++pos;
            int64_t oh = 0;
            int64_t om = 0;
            if (!digits(s, pos, 2, oh)) {
                return bad();
            }
            if (pos < s.size() && s[pos] == ':') {
                ++pos;
            }
            if (pos < s.size() && !digits(s, pos, 2, om)) {
                return bad();
            }
            if (oh > 18 || om > 59) {
                return bad();
            }
            offset = sign * (oh * 3600 + om * 60);
        }
    }
    if (pos != s.size() || month < 1 || month > 12 || day < 1 ||
        day > civil::days_in_month(year, static_cast<int32_t>(month)) || hour > 23 || minute > 59 ||
        second > 59) {
        return bad();
    }
    const int64_t days =
        civil::days_from_civil(year, static_cast<int32_t>(month), static_cast<int32_t>(day));
    return ((days * 86400 + hour * 3600 + minute * 60 + second) - offset) * 1000 + millis;
}

result<date_days> parse_sql_date(std::string_view text) {
    auto bad = [&] {
        return error{errc::invalid_argument,
                     fmt::format("Failed to parse date '{}': required format is \"yyyy-MM-dd\", "
                                 "for example '2020-05-26' (partials such as '2020-05' too)",
                                 text)};
    };
    const std::string s = complete_date(text);
    size_t pos = 0;
    // ISO_LOCAL_DATE's year: four digits, or more with a sign.
    bool negative = false;
    bool sign = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        sign = true;
        ++pos;
    }
    const size_t year_start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        ++pos;
    }
    const size_t year_digits = pos - year_start;
    if (year_digits < 4 || year_digits > 10 || (year_digits > 4 && !sign)) {
        return bad();
    }
    int64_t year = 0;
    size_t p = year_start;
    digits(s, p, year_digits, year);
    year = negative ? -year : year;
    int64_t month = 0;
    int64_t day = 0;
    if (pos >= s.size() || s[pos] != '-') {
        return bad();
    }
    ++pos;
    if (!digits(s, pos, 2, month) || pos >= s.size() || s[pos] != '-') {
        return bad();
    }
    ++pos;
    if (!digits(s, pos, 2, day) || pos != s.size() || month < 1 || month > 12 || day < 1 ||
        day > civil::days_in_month(year, static_cast<int32_t>(month))) {
        return bad();
    }
    const int64_t days =
        civil::days_from_civil(year, static_cast<int32_t>(month), static_cast<int32_t>(day));
    if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
        return bad();
    }
    return date_days{static_cast<int32_t>(days)};
}

result<time_ms> parse_sql_time(std::string_view text) {
    auto bad = [&] {
        return error{errc::invalid_argument,
                     fmt::format("Failed to parse time '{}': required format is \"HH:mm:ss.SSS\", "
                                 "for example '01:34:20.123' or '01:34:20' (or '01:34')",
                                 text)};
    };
    size_t pos = 0;
    int64_t hour = 0;
    int64_t minute = 0;
    int64_t second = 0;
    int64_t millis = 0;
    if (!digits(text, pos, 2, hour) || pos >= text.size() || text[pos] != ':') {
        return bad();
    }
    ++pos;
    if (!digits(text, pos, 2, minute)) {
        return bad();
    }
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!digits(text, pos, 2, second)) {
            return bad();
        }
        if (pos < text.size() && text[pos] == '.' && !fraction_millis(text, ++pos, millis)) {
            return bad();
        }
    }
    if (pos != text.size() || hour > 23 || minute > 59 || second > 59) {
        return bad();
    }
    return time_ms{static_cast<int32_t>((hour * 3600 + minute * 60 + second) * 1000 + millis)};
}

}  // namespace cs::streams
