#include "streams/time_format.h"

#include <array>
#include <cctype>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/civil_time.h"

namespace cs::streams {

namespace {

constexpr std::array<std::string_view, 12> month_names = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> day_names = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

constexpr std::string_view supported_letters = "yuMLdDHhkKmsSaEXxZVG";

bool is_numeric_letter(char c) {
    return c == 'y' || c == 'u' || c == 'd' || c == 'D' || c == 'H' || c == 'h' || c == 'k' ||
           c == 'K' || c == 'm' || c == 's' || c == 'S' || ((c == 'M' || c == 'L'));
}

// Whether field f is a number (MMM and longer are names).
bool numeric(const time_format::field& f) {
    return f.letter != 0 && is_numeric_letter(f.letter) &&
           !((f.letter == 'M' || f.letter == 'L') && f.count >= 3);
}

void append_padded(std::string& out, int64_t v, int width) {
    if (v < 0) {
        out += '-';
        v = -v;
    }
    const std::string digits = std::to_string(v);
    if (static_cast<int>(digits.size()) < width) {
        out.append(static_cast<size_t>(width) - digits.size(), '0');
    }
    out += digits;
}

void append_offset(std::string& out, int32_t offset, char letter, int count) {
    if (offset == 0 && (letter == 'X' || (letter == 'Z' && count == 5))) {
        out += 'Z';
        return;
    }
    if (letter == 'Z' && count == 4) {
        if (offset == 0) {
            out += "GMT";
            return;
        }
        out += "GMT";
        count = 3;  // then +HH:MM
        letter = 'x';
    }
    const int32_t a = std::abs(offset);
    out += offset < 0 ? '-' : '+';
    append_padded(out, a / 3600, 2);
    const int32_t minutes = a / 60 % 60;
    bool colon = false;
    bool minutes_needed = true;
    if (letter == 'Z') {
        colon = count == 5;
    } else if (count == 1) {
        minutes_needed = minutes != 0;  // X / x: +HH, or +HHmm when there are minutes
    } else {
        colon = count == 3 || count == 5;
    }
    if (minutes_needed) {
        if (colon) {
            out += ':';
        }
        append_padded(out, minutes, 2);
    }
}

// Fields parsed so far (parsing is a small backtracking matcher because of
// optional sections).
struct parsed {
    std::optional<int64_t> year, yy, month, day, day_of_year, hour24, hour12, minute, second;
    std::optional<bool> pm;
    int64_t nanos = 0;
    std::optional<int32_t> offset;
    std::optional<time_zone> zone;
};

class parser {
  public:
    parser(const std::vector<time_format::field>& fields, std::string_view text)
        : fields_(fields), text_(text) {}

    // Matches fields [i, end) from text position pos; on success sets end_pos.
    bool match(size_t i, size_t end, size_t pos, parsed& out, size_t& end_pos) {
        for (; i < end; ++i) {
            const auto& f = fields_[i];
            if (f.letter == '[') {
                const size_t close = matching(i);
                parsed attempt = out;
                size_t after = 0;
                if (match(i + 1, close, pos, attempt, after)) {
                    // Prefer the optional section, but fall back if the rest fails.
                    parsed rest = attempt;
                    size_t final_pos = 0;
                    if (match(close + 1, end, after, rest, final_pos)) {
                        out = rest;
                        end_pos = final_pos;
                        return true;
                    }
                }
                i = close;
                continue;
            }
            if (f.letter == 0) {
                if (pos + f.literal.size() > text_.size() ||
                    !ascii_iequals(text_.substr(pos, f.literal.size()), f.literal)) {
                    return false;
                }
                pos += f.literal.size();
                continue;
            }
            if (!field(i, pos, out)) {
                return false;
            }
        }
        end_pos = pos;
        return true;
    }

  private:
    size_t matching(size_t open) const {
        int depth = 0;
        for (size_t j = open; j < fields_.size(); ++j) {
            if (fields_[j].letter == '[') {
                ++depth;
            } else if (fields_[j].letter == ']' && --depth == 0) {
                return j;
            }
        }
        return fields_.size();
    }

    // Reads between min and max digits.
    bool number(size_t& pos, int min, int max, int64_t& v) const {
        size_t n = 0;
        v = 0;
        while (pos + n < text_.size() && static_cast<int>(n) < max &&
               std::isdigit(static_cast<unsigned char>(text_[pos + n]))) {
            v = v * 10 + (text_[pos + n] - '0');
            ++n;
        }
        if (static_cast<int>(n) < min) {
            return false;
        }
        pos += n;
        return true;
    }

