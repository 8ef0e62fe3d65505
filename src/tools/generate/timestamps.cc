#include "tools/generate/timestamps.h"

#include <charconv>

#include <fmt/format.h>

#include "base/civil_time.h"

namespace cs::tools::gen {
namespace {

constexpr int64_t ms_per_day = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void append_digits(std::string& out, int64_t v, int width) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    for (int pad = width - static_cast<int>(end - buf); pad > 0; --pad) {
        out += '0';
    }
    out.append(buf, end);
}

// A cursor over the text being parsed.
struct reader {
    std::string_view s;
    size_t pos = 0;
    bool done() const { return pos >= s.size(); }
    bool eat(char c) {
        if (!done() && s[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    }
    // Exactly n digits.
    bool digits(int n, int64_t& v) {
        if (pos + static_cast<size_t>(n) > s.size()) {
            return false;
        }
        v = 0;
        for (int i = 0; i < n; ++i) {
            char c = s[pos + static_cast<size_t>(i)];
            if (c < '0' || c > '9') {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        pos += static_cast<size_t>(n);
        return true;
    }
};

error bad_time(std::string_view text) {
    return {errc::invalid_argument,
            fmt::format("'{}' is not a time: expected ISO-8601 (2026-01-01T10:00:00Z, "
                        "2026-01-01T10:00:00.000+02:00, 2026-01-01) or epoch milliseconds",
                        text)};
}

}  // namespace

void append_iso8601_ms(std::string& out, int64_t epoch_ms) {
    const int64_t days = floor_div(epoch_ms, ms_per_day);
    const int64_t in_day = epoch_ms - days * ms_per_day;
    const civil::date c = civil::civil_from_days(days);
    append_digits(out, c.year, 4);
    out += '-';
    append_digits(out, c.month, 2);
    out += '-';
    append_digits(out, c.day, 2);
    out += 'T';
    append_digits(out, in_day / 3'600'000, 2);
    out += ':';
    append_digits(out, in_day / 60'000 % 60, 2);
    out += ':';
    append_digits(out, in_day / 1000 % 60, 2);
    out += '.';
    append_digits(out, in_day % 1000, 3);
    out += 'Z';
}

std::string format_iso8601_ms(int64_t epoch_ms) {
    std::string out;
    append_iso8601_ms(out, epoch_ms);
    return out;
}

std::string format_date(int64_t epoch_ms) {
    return format_iso8601_ms(epoch_ms).substr(0, 10);
}

result<int64_t> parse_start_time(std::string_view text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
        int64_t ms = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec != std::errc() || end != text.data() + text.size()) {
            return bad_time(text);
        }
        return ms;
    }
    reader r{text};
    int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
    if (!r.digits(4, year) || !r.eat('-') || !r.digits(2, month) || !r.eat('-') ||
        !r.digits(2, day)) {
        return bad_time(text);
    }
    if (month < 1 || month > 12 || day < 1 ||
        day > civil::days_in_month(year, static_cast<int32_t>(month))) {
        return bad_time(text);
    }
    int64_t offset_minutes = 0;
    if (r.eat('T') || r.eat(' ')) {
        if (!r.digits(2, hour) || !r.eat(':') || !r.digits(2, minute)) {
            return bad_time(text);
        }
        if (r.eat(':')) {
            if (!r.digits(2, second)) {
                return bad_time(text);
            }
            if (r.eat('.')) {
                // Up to 9 fraction digits; milliseconds keep the first three.
                int n = 0;
                int64_t scale = 100;
                while (!r.done() && r.s[r.pos] >= '0' && r.s[r.pos] <= '9' && n < 9) {
                    millis += (r.s[r.pos] - '0') * scale;
                    scale /= 10;
                    ++r.pos;
                    ++n;
                }
                if (n == 0) {
                    return bad_time(text);
                }
            }
        }
        if (hour > 23 || minute > 59 || second > 60) {
            return bad_time(text);
        }
        if (r.eat('Z') || r.eat('z')) {
        } else if (!r.done() && (r.s[r.pos] == '+' || r.s[r.pos] == '-')) {
            const int64_t sign = r.s[r.pos] == '-' ? -1 : 1;
            ++r.pos;
            int64_t oh = 0, om = 0;
            if (!r.digits(2, oh)) {
                return bad_time(text);
            }
            r.eat(':');
            if (!r.digits(2, om) || oh > 23 || om > 59) {
                return bad_time(text);
            }
            offset_minutes = sign * (oh * 60 + om);
        }
    }
    if (!r.done()) {
        return bad_time(text);
    }
    const int64_t days =
        civil::days_from_civil(year, static_cast<int32_t>(month), static_cast<int32_t>(day));
    return days * ms_per_day + hour * 3'600'000 + minute * 60'000 + second * 1000 + millis -
           offset_minutes * 60'000;
}

}  // namespace cs::tools::gen
