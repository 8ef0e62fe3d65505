#include "connect/connectors/s3/time_util.h"

#include <cctype>

#include <fmt/format.h>

#include "base/civil_time.h"

namespace cs::connect::s3 {
namespace {

constexpr int64_t ms_per_day = 86'400'000;

bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
    if (pos + n > s.size()) {
        return false;
    }
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

const char* const month_names[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

}  // namespace

int64_t days_from_civil(int64_t y, int m, int d) {
    return civil::days_from_civil(y, m, d);
}

civil_time civil_from_ms(int64_t ms) {
    const int64_t days = civil::floor_div(ms, ms_per_day);
    const int64_t rem = ms - days * ms_per_day;
    const civil::date date = civil::civil_from_days(days);
    civil_time t;
    t.year = date.year;
    t.month = date.month;
    t.day = date.day;
    t.hour = static_cast<int>(rem / 3'600'000);
    t.minute = static_cast<int>(rem / 60'000 % 60);
    t.second = static_cast<int>(rem / 1000 % 60);
    return t;
}

std::optional<int64_t> parse_iso8601_micros(std::string_view s) {
    int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, frac_us = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d)) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > civil::days_in_month(y, static_cast<int32_t>(mo))) {
        return std::nullopt;
    }
    size_t pos = 10;
    int64_t offset_min = 0;
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') {
            return std::nullopt;
        }
        if (!digits(s, pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !digits(s, pos + 4, 2, mi)) {
            return std::nullopt;
        }
        pos += 6;
        if (pos < s.size() && s[pos] == ':') {
            if (!digits(s, pos + 1, 2, sec)) {
                return std::nullopt;
            }
            pos += 3;
            if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
                ++pos;
                int n = 0;
                int64_t scale = 100000;
                while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                    if (n < 6) {
                        frac_us += (s[pos] - '0') * scale;
                        scale /= 10;
                    }
                    ++n;
                    ++pos;
                }
                if (n == 0) {
                    return std::nullopt;
                }
            }
        }
        if (h > 23 || mi > 59 || sec > 60) {
            return std::nullopt;
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' || s[pos] == 'z') {
                ++pos;
            } else if (s[pos] == '+' || s[pos] == '-') {
                const int64_t sign = s[pos] == '-' ? -1 : 1;
                int64_t oh = 0, om = 0;
                if (!digits(s, pos + 1, 2, oh)) {
                    return std::nullopt;
                }
                pos += 3;
                if (pos < s.size() && s[pos] == ':') {
                    ++pos;
                }
                if (pos < s.size()) {
                    if (!digits(s, pos, 2, om)) {
                        return std::nullopt;
                    }
                    pos += 2;
                }
                offset_min = sign * (oh * 60 + om);
            }
        }
        if (pos != s.size()) {
            return std::nullopt;
        }
    }
    const int64_t days = days_from_civil(y, static_cast<int>(mo), static_cast<int>(d));
    const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    return secs * 1'000'000 + frac_us;
}

result<joda_pattern> joda_pattern::compile(std::string_view p) {
    joda_pattern out;
    // A trailing '/' is stripped, as storage-common's TimeBasedPartitioner does.
    while (!p.empty() && p.back() == '/') {
        p.remove_suffix(1);
    }
    if (p.empty()) {
        return error{errc::invalid_argument, "path.format is empty"};
    }
    int64_t finest = 0;
    auto note = [&](int64_t unit) {
        if (finest == 0 || unit < finest) {
            finest = unit;
        }
    };
    size_t i = 0;
    while (i < p.size()) {
        const char c = p[i];
        if (c == '\'') {
            std::string lit;
            ++i;
            if (i < p.size() && p[i] == '\'') {  // '' is a single quote
                out.tokens_.push_back({0, 0, "'"});
                ++i;
                continue;
            }
            bool closed = false;
            while (i < p.size()) {
                if (p[i] == '\'') {
                    if (i + 1 < p.size() && p[i + 1] == '\'') {
                        lit += '\'';
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                lit += p[i++];
            }
            if (!closed) {
                return error{errc::invalid_argument,
                             fmt::format("path.format '{}': unterminated quote", p)};
            }
            out.tokens_.push_back({0, 0, std::move(lit)});
            continue;
        }
        if (std::isalpha(static_cast<unsigned char>(c))) {
            size_t j = i;
            while (j < p.size() && p[j] == c) {
                ++j;
            }
            const int width = static_cast<int>(j - i);
            switch (c) {
                case 'Y':
                case 'y':
                case 'M':
                case 'd':
                    note(ms_per_day);
                    break;
                case 'H':
                    note(3'600'000);
                    break;
                case 'm':
                    note(60'000);
                    break;
                case 's':
                    note(1000);
                    break;
                default:
                    return error{errc::invalid_argument,
                                 fmt::format("path.format '{}': pattern letter '{}' is not "
                                             "supported (use Y y M d H m s and quoted text)",
                                             p, c)};
            }
            out.tokens_.push_back({c == 'y' ? 'Y' : c, width, {}});
            i = j;
            continue;
        }
        out.tokens_.push_back({0, 0, std::string(1, c)});
        ++i;
    }
    if (finest == 0) {
        return error{errc::invalid_argument,
                     fmt::format("path.format '{}' has no date or time field", p)};
    }
    out.finest_ms_ = finest;
    return out;
}

std::string joda_pattern::format(const civil_time& t) const {
    std::string out;
    for (const auto& tok : tokens_) {
        switch (tok.letter) {
            case 0:
                out += tok.literal;
                break;
            case 'Y':
                // Joda: "yy" prints the two-digit year, anything else the full year.
                if (tok.width == 2) {
                    out += fmt::format("{:02}", ((t.year % 100) + 100) % 100);
                } else {
                    out += fmt::format("{:0{}}", t.year, tok.width);
                }
                break;
            case 'M':
                if (tok.width >= 4) {
                    out += month_names[t.month - 1];
                } else if (tok.width == 3) {
                    out += std::string_view(month_names[t.month - 1]).substr(0, 3);
                } else {
                    out += fmt::format("{:0{}}", t.month, tok.width);
                }
                break;
            case 'd':
                out += fmt::format("{:0{}}", t.day, tok.width);
                break;
            case 'H':
                out += fmt::format("{:0{}}", t.hour, tok.width);
                break;
            case 'm':
                out += fmt::format("{:0{}}", t.minute, tok.width);
                break;
            case 's':
                out += fmt::format("{:0{}}", t.second, tok.width);
                break;
            default:
                break;
        }
    }
    return out;
}

}  // namespace cs::connect::s3
