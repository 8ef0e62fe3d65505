#include "streams/serde_text.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace cs::streams::serde_detail {

__extension__ typedef unsigned __int128 uint128;

void append_java_double(std::string& out, double d) {
    if (std::isnan(d)) {
        out += "NaN";
        return;
    }
    if (std::isinf(d)) {
        out += d < 0 ? "-Infinity" : "Infinity";
        return;
    }
    if (d == 0) {
        out += std::signbit(d) ? "-0.0" : "0.0";
        return;
    }
    // Shortest round-trip digits in scientific form: "-1.2345e-05".
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    (void)ec;
    std::string_view sci(buf, static_cast<size_t>(end - buf));
    bool negative = sci.front() == '-';
    if (negative) {
        sci.remove_prefix(1);
    }
    size_t e = sci.find('e');
    std::string_view mantissa = sci.substr(0, e);
    int exponent = 0;
    std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                    exponent);
    // Significant digits without the point.
    char digits[32];
    size_t n = 0;
    for (char c : mantissa) {
        if (c != '.') {
            digits[n++] = c;
        }
    }
    if (negative) {
        out += '-';
    }
    double mag = std::fabs(d);
    if (mag >= 1e-3 && mag < 1e7) {
        if (exponent >= 0) {
            size_t int_digits = static_cast<size_t>(exponent) + 1;
            for (size_t i = 0; i < int_digits; ++i) {
                out += i < n ? digits[i] : '0';
            }
            out += '.';
            if (n > int_digits) {
                out.append(digits + int_digits, n - int_digits);
            } else {
                out += '0';
            }
        } else {
            out += "0.";
            out.append(static_cast<size_t>(-exponent - 1), '0');
            out.append(digits, n);
        }
        return;
    }
    out += digits[0];
    out += '.';
    if (n > 1) {
        out.append(digits + 1, n - 1);
    } else {
        out += '0';
    }
    out += 'E';
    out += std::to_string(exponent);
}

namespace {

void append_uint128(std::string& out, uint128 v) {
    char buf[48];
    size_t n = 0;
    do {
        buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        out += buf[--n];
    }
}

}  // namespace

void append_decimal(std::string& out, const decimal_value& d) {
    bool negative = d.unscaled < 0;
    uint128 mag =
        negative ? static_cast<uint128>(-(d.unscaled + 1)) + 1 : static_cast<uint128>(d.unscaled);
    std::string digits;
    append_uint128(digits, mag);
    if (negative) {
        out += '-';
    }
    if (d.scale <= 0) {
        out += digits;
        out.append(static_cast<size_t>(-d.scale), '0');
        return;
    }
    auto scale = static_cast<size_t>(d.scale);
    if (digits.size() <= scale) {
        out += "0.";
        out.append(scale - digits.size(), '0');
        out += digits;
        return;
    }
    out.append(digits, 0, digits.size() - scale);
    out += '.';
    out.append(digits, digits.size() - scale, scale);
}

result<decimal_value> parse_decimal(std::string_view text, int32_t precision, int32_t scale) {
    auto bad = [&](std::string_view why) {
        return error{errc::invalid_argument,
                     fmt::format("'{}' is not a DECIMAL({}, {}): {}", text, precision, scale, why)};
    };
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    // Digits (point removed) and the position of the point.
    std::string digits;
    int64_t frac_digits = 0;
    bool seen_point = false;
    bool any_digit = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            digits += c;
            any_digit = true;
            if (seen_point) {
                ++frac_digits;
            }
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!any_digit) {
        return bad("not a number");
    }
    if (i < text.size()) {
        if (text[i] != 'e' && text[i] != 'E') {
            return bad("not a number");
        }
        int64_t exp = 0;
        std::string_view rest = text.substr(i + 1);
        if (!rest.empty() && rest.front() == '+') {
            rest.remove_prefix(1);
        }
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), exp);
        if (ec != std::errc() || p != rest.data() + rest.size() || exp > 1000 || exp < -1000) {
            return bad("not a number");
        }
        frac_digits -= exp;
    }
    // Bring to the target scale: append zeros, or drop zeros. Digits that
    // are not zeros would need rounding, which ksqlDB refuses
    // (DecimalUtil.ensureFit: "without rounding").
    int64_t shift = scale - frac_digits;
    if (shift >= 0) {
        if (shift > 80) {
            return bad("too many digits");
        }
        digits.append(static_cast<size_t>(shift), '0');
    } else {
        auto drop = std::min(static_cast<size_t>(-shift), digits.size());
        if (digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
            return bad(
                fmt::format("it has more than {} decimal places; rounding it is refused", scale));
        }
        digits.resize(digits.size() - drop);
    }
    size_t first = digits.find_first_not_of('0');
    digits = first == std::string::npos ? std::string() : digits.substr(first);
    if (digits.size() > 38) {
        return bad("too many digits");
    }
    uint128 mag = 0;
    for (char c : digits) {
        mag = mag * 10 + static_cast<unsigned>(c - '0');
    }
    uint128 limit = 1;
    for (int32_t k = 0; k < precision; ++k) {
        limit *= 10;
    }
    if (mag >= limit) {
        return bad(fmt::format("more than {} digits", precision));
    }
    auto v = static_cast<int128>(mag);
    return decimal_value{negative ? -v : v, scale};
}

