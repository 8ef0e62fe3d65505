#include "streams/json_cursor.h"

#include <algorithm>

#include <fmt/format.h>

namespace cs::streams {

std::optional<int64_t> parse_java_int(std::string_view s) {
    const size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (s.size() == sign) {
        return std::nullopt;
    }
    int64_t v = 0;
    for (size_t i = sign; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        v = v * 10 + (s[i] - '0');
        if (v > int64_t{1} << 31) {
            return std::nullopt;
        }
    }
    v = s[0] == '-' ? -v : v;
    if (v > INT32_MAX) {
        return std::nullopt;
    }
    return v;
}

namespace {

// A JSON number as BigDecimal holds it: sign, unscaled digits (no leading
// zeros, "0" for zero) and scale.
struct big_decimal {
    bool negative = false;
    std::string digits;
    int64_t scale = 0;
};

big_decimal parse_big_decimal(std::string_view n) {
    big_decimal d;
    d.negative = n[0] == '-';
    size_t i = d.negative ? 1 : 0;
    for (bool fraction = false; i < n.size() && n[i] != 'e' && n[i] != 'E'; ++i) {
        if (n[i] == '.') {
            fraction = true;
            continue;
        }
        d.digits += n[i];
        d.scale += fraction ? 1 : 0;
    }
    if (i < n.size()) {
        const auto exponent = parse_java_int(n.substr(i + 1));
        d.scale -= exponent.value_or(0);
    }
    const size_t lead = std::min(d.digits.find_first_not_of('0'), d.digits.size() - 1);
    d.digits.erase(0, lead);
    return d;
}

// digits with `scale` of them after a decimal point (scale >= 0).
std::string with_point(const std::string& digits, int64_t scale) {
    const auto len = static_cast<int64_t>(digits.size());
    if (scale == 0) {
        return digits;
    }
    if (len > scale) {
        return digits.substr(0, static_cast<size_t>(len - scale)) + '.' +
               digits.substr(static_cast<size_t>(len - scale));
    }
    return "0." + std::string(static_cast<size_t>(scale - len), '0') + digits;
}

}  // namespace

std::string big_decimal_text(std::string_view n) {
    const big_decimal d = parse_big_decimal(n);
    const int64_t adjusted = -d.scale + static_cast<int64_t>(d.digits.size()) - 1;
    std::string out = d.negative && d.digits != "0" ? "-" : "";
    if (d.scale >= 0 && adjusted >= -6) {
        return out + with_point(d.digits, d.scale);
    }
    out += d.digits[0];
    if (d.digits.size() > 1) {
        out += '.' + d.digits.substr(1);
    }
    if (adjusted != 0) {
        out += fmt::format("E{}{}", adjusted > 0 ? "+" : "", adjusted);
    }
    return out;
}

std::string big_decimal_plain_text(std::string_view n) {
    const big_decimal d = parse_big_decimal(n);
    if (d.digits == "0" && d.scale < 0) {
        return "0";
    }
    std::string out = d.negative && d.digits != "0" ? "-" : "";
    if (d.scale < 0) {
        return out + d.digits + std::string(static_cast<size_t>(-d.scale), '0');
    }
    return out + with_point(d.digits, d.scale);
}

}  // namespace cs::streams