    bool name(size_t& pos, std::span<const std::string_view> names, bool abbreviated,
              int64_t& index) const {
        for (size_t k = 0; k < names.size(); ++k) {
            const std::string_view n = abbreviated ? names[k].substr(0, 3) : names[k];
            if (pos + n.size() <= text_.size() && ascii_iequals(text_.substr(pos, n.size()), n)) {
                pos += n.size();
                index = static_cast<int64_t>(k);
                return true;
            }
        }
        return false;
    }

    bool offset(size_t& pos, const time_format::field& f, parsed& out) const {
        if (pos < text_.size() && text_[pos] == 'Z' && f.letter != 'x' &&
            !(f.letter == 'Z' && f.count < 4)) {
            ++pos;
            out.offset = 0;
            return true;
        }
        if (f.letter == 'Z' && f.count == 4) {
            if (pos + 3 > text_.size() || !ascii_iequals(text_.substr(pos, 3), "GMT")) {
                return false;
            }
            pos += 3;
            if (pos >= text_.size() || (text_[pos] != '+' && text_[pos] != '-')) {
                out.offset = 0;
                return true;
            }
        }
        if (pos >= text_.size() || (text_[pos] != '+' && text_[pos] != '-')) {
            return false;
        }
        const int32_t sign = text_[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t h = 0;
        int64_t m = 0;
        if (!number(pos, 2, 2, h)) {
            return false;
        }
        if (pos < text_.size() && text_[pos] == ':') {
            ++pos;
            if (!number(pos, 2, 2, m)) {
                return false;
            }
        } else {
            size_t p = pos;
            if (number(p, 2, 2, m)) {
                pos = p;
            }
        }
        if (h > 18 || m > 59) {
            return false;
        }
        out.offset = sign * static_cast<int32_t>(h * 3600 + m * 60);
        return true;
    }

    bool field(size_t i, size_t& pos, parsed& out) const {
        const auto& f = fields_[i];
        // A number directly followed by another number has a fixed width.
        const bool adjacent = i + 1 < fields_.size() && numeric(fields_[i + 1]);
        const int fixed = f.count;
        int64_t v = 0;
        switch (f.letter) {
            case 'y':
            case 'u':
                if (f.count == 2) {
                    if (!number(pos, 2, 2, v)) {
                        return false;
                    }
                    out.yy = v;
                    return true;
                }
                if (!number(pos, f.count, adjacent ? f.count : 9, v)) {
                    return false;
                }
                out.year = v;
                return true;
            case 'M':
            case 'L':
                if (f.count >= 3) {
                    if (!name(pos, month_names, f.count == 3, v)) {
                        return false;
                    }
                    out.month = v + 1;
                    return true;
                }
                if (!number(pos, fixed, adjacent || f.count == 2 ? fixed : 2, v)) {
                    return false;
                }
                out.month = v;
                return true;
            case 'd':
            case 'H':
            case 'k':
            case 'h':
            case 'K':
            case 'm':
            case 's':
                if (!number(pos, fixed, adjacent || f.count == 2 ? fixed : 2, v)) {
                    return false;
                }
                if (f.letter == 'd') {
                    out.day = v;
                } else if (f.letter == 'H') {
                    out.hour24 = v;
                } else if (f.letter == 'k') {
                    out.hour24 = v == 24 ? 0 : v;
                } else if (f.letter == 'h') {
                    out.hour12 = v == 12 ? 0 : v;
                    if (v < 1 || v > 12) {
                        return false;
                    }
                } else if (f.letter == 'K') {
                    out.hour12 = v;
                } else if (f.letter == 'm') {
                    out.minute = v;
                } else {
                    out.second = v;
                }
                return true;
            case 'D':
                if (!number(pos, fixed, adjacent ? fixed : 3, v)) {
                    return false;
                }
                out.day_of_year = v;
                return true;
            case 'S': {
                if (!number(pos, f.count, f.count, v)) {
                    return false;
                }
                int64_t nanos = v;
                for (int k = f.count; k < 9; ++k) {
                    nanos *= 10;
                }
                for (int k = 9; k < f.count; ++k) {
                    nanos /= 10;
                }
                out.nanos = nanos;
                return true;
            }
            case 'a':
                if (pos + 2 <= text_.size() && ascii_iequals(text_.substr(pos, 2), "AM")) {
                    out.pm = false;
                } else if (pos + 2 <= text_.size() && ascii_iequals(text_.substr(pos, 2), "PM")) {
                    out.pm = true;
                } else {
                    return false;
                }
                pos += 2;
                return true;
            case 'E':
                return name(pos, day_names, f.count <= 3, v);
            case 'G':
                if (pos + 2 <= text_.size() && ascii_iequals(text_.substr(pos, 2), "AD")) {
                    pos += 2;
                    return true;
                }
                return false;
            case 'X':
            case 'x':
            case 'Z':
                return offset(pos, f, out);
            case 'V': {
                size_t n = 0;
                while (pos + n < text_.size() &&
                       (std::isalnum(static_cast<unsigned char>(text_[pos + n])) ||
                        std::string_view("/_+-:").find(text_[pos + n]) != std::string_view::npos)) {
                    ++n;
                }
                auto zone = time_zone::find(text_.substr(pos, n));
                if (!zone) {
                    return false;
                }
                out.zone = *zone;
                pos += n;
                return true;
            }
            default:
                return false;
        }
    }

    const std::vector<time_format::field>& fields_;
    std::string_view text_;
};

}  // namespace

result<time_format> time_format::compile(std::string_view pattern) {
    time_format f;
    f.pattern_ = std::string(pattern);
    int depth = 0;
    auto literal = [&f](std::string_view s) {
        if (!f.fields_.empty() && f.fields_.back().letter == 0) {
            f.fields_.back().literal += s;
        } else {
            f.fields_.push_back(field{0, 0, std::string(s)});
        }
    };
    for (size_t i = 0; i < pattern.size();) {
        const char c = pattern[i];
        if (c == '\'') {
            if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
                literal("'");
                i += 2;
                continue;
            }
            std::string text;
            size_t j = i + 1;
            for (;; ++j) {
                if (j >= pattern.size()) {
                    return error{
                        errc::invalid_argument,
                        fmt::format("Invalid time format '{}': unterminated quote", pattern)};
                }
                if (pattern[j] == '\'') {
                    if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
                        text += '\'';
                        ++j;
                        continue;
                    }
                    break;
                }
                text += pattern[j];
            }
            literal(text);
            i = j + 1;
            continue;
        }
        if (c == '[' || c == ']') {
            depth += c == '[' ? 1 : -1;
            if (depth < 0) {
                return error{errc::invalid_argument,
                             fmt::format("Invalid time format '{}': unmatched ']'", pattern)};
            }
            f.fields_.push_back(field{c, 1, {}});
            ++i;
            continue;
        }
        if (std::isalpha(static_cast<unsigned char>(c))) {
            size_t j = i;
            while (j < pattern.size() && pattern[j] == c) {
                ++j;
            }
            const int count = static_cast<int>(j - i);
            if (supported_letters.find(c) == std::string_view::npos || (c == 'V' && count != 2) ||
                ((c == 'X' || c == 'x') && count > 5) || (c == 'Z' && count > 5) ||
                ((c == 'M' || c == 'L') && count > 4) || (c == 'a' && count > 1) ||
                (count > 2 && std::string_view("dHhkKms").find(c) != std::string_view::npos) ||
                (c == 'S' && count > 9) || (c == 'D' && count > 3)) {
                return error{errc::invalid_argument,
                             fmt::format("Invalid time format '{}': unsupported pattern '{}'",
                                         pattern, std::string(static_cast<size_t>(count), c))};
            }
            f.fields_.push_back(field{c, count, {}});
            i = j;
            continue;
        }
        literal(std::string_view(&pattern[i], 1));
        ++i;
    }
    if (depth != 0) {
        return error{errc::invalid_argument,
                     fmt::format("Invalid time format '{}': unmatched '['", pattern)};
    }
    return f;
}

