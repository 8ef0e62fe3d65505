#include "streams/value_text.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "base/civil_time.h"
#include "streams/sql_time_types.h"

namespace cs::streams {

namespace {

void append_int128(std::string& out, int128 v) {
    if (v == 0) {
        out += '0';
        return;
    }
    const bool negative = v < 0;
    char buf[48];
    char* p = buf + sizeof(buf);
    // Work on negative values so INT128_MIN needs no special case.
    int128 n = negative ? v : -v;
    while (n != 0) {
        *--p = static_cast<char>('0' - static_cast<int>(n % 10));
        n /= 10;
    }
    if (negative) {
        *--p = '-';
    }
    out.append(p, buf + sizeof(buf));
}

}  // namespace

std::string double_text(double d) {
    if (std::isnan(d)) {
        return "NaN";
    }
    if (std::isinf(d)) {
        return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
        return std::signbit(d) ? "-0.0" : "0.0";
    }
    // Shortest round-trip digits in scientific form: "-d.ddde+XX".
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<size_t>(end - buf));
    std::string out;
    if (sci.front() == '-') {
        out += '-';
        sci.remove_prefix(1);
    }
    const size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.') {
            digits += c;
        }
    }
    int exp = 0;
    std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
    const double mag = std::fabs(d);
    if (mag >= 1e-3 && mag < 1e7) {
        if (exp >= 0) {
            const size_t int_len = static_cast<size_t>(exp) + 1;
            if (digits.size() <= int_len) {
                out += digits;
                out.append(int_len - digits.size(), '0');
                out += ".0";
            } else {
                out += digits.substr(0, int_len);
                out += '.';
                out += digits.substr(int_len);
            }
        } else {
            out += "0.";
            out.append(static_cast<size_t>(-exp - 1), '0');
            out += digits;
        }
        return out;
    }
    out += digits[0];
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : "0";
    out += 'E';
    out += std::to_string(exp);
    return out;
}

std::string decimal_text(const decimal_value& d) {
    std::string digits;
    append_int128(digits, d.unscaled);
    if (d.scale <= 0) {
        if (d.unscaled != 0) {
            digits.append(static_cast<size_t>(-d.scale), '0');
        }
        return digits;
    }
    std::string sign;
    if (digits[0] == '-') {
        sign = "-";
        digits.erase(0, 1);
    }
    const auto scale = static_cast<size_t>(d.scale);
    if (digits.size() <= scale) {
        digits.insert(0, scale - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - scale, 1, '.');
    return sign + digits;
}

std::string timestamp_text(timestamp_ms t) {
    const int64_t days = civil::floor_div(t.millis, 86'400'000);
    const int64_t ms_of_day = civil::floor_mod(t.millis, 86'400'000);
    const civil::date date = civil::civil_from_days(days);
    const int64_t secs = ms_of_day / 1000;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", date.year, date.month, date.day,
                       secs / 3600, secs / 60 % 60, secs % 60, ms_of_day % 1000);
}

std::string base64_text(const std::string& bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16 |
                           static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8 |
                           static_cast<uint8_t>(bytes[i + 2]);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    if (i < bytes.size()) {
        uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) {
            n |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
        }
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += i + 1 < bytes.size() ? alphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

namespace {

void append_text(std::string& out, const value& v, const sql_type& t, bool nested);

}  // namespace

void append_value_text(std::string& out, const value& v, const sql_type& t) {
    append_text(out, v, t, false);
}

namespace {

// nested: inside an ARRAY, MAP or STRUCT, where Java prints the element's
// own toString (a TIME as java.sql.Time's "HH:mm:ss").
void append_text(std::string& out, const value& v, const sql_type& t, bool nested) {
    if (v.is_null()) {
        out += "null";
        return;
    }
    switch (t.kind) {
        case type_kind::boolean:
            out += v.as_bool() ? "true" : "false";
            return;
        case type_kind::integer:
            out += std::to_string(v.as_int());
            return;
        case type_kind::bigint:
            out += std::to_string(v.as_bigint());
            return;
        case type_kind::double_:
            out += double_text(v.as_double());
            return;
        case type_kind::decimal:
            out += decimal_text(v.as_decimal());
            return;
        case type_kind::string:
            out += v.as_string();
            return;
        case type_kind::bytes:
            out += base64_text(v.as_bytes().data);
            return;
        case type_kind::timestamp:
            out += timestamp_text(v.as_timestamp());
            return;
        case type_kind::date:
            out += sql_date_text(v.as_date());
            return;
        case type_kind::time:
            if (auto text = sql_time_text(v.as_time()); text && !nested) {
                out += *text;
            } else {
                out += java_sql_time_text(v.as_time());
            }
            return;
        case type_kind::array: {
            out += '[';
            bool first = true;
            for (const value& item : v.as_array()) {
                if (!first) {
                    out += ", ";
                }
                first = false;
                append_text(out, item, t.children.at(0), true);
            }
            out += ']';
            return;
        }
        case type_kind::map: {
            out += '{';
            bool first = true;
            for (const auto& [key, item] : v.as_map()) {
                if (!first) {
                    out += ", ";
                }
                first = false;
                out += key;
                out += '=';
                append_text(out, item, t.children.at(0), true);
            }
            out += '}';
            return;
        }
        case type_kind::struct_: {
            // Kafka Connect's Struct.toString: NULL fields are left out.
            out += "Struct{";
            const auto& fields = v.as_struct().fields;
            bool first = true;
            for (size_t i = 0; i < fields.size() && i < t.children.size(); ++i) {
                if (fields[i].is_null()) {
                    continue;
                }
                if (!first) {
                    out += ',';
                }
                first = false;
                out += t.field_names.at(i);
                out += '=';
                append_text(out, fields[i], t.children[i], true);
            }
            out += '}';
            return;
        }
    }
}

}  // namespace

std::string value_text(const value& v, const sql_type& t) {
    std::string out;
    append_value_text(out, v, t);
    return out;
}

}  // namespace cs::streams
