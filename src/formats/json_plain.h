#pragma once

// The scan at the heart of JSON string escaping: how many bytes at the start
// of a string are copied as they are (printable ASCII other than '"' and
// '\\'). Everything else (control and non-ASCII bytes, the quote, the
// backslash) gets a look from append_json_string (json_writer.h). Two
// implementations that must agree (json_writer_test.cc checks they do on
// every position of every length): sixteen bytes at a time with SSE2 (every
// x86-64) and eight at a time in portable SWAR elsewhere.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cs::formats::json_plain {

// True when none of the 8 bytes of w needs a look (SWAR: a byte's high bit
// marks a control byte, a quote, a backslash or a non-ASCII byte; borrows
// can only add marks after a byte that is marked already, so a clean word is
// never misjudged).
inline bool plain_word(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101ULL;
    constexpr uint64_t high = 0x8080808080808080ULL;
    const uint64_t control = (w - ones * 0x20) & ~w;
    const uint64_t q = w ^ (ones * '"');
    const uint64_t bs = w ^ (ones * '\\');
    return ((control | ((q - ones) & ~q) | ((bs - ones) & ~bs) | w) & high) == 0;
}

inline bool plain_byte(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// The index of the first byte of s that needs a look, or s.size().
inline size_t prefix_swar(std::string_view s) {
    size_t i = 0;
    for (uint64_t w; i + 8 <= s.size(); i += 8) {
        std::memcpy(&w, s.data() + i, 8);
        if (!plain_word(w)) {
            break;
        }
    }
    while (i < s.size() && plain_byte(s[i])) {
        ++i;
    }
    return i;
}

#if defined(__SSE2__)
// Bit k set when byte k of the 16 at p needs a look: a control byte or a
// non-ASCII one (both are below 0x20 as signed bytes), '"' or '\\'.
inline unsigned look_mask(const char* p) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i marks = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                                       _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                                    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
    return static_cast<unsigned>(_mm_movemask_epi8(marks));
}

// Sixteen bytes at a time; the tail as the last sixteen (the bytes it
// shares with the blocks before are known plain); a string shorter than
// sixteen as two overlapping words (no read outside the string).
inline size_t prefix_sse2(std::string_view s) {
    const char* p = s.data();
    const size_t n = s.size();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        if (unsigned m = look_mask(p + i); m != 0) {
            return i + static_cast<size_t>(__builtin_ctz(m));
        }
    }
    if (i == n) {
        return n;
    }
    if (n >= 16) {
        const unsigned m = look_mask(p + n - 16);
        return m == 0 ? n : n - 16 + static_cast<size_t>(__builtin_ctz(m));
    }
    // Shorter than a block: two overlapping words (of eight bytes, or of
    // four spread to eight), else byte by byte to find the one.
    uint64_t w0 = 0;
    uint64_t w1 = 0;
    if (n >= 8) {
        std::memcpy(&w0, p, 8);
        std::memcpy(&w1, p + n - 8, 8);
    } else if (n >= 4) {
        uint32_t h0 = 0;
        uint32_t h1 = 0;
        std::memcpy(&h0, p, 4);
        std::memcpy(&h1, p + n - 4, 4);
        w0 = w1 = uint64_t{h1} << 32 | h0;
    } else {
        uint64_t w = 0x2020202020202020ULL;  // spaces: plain
        std::memcpy(&w, p, n);
        w0 = w1 = w;
    }
    if (plain_word(w0) && plain_word(w1)) {
        return n;
    }
    while (i < n && plain_byte(p[i])) {
        ++i;
    }
    return i;
}
#endif

inline size_t prefix(std::string_view s) {
#if defined(__SSE2__)
    return prefix_sse2(s);
#else
    return prefix_swar(s);
#endif
}

}  // namespace cs::formats::json_plain
