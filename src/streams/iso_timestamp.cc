#include "streams/iso_timestamp.h"

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
                if (pos < s.size() && s[pos] == '.') {
                    ++pos;
                    int64_t scale = 100;
                    size_t start = pos;
                    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                        millis += (s[pos] - '0') * scale;
                        scale /= 10;
                        ++pos;
                    }
                    if (pos == start || pos - start > 9) {
                        return bad();
                    }
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

}  // namespace cs::streams
