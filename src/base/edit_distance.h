#pragma once

// Damerau-Levenshtein distance (optimal string alignment: insertions,
// deletions, substitutions and transpositions of adjacent characters each cost
// 1), used to suggest the key or name a user probably meant; optionally
// comparing letters without their ASCII case (SQL identifiers).

#include <cstddef>
#include <string_view>

namespace cs {

size_t edit_distance(std::string_view a, std::string_view b, bool ignore_ascii_case = false);

}  // namespace cs
