#pragma once

// Character positions in UTF-8 strings for the string functions. ksqlDB
// counts UTF-16 code units (Java's String); we count code points, which is
// the same for every character outside the supplementary planes (emoji are
// 1 here, 2 in ksqlDB). ASCII-only strings take a byte-indexed fast path.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cs::streams::utf8 {

inline bool is_ascii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            return false;
        }
    }
    return true;
}

inline bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Number of code points.
inline size_t length(std::string_view s) {
    size_t n = 0;
    for (char c : s) {
        n += is_continuation(c) ? 0 : 1;
    }
    return n;
}

// Byte offset of code point `index` (s.size() when index >= length).
inline size_t byte_offset(std::string_view s, size_t index) {
    size_t i = 0;
    for (; i < s.size(); ++i) {
        if (!is_continuation(s[i])) {
            if (index == 0) {
                return i;
            }
            --index;
        }
    }
    return s.size();
}

// Code point index of byte offset `pos` (which is at a code point start).
inline size_t char_index(std::string_view s, size_t pos) {
    return length(s.substr(0, pos));
}

// The code point starting at byte s[i]; advances i past it. A malformed
// sequence gives U+FFFD and advances one byte.
inline uint32_t decode(std::string_view s, size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > s.size()) {
        ++i;
        return 0xFFFD;
    }
    uint32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        if (!is_continuation(s[i + k])) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += n;
    return cp;
}

// The code points of s.
inline std::u32string code_points(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        out += static_cast<char32_t>(decode(s, i));
    }
    return out;
}

}  // namespace cs::streams::utf8
