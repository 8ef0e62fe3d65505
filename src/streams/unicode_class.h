#pragma once

// The character classes of Java's Character.getType that the MASK functions
// tell apart: UPPERCASE_LETTER (Lu), LOWERCASE_LETTER (Ll),
// DECIMAL_DIGIT_NUMBER (Nd), everything else. The table comes from
// scripts/gen_unicode_class.py (Python's unicodedata; Java 17 has Unicode
// 13, the table a later version, which differs only for newly added
// characters).

#include <cstdint>

namespace cs::streams::unicode {

enum class char_class { upper, lower, digit, other };

char_class classify(uint32_t cp);

}  // namespace cs::streams::unicode
