#include "connect/connectors/jdbc/value_text.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "connect/data_json.h"

namespace cs::connect::jdbc {

namespace {

// Howard Hinnant's civil-from-days / days-from-civil algorithms.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool parse_uint(std::string_view s, size_t pos, size_t len, unsigned& out) {
    if (pos + len > s.size()) {
        return false;
    }
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && p == s.data() + pos + len;
}

}  // namespace

std::string decimal_text(std::string_view be, int scale) {
    bool negative = !be.empty() && (static_cast<uint8_t>(be[0]) & 0x80);
    std::vector<uint8_t> mag(be.begin(), be.end());
    if (negative) {  // two's complement -> magnitude
        for (auto& b : mag) {
            b = static_cast<uint8_t>(~b);
        }
        for (size_t i = mag.size(); i-- > 0;) {
            if (++mag[i] != 0) {
                break;
            }
        }
    }
    std::string digits;
    // Repeated division by 10 of the big-endian magnitude.
    while (std::any_of(mag.begin(), mag.end(), [](uint8_t b) { return b != 0; })) {
        unsigned rem = 0;
        for (auto& b : mag) {
            unsigned cur = (rem << 8) | b;
            b = static_cast<uint8_t>(cur / 10);
            rem = cur % 10;
        }
        digits += static_cast<char>('0' + rem);
    }
    if (digits.empty()) {
        digits = "0";
    }
    std::reverse(digits.begin(), digits.end());
    if (scale > 0) {
        auto s = static_cast<size_t>(scale);
        if (digits.size() <= s) {
            digits.insert(0, s - digits.size() + 1, '0');
        }
        digits.insert(digits.size() - s, 1, '.');
    } else if (scale < 0) {
        digits.append(static_cast<size_t>(-scale), '0');
    }
    return negative ? "-" + digits : digits;
}

std::string date_text(int64_t days) {
    int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string time_text(int64_t ms) {
    ms = ((ms % 86400000) + 86400000) % 86400000;
    return fmt::format("{:02}:{:02}:{:02}.{:03}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                       ms % 1000);
}

std::string timestamp_text(int64_t epoch_ms) {
    int64_t days = floor_div(epoch_ms, 86400000);
    return date_text(days) + " " + time_text(epoch_ms - days * 86400000);
}

std::string json_text(const data& d) {
    return plain_json(d);
}

result<int64_t> parse_date(std::string_view s) {
    unsigned y = 0, m = 0, d = 0;
    if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !parse_uint(s, 0, 4, y) ||
        !parse_uint(s, 5, 2, m) || !parse_uint(s, 8, 2, d) || m < 1 || m > 12 || d < 1 || d > 31) {
        return error{errc::invalid_argument, fmt::format("not a date: '{}'", s)};
    }
    return days_from_civil(y, m, d);
}

result<int64_t> parse_time(std::string_view s) {
    unsigned h = 0, mi = 0, sec = 0;
    if (s.size() < 8 || s[2] != ':' || s[5] != ':' || !parse_uint(s, 0, 2, h) ||
        !parse_uint(s, 3, 2, mi) || !parse_uint(s, 6, 2, sec)) {
        return error{errc::invalid_argument, fmt::format("not a time: '{}'", s)};
    }
    int64_t ms = 0;
    size_t pos = 8;
    if (pos < s.size() && s[pos] == '.') {
        int64_t scale = 100;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
            ms += (s[pos] - '0') * scale;
            scale /= 10;
        }
    }
    if (pos != s.size()) {
        return error{errc::invalid_argument, fmt::format("not a time: '{}'", s)};
    }
    return int64_t{h} * 3600000 + int64_t{mi} * 60000 + int64_t{sec} * 1000 + ms;
}

result<int64_t> parse_timestamp(std::string_view s) {
    if (s.size() < 19 || (s[10] != ' ' && s[10] != 'T')) {
        return error{errc::invalid_argument, fmt::format("not a timestamp: '{}'", s)};
    }
    auto d = parse_date(s.substr(0, 10));
    if (!d.ok()) {
        return error{errc::invalid_argument, fmt::format("not a timestamp: '{}'", s)};
    }
    std::string_view rest = s.substr(11);
    int64_t offset_ms = 0;
    // A trailing zone: Z, +hh, +hh:mm, -hh...
    if (!rest.empty() && rest.back() == 'Z') {
        rest.remove_suffix(1);
    } else if (auto z = rest.find_first_of("+-", 8); z != std::string_view::npos) {
        std::string_view zone = rest.substr(z + 1);
        unsigned zh = 0, zm = 0;
        if (!parse_uint(zone, 0, 2, zh) ||
            (zone.size() > 2 && !parse_uint(zone, zone[2] == ':' ? 3 : 2, 2, zm))) {
            return error{errc::invalid_argument, fmt::format("bad zone in '{}'", s)};
        }
        offset_ms = (int64_t{zh} * 60 + zm) * 60000 * (rest[z] == '+' ? 1 : -1);
        rest = rest.substr(0, z);
    }
    auto t = parse_time(rest);
    if (!t.ok()) {
        return error{errc::invalid_argument, fmt::format("not a timestamp: '{}'", s)};
    }
    return *d * 86400000 + *t - offset_ms;
}

result<std::string> decimal_bytes(std::string_view text, int scale) {
    bool negative = !text.empty() && text[0] == '-';
    if (negative || (!text.empty() && text[0] == '+')) {
        text.remove_prefix(1);
    }
    std::string digits;
    int frac = -1;
    for (char c : text) {
        if (c == '.' && frac < 0) {
            frac = 0;
        } else if (c >= '0' && c <= '9') {
            digits += c;
            if (frac >= 0) {
                ++frac;
            }
        } else {
            return error{errc::invalid_argument, fmt::format("not a decimal: '{}'", text)};
        }
    }
    frac = std::max(frac, 0);
    if (frac > scale) {
        digits.resize(digits.size() - static_cast<size_t>(frac - scale));  // truncate extra
    } else {
        digits.append(static_cast<size_t>(scale - frac), '0');
    }
    // Decimal digits -> big-endian magnitude bytes.
    std::vector<uint8_t> mag{0};
    for (char c : digits) {
        unsigned carry = static_cast<unsigned>(c - '0');
        for (size_t i = mag.size(); i-- > 0;) {
            unsigned v = mag[i] * 10u + carry;
            mag[i] = static_cast<uint8_t>(v & 0xff);
            carry = v >> 8;
        }
        while (carry) {
            mag.insert(mag.begin(), static_cast<uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    if (mag[0] & 0x80) {
        mag.insert(mag.begin(), 0);  // keep the sign bit clear
    }
    if (negative) {
        for (auto& b : mag) {
            b = static_cast<uint8_t>(~b);
        }
        for (size_t i = mag.size(); i-- > 0;) {
            if (++mag[i] != 0) {
                break;
            }
        }
    }
    return std::string(mag.begin(), mag.end());
}

}  // namespace cs::connect::jdbc