void time_format::format_to(std::string& out, int64_t epoch_ms, const time_zone& zone) const {
    const int64_t secs = civil::floor_div(epoch_ms, 1000);
    const int64_t ms = civil::floor_mod(epoch_ms, 1000);
    const int32_t offset = zone.offset_at(secs);
    const int64_t local = secs + offset;
    const int64_t days = civil::floor_div(local, 86400);
    const int64_t sod = civil::floor_mod(local, 86400);
    const civil::date date = civil::civil_from_days(days);
    const int64_t hour = sod / 3600;
    for (const field& f : fields_) {
        switch (f.letter) {
            case 0:
                out += f.literal;
                break;
            case '[':
            case ']':
                break;
            case 'y':
            case 'u':
                if (f.count == 2) {
                    append_padded(out, civil::floor_mod(date.year, 100), 2);
                } else {
                    append_padded(out, date.year, f.count);
                }
                break;
            case 'M':
            case 'L':
                if (f.count == 3) {
                    out += month_names[static_cast<size_t>(date.month - 1)].substr(0, 3);
                } else if (f.count == 4) {
                    out += month_names[static_cast<size_t>(date.month - 1)];
                } else {
                    append_padded(out, date.month, f.count);
                }
                break;
            case 'd':
                append_padded(out, date.day, f.count);
                break;
            case 'D':
                append_padded(out, days - civil::days_from_civil(date.year, 1, 1) + 1, f.count);
                break;
            case 'H':
                append_padded(out, hour, f.count);
                break;
            case 'k':
                append_padded(out, hour == 0 ? 24 : hour, f.count);
                break;
            case 'h':
                append_padded(out, hour % 12 == 0 ? 12 : hour % 12, f.count);
                break;
            case 'K':
                append_padded(out, hour % 12, f.count);
                break;
            case 'm':
                append_padded(out, sod / 60 % 60, f.count);
                break;
            case 's':
                append_padded(out, sod % 60, f.count);
                break;
            case 'S': {
                // Milliseconds as the first digits of the 9-digit fraction.
                std::string frac = fmt::format("{:03}000000", ms);
                out += frac.substr(0, static_cast<size_t>(f.count));
                break;
            }
            case 'a':
                out += hour < 12 ? "AM" : "PM";
                break;
            case 'E': {
                const auto& n = day_names[static_cast<size_t>(civil::weekday(days))];
                out += f.count <= 3 ? n.substr(0, 3) : n;
                break;
            }
            case 'G':
                out += "AD";
                break;
            case 'X':
            case 'x':
            case 'Z':
                append_offset(out, offset, f.letter, f.count);
                break;
            case 'V':
                out += zone.id();
                break;
            default:
                break;
        }
    }
}

