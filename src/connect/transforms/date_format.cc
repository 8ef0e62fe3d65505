#include "connect/transforms/date_format.h"

#include <fmt/format.h>

#include "base/ascii.h"

namespace cs::connect::smt {

namespace {

constexpr const char* month_names[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
constexpr const char* day_names[] = {"Thursday", "Friday",  "Saturday", "Sunday",
                                     "Monday",   "Tuesday", "Wednesday"};  // 1970-01-01: Thursday

constexpr int64_t ms_per_day = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool is_numeric_letter(char c) {
    return c == 'y' || c == 'd' || c == 'H' || c == 'h' || c == 'm' || c == 's' || c == 'S' ||
           c == 'k' || c == 'K';
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

result<date_format> date_format::compile(std::string_view pattern) {
    date_format f;
    f.pattern_ = std::string(pattern);
    for (size_t i = 0; i < pattern.size();) {
        char c = pattern[i];
        if (c == '\'') {
            std::string lit;
            size_t j = i + 1;
            if (j < pattern.size() && pattern[j] == '\'') {
                f.elements_.push_back({0, 0, "'"});
                i = j + 1;
                continue;
            }
            for (; j < pattern.size(); ++j) {
                if (pattern[j] == '\'') {
                    if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
                        lit += '\'';
                        ++j;
                        continue;
                    }
                    break;
                }
                lit += pattern[j];
            }
            if (j >= pattern.size()) {
                return error{errc::invalid_argument,
                             fmt::format("Unterminated quote in date format '{}'", pattern)};
            }
            f.elements_.push_back({0, 0, std::move(lit)});
            i = j + 1;
            continue;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (std::string_view("yMdHhamsSEZXzkK").find(c) == std::string_view::npos) {
                return error{
                    errc::invalid_argument,
                    fmt::format("Unsupported pattern letter '{}' in date format '{}'", c, pattern)};
            }
            size_t j = i;
            while (j < pattern.size() && pattern[j] == c) {
                ++j;
            }
            f.elements_.push_back({c, static_cast<int>(j - i), {}});
            i = j;
            continue;
        }
        f.elements_.push_back({0, 0, std::string(1, c)});
        ++i;
    }
    return f;
}

std::string date_format::format(int64_t epoch_ms) const {
    int64_t days = floor_div(epoch_ms, ms_per_day);
    int64_t ms_of_day = epoch_ms - days * ms_per_day;
    int64_t y = 0;
    unsigned mo = 0;
    unsigned d = 0;
    civil_from_days(days, y, mo, d);
    int64_t hour = ms_of_day / 3'600'000;
    int64_t minute = ms_of_day / 60'000 % 60;
    int64_t second = ms_of_day / 1000 % 60;
    int64_t milli = ms_of_day % 1000;
    std::string out;
    auto num = [&](int64_t v, int width) { out += fmt::format("{:0{}}", v, width); };
    for (const auto& e : elements_) {
        switch (e.letter) {
            case 0:
                out += e.literal;
                break;
            case 'y':
                if (e.count == 2) {
                    num(((y % 100) + 100) % 100, 2);
                } else {
                    num(y, e.count);
                }
                break;
            case 'M':
                if (e.count >= 4) {
                    out += month_names[mo - 1];
                } else if (e.count == 3) {
                    out += std::string_view(month_names[mo - 1]).substr(0, 3);
                } else {
                    num(mo, e.count);
                }
                break;
            case 'd':
                num(d, e.count);
                break;
            case 'H':
                num(hour, e.count);
                break;
            case 'k':
                num(hour == 0 ? 24 : hour, e.count);
                break;
            case 'K':
                num(hour % 12, e.count);
                break;
            case 'h':
                num(hour % 12 == 0 ? 12 : hour % 12, e.count);
                break;
            case 'a':
                out += hour < 12 ? "AM" : "PM";
                break;
            case 'm':
                num(minute, e.count);
                break;
            case 's':
                num(second, e.count);
                break;
            case 'S':
                num(milli, e.count);
                break;
            case 'E': {
                std::string_view name = day_names[((days % 7) + 7) % 7];
                out += e.count >= 4 ? name : name.substr(0, 3);
                break;
            }
            case 'Z':
                out += "+0000";
                break;
            case 'X':
                out += "Z";
                break;
            case 'z':
                out += "UTC";
                break;
            default:
                break;
        }
    }
    return out;
}

result<int64_t> date_format::parse(std::string_view text) const {
    int64_t y = 1970;
    int64_t mo = 1;
    int64_t d = 1;
    int64_t hour = 0;
    int64_t minute = 0;
    int64_t second = 0;
    int64_t milli = 0;
    int64_t offset_ms = 0;
    bool pm = false;
    bool has_ampm = false;
    size_t pos = 0;
    auto fail = [&](std::string_view what) {
        return error{errc::invalid_argument,
                     fmt::format("Could not parse timestamp: value ({}) does not match pattern "
                                 "({}): {} at position {}",
                                 text, pattern_, what, pos)};
    };
    for (size_t i = 0; i < elements_.size(); ++i) {
        const auto& e = elements_[i];
        if (e.letter == 0) {
            if (text.substr(pos, e.literal.size()) != e.literal) {
                return fail("expected '" + e.literal + "'");
            }
            pos += e.literal.size();
            continue;
        }
        if (is_numeric_letter(e.letter) || (e.letter == 'M' && e.count <= 2)) {
            bool fixed = i + 1 < elements_.size() &&
                         (is_numeric_letter(elements_[i + 1].letter) ||
                          (elements_[i + 1].letter == 'M' && elements_[i + 1].count <= 2));
            size_t max = fixed ? static_cast<size_t>(e.count) : 10;
            bool neg = false;
            if (e.letter == 'y' && pos < text.size() && text[pos] == '-') {
                neg = true;
                ++pos;
            }
            size_t start = pos;
            int64_t v = 0;
            while (pos < text.size() && pos - start < max && text[pos] >= '0' && text[pos] <= '9') {
                v = v * 10 + (text[pos] - '0');
                ++pos;
            }
            if (pos == start) {
                return fail("expected digits");
            }
            if (neg) {
                v = -v;
            }
            switch (e.letter) {
                case 'y':
                    y = (e.count == 2 && pos - start == 2) ? 2000 + v : v;
                    break;
                case 'M':
                    mo = v;
                    break;
                case 'd':
                    d = v;
                    break;
                case 'H':
                case 'k':
                    hour = v % 24;
                    break;
                case 'h':
                case 'K':
                    hour = v % 12;
                    break;
                case 'm':
                    minute = v;
                    break;
                case 's':
                    second = v;
                    break;
                case 'S':
                    milli = v;
                    break;
                default:
                    break;
            }
            continue;
        }
        switch (e.letter) {
            case 'M': {
                bool found = false;
                for (int k = 0; k < 12 && !found; ++k) {
                    std::string_view full = month_names[k];
                    std::string_view word = e.count >= 4 ? full : full.substr(0, 3);
                    if (ascii_istarts_with(text.substr(pos), word)) {
                        mo = k + 1;
                        pos += word.size();
                        found = true;
                    }
                }
                if (!found) {
                    return fail("expected a month name");
                }
                break;
            }
            case 'E': {
                bool found = false;
                for (int k = 0; k < 7 && !found; ++k) {
                    std::string_view full = day_names[k];
                    std::string_view word = e.count >= 4 ? full : full.substr(0, 3);
                    if (ascii_istarts_with(text.substr(pos), word)) {
                        pos += word.size();
                        found = true;
                    }
                }
                if (!found) {
                    return fail("expected a day name");
                }
                break;
            }
            case 'a':
                if (ascii_istarts_with(text.substr(pos), "AM") ||
                    ascii_istarts_with(text.substr(pos), "PM")) {
                    has_ampm = true;
                    pm = std::toupper(static_cast<unsigned char>(text[pos])) == 'P';
                    pos += 2;
                } else {
                    return fail("expected AM or PM");
                }
                break;
            case 'z':
                if (ascii_istarts_with(text.substr(pos), "UTC") ||
                    ascii_istarts_with(text.substr(pos), "GMT")) {
                    pos += 3;
                    break;
                }
                [[fallthrough]];
            case 'Z':
            case 'X': {
                if (pos < text.size() && text[pos] == 'Z') {
                    ++pos;
                    break;
                }
                if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
                    return fail("expected a time zone offset");
                }
                int sign = text[pos] == '-' ? -1 : 1;
                ++pos;
                int64_t digits[4] = {0, 0, 0, 0};
                int n = 0;
                while (pos < text.size() && n < 4) {
                    if (text[pos] == ':' && n == 2) {
                        ++pos;
                        continue;
                    }
                    if (text[pos] < '0' || text[pos] > '9') {
                        break;
                    }
                    digits[n++] = text[pos++] - '0';
                }
                if (n != 2 && n != 4) {
                    return fail("bad time zone offset");
                }
                offset_ms = sign * ((digits[0] * 10 + digits[1]) * 3'600'000 +
                                    (digits[2] * 10 + digits[3]) * 60'000);
                break;
            }
            default:
                break;
        }
    }
    if (pos != text.size()) {
        return fail("unexpected trailing text");
    }
    if (has_ampm && pm) {
        hour += 12;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31) {
        return fail("date out of range");
    }
    int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return days * ms_per_day + hour * 3'600'000 + minute * 60'000 + second * 1000 + milli -
           offset_ms;
}

}  // namespace cs::connect::smt
