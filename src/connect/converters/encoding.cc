#include "connect/converters/encoding.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace cs::connect {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {  // '-' and '_': the URL-safe alphabet
        return 62;
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

// Two's complement negation of a big-endian byte string, in place.
void negate(std::vector<uint8_t>& b) {
    for (auto& x : b) {
        x = static_cast<uint8_t>(~x);
    }
    for (size_t i = b.size(); i-- > 0;) {
        if (++b[i] != 0) {
            break;
        }
    }
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16) |
                     (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8) |
                     static_cast<uint8_t>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    size_t rest = bytes.size() - i;
    if (rest > 0) {
        uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
        if (rest == 2) {
            v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
        }
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

result<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        int v = base64_value(text[i]);
        if (v < 0) {
            return error{errc::invalid_argument,
                         fmt::format("invalid base64 character '{}' at position {}", text[i], i)};
        }
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if (text.size() % 4 == 1) {
        return error{errc::invalid_argument, "truncated base64 text"};
    }
    return out;
}

result<std::string> decimal_from_text(std::string_view text, int32_t scale) {
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    std::string digits;
    int64_t exp10 = 0;
    bool seen_point = false;
    size_t i = 0;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            digits += c;
            if (seen_point) {
                --exp10;
            }
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (i < s.size()) {
        if (s[i] != 'e' && s[i] != 'E') {
            return error{errc::invalid_argument, fmt::format("'{}' is not a decimal number", text)};
        }
        std::string_view e = s.substr(i + 1);
        bool eneg = false;
        if (!e.empty() && (e[0] == '-' || e[0] == '+')) {
            eneg = e[0] == '-';
            e.remove_prefix(1);
        }
        if (e.empty() || e.size() > 6) {
            return error{errc::invalid_argument, fmt::format("'{}' is not a decimal number", text)};
        }
        int64_t ev = 0;
        for (char c : e) {
            if (c < '0' || c > '9') {
                return error{errc::invalid_argument,
                             fmt::format("'{}' is not a decimal number", text)};
            }
            ev = ev * 10 + (c - '0');
        }
        exp10 += eneg ? -ev : ev;
    }
    if (digits.empty()) {
        return error{errc::invalid_argument, fmt::format("'{}' is not a decimal number", text)};
    }
    int64_t shift = exp10 + scale;
    if (shift >= 0) {
        if (shift > 1000) {
            return error{errc::out_of_range, fmt::format("decimal '{}' is too large", text)};
        }
        digits.append(static_cast<size_t>(shift), '0');
    } else {
        size_t drop = static_cast<size_t>(-shift);
        size_t keep = drop >= digits.size() ? 0 : digits.size() - drop;
        if (std::any_of(digits.begin() + static_cast<std::ptrdiff_t>(keep), digits.end(),
                        [](char c) { return c != '0'; })) {
            return error{errc::invalid_argument,
                         fmt::format("decimal {} has more fraction digits than the schema's "
                                     "scale {}",
                                     text, scale)};
        }
        digits.resize(keep);
    }
    // Magnitude in base 256, big-endian.
    std::vector<uint8_t> mag;
    for (char c : digits) {
        uint32_t carry = static_cast<uint32_t>(c - '0');
        for (size_t k = mag.size(); k-- > 0;) {
            uint32_t v = mag[k] * 10u + carry;
            mag[k] = static_cast<uint8_t>(v & 0xff);
            carry = v >> 8;
        }
        while (carry != 0) {
            mag.insert(mag.begin(), static_cast<uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    while (!mag.empty() && mag.front() == 0) {
        mag.erase(mag.begin());
    }
    if (mag.empty()) {
        return std::string(1, '\0');
    }
    // Room for the sign bit, as Java's BigInteger.toByteArray gives it.
    if (mag.front() & 0x80) {
        mag.insert(mag.begin(), 0);
    }
    if (negative) {
        negate(mag);
        // A minimal two's complement: drop a redundant 0xff lead byte.
        while (mag.size() > 1 && mag[0] == 0xff && (mag[1] & 0x80)) {
            mag.erase(mag.begin());
        }
    }
    return std::string(mag.begin(), mag.end());
}

std::string decimal_to_text(std::string_view unscaled, int32_t scale) {
    std::vector<uint8_t> mag(unscaled.begin(), unscaled.end());
    bool negative = !mag.empty() && (mag[0] & 0x80);
    if (negative) {
        negate(mag);
    }
    // Base 256 -> base 10 digits (little-endian accumulation).
    std::vector<uint8_t> dec;  // least significant first
    for (uint8_t byte : mag) {
        uint32_t carry = byte;
        for (auto& d : dec) {
            uint32_t v = d * 256u + carry;
            d = static_cast<uint8_t>(v % 10);
            carry = v / 10;
        }
        while (carry != 0) {
            dec.push_back(static_cast<uint8_t>(carry % 10));
            carry /= 10;
        }
    }
    std::string digits;
    for (size_t k = dec.size(); k-- > 0;) {
        digits += static_cast<char>('0' + dec[k]);
    }
    if (digits.empty()) {
        digits.push_back('0');
    }
    bool nonzero = digits != "0";
    std::string out;
    if (negative && nonzero) {
        out += '-';
    }
    if (scale <= 0) {
        out += digits;
        if (nonzero) {
            out.append(static_cast<size_t>(-static_cast<int64_t>(scale)), '0');
        }
        return out;
    }
    size_t sc = static_cast<size_t>(scale);
    if (digits.size() <= sc) {
        out += "0.";
        out.append(sc - digits.size(), '0');
        out += digits;
    } else {
        out.append(digits, 0, digits.size() - sc);
        out += '.';
        out.append(digits, digits.size() - sc, std::string::npos);
    }
    return out;
}

}  // namespace cs::connect
