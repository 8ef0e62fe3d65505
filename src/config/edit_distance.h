#pragma once

// Damerau-Levenshtein distance (optimal string alignment: insertions,
// deletions, substitutions and transpositions of adjacent characters each cost
// 1), used to suggest the key a user probably meant.

#include <cstddef>
#include <string_view>

namespace cs::config {

size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace cs::config