namespace {

constexpr char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_index(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

}  // namespace

void append_base64(std::string& out, std::string_view bytes) {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])); };
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = b(i) << 16 | b(i + 1) << 8 | b(i + 2);
        out += b64_chars[v >> 18 & 63];
        out += b64_chars[v >> 12 & 63];
        out += b64_chars[v >> 6 & 63];
        out += b64_chars[v & 63];
    }
    if (size_t rest = bytes.size() - i; rest > 0) {
        uint32_t v = b(i) << 16 | (rest == 2 ? b(i + 1) << 8 : 0);
        out += b64_chars[v >> 18 & 63];
        out += b64_chars[v >> 12 & 63];
        out += rest == 2 ? b64_chars[v >> 6 & 63] : '=';
        out += '=';
    }
}

result<std::string> decode_base64(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    uint32_t acc = 0;
    int bits = 0;
    size_t pad = 0;
    for (char c : text) {
        if (c == '=') {
            ++pad;
            continue;
        }
        int v = b64_index(c);
        if (v < 0 || pad > 0) {
            return error{errc::invalid_argument, "not valid base64"};
        }
        acc = acc << 6 | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(acc >> bits & 0xFF);
        }
    }
    if (pad > 2 || (text.size() % 4 != 0)) {
        return error{errc::invalid_argument, "not valid base64"};
    }
    return out;
}

bool parse_int64(std::string_view text, int64_t& out) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

bool parse_double(std::string_view text, double& out) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

status split_delimited(std::string_view text, char delimiter, std::vector<std::string_view>& fields,
                       std::vector<bool>& quoted, std::string& scratch) {
    scratch.clear();
    scratch.reserve(text.size());  // views into scratch must never move
    size_t i = 0;
    while (true) {
        if (i < text.size() && text[i] == '"') {
            size_t start = scratch.size();
            ++i;
            bool closed = false;
            while (i < text.size()) {
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        scratch += '"';
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                scratch += text[i++];
            }
            if (!closed) {
                return status(errc::invalid_argument,
                              fmt::format("unterminated quoted field {}", fields.size() + 1));
            }
            fields.push_back(std::string_view(scratch).substr(start));
            quoted.push_back(true);
            if (i < text.size() && text[i] != delimiter) {
                return status(
                    errc::invalid_argument,
                    fmt::format("text after the closing quote of field {}", fields.size()));
            }
        } else {
            size_t end = text.find(delimiter, i);
            if (end == std::string_view::npos) {
                end = text.size();
            }
            fields.push_back(text.substr(i, end - i));
            quoted.push_back(false);
            i = end;
        }
        if (i >= text.size()) {
            break;
        }
        ++i;  // the delimiter
    }
    return {};
}

void append_delimited_field(std::string& out, std::string_view field, char delimiter, bool first) {
    // CSVFormat.printAndQuote (QuoteMode.MINIMAL) of Commons CSV 1.4, which
    // ksqlDB uses.
    bool quote = false;
    if (field.empty()) {
        quote = first;  // an empty first field would read as no field
    } else {
        const auto c = static_cast<unsigned char>(field.front());
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if ((first && !alnum) || c <= '#') {
            quote = true;
        } else {
            for (char ch : field) {
                if (ch == delimiter || ch == '"' || ch == '\r' || ch == '\n') {
                    quote = true;
                    break;
                }
            }
            quote = quote || static_cast<unsigned char>(field.back()) <= ' ';
        }
    }
    if (!quote) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

}  // namespace cs::streams::serde_detail
