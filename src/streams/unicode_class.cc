#include "streams/unicode_class.h"

#include <algorithm>
#include <iterator>

namespace cs::streams::unicode {

namespace {

// upper_lower: upper-case at even offsets from `first`, lower-case at odd
// ones (lower_upper the other way round).
enum class run : uint8_t { upper, lower, digit, upper_lower, lower_upper };

struct range {
    uint32_t first;
    uint32_t last;
    run kind;
};

constexpr range table[] = {
#include "streams/unicode_class_table.inc"
};

}  // namespace

char_class classify(uint32_t cp) {
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') {
            return char_class::upper;
        }
        if (cp >= 'a' && cp <= 'z') {
            return char_class::lower;
        }
        return cp >= '0' && cp <= '9' ? char_class::digit : char_class::other;
    }
    const auto* it = std::upper_bound(std::begin(table), std::end(table), cp,
                                      [](uint32_t c, const range& r) { return c < r.first; });
    if (it == std::begin(table) || cp > std::prev(it)->last) {
        return char_class::other;
    }
    const range& r = *std::prev(it);
    const bool even = (cp - r.first) % 2 == 0;
    switch (r.kind) {
        case run::upper:
            return char_class::upper;
        case run::lower:
            return char_class::lower;
        case run::digit:
            return char_class::digit;
        case run::upper_lower:
            return even ? char_class::upper : char_class::lower;
        case run::lower_upper:
            return even ? char_class::lower : char_class::upper;
    }
    return char_class::other;
}

}  // namespace cs::streams::unicode