char time_format::uses_any(std::string_view letters) const {
    for (const field& f : fields_) {
        if (f.letter != 0 && letters.find(f.letter) != std::string_view::npos) {
            return f.letter;
        }
    }
    return 0;
}

std::string time_format::format(int64_t epoch_ms, const time_zone& zone) const {
    std::string out;
    format_to(out, epoch_ms, zone);
    return out;
}

result<int64_t> time_format::parse(std::string_view text, const time_zone& zone) const {
    auto bad = [&](std::string_view why) {
        return error{errc::invalid_argument,
                     fmt::format("Text '{}' could not be parsed with pattern '{}'{}{}", text,
                                 pattern_, why.empty() ? "" : ": ", why)};
    };
    parsed p;
    size_t end = 0;
    parser ps(fields_, text);
    if (!ps.match(0, fields_.size(), 0, p, end) || end != text.size()) {
        return bad("");
    }
    int64_t year = p.year ? *p.year : (p.yy ? 2000 + *p.yy : 1970);
    int64_t month = p.month.value_or(1);
    int64_t day = p.day.value_or(1);
    if (p.day_of_year && !p.month && !p.day) {
        const int64_t max = civil::is_leap(year) ? 366 : 365;
        if (*p.day_of_year < 1 || *p.day_of_year > max) {
            return bad("day of year out of range");
        }
        const civil::date d =
            civil::civil_from_days(civil::days_from_civil(year, 1, 1) + *p.day_of_year - 1);
        month = d.month;
        day = d.day;
    }
    int64_t hour = 0;
    if (p.hour24) {
        hour = *p.hour24;
    } else if (p.hour12) {
        hour = *p.hour12 + (p.pm.value_or(false) ? 12 : 0);
    }
    const int64_t minute = p.minute.value_or(0);
    const int64_t second = p.second.value_or(0);
    if (month < 1 || month > 12) {
        return bad("month out of range");
    }
    if (day < 1 || day > civil::days_in_month(year, static_cast<int32_t>(month))) {
        return bad("day out of range");
    }
    if (hour > 23 || minute > 59 || second > 59) {
        return bad("time out of range");
    }
    const int64_t local =
        civil::days_from_civil(year, static_cast<int32_t>(month), static_cast<int32_t>(day)) *
            86400 +
        hour * 3600 + minute * 60 + second;
    int64_t offset = 0;
    if (p.offset) {
        offset = *p.offset;
    } else if (p.zone) {
        offset = p.zone->offset_for_local(local);
    } else {
        offset = zone.offset_for_local(local);
    }
    return (local - offset) * 1000 + p.nanos / 1'000'000;
}

}  // namespace cs::streams
