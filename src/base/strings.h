#pragma once

// Small text helpers shared by config readers: trimming blanks and splitting
// comma-separated lists the way Kafka's ConfigDef reads a LIST value.

#include <string>
#include <string_view>
#include <vector>

namespace cs {

// Without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view s);

// "a, b,,c " -> {"a", "b", "c"}: items trimmed, empty ones dropped.
std::vector<std::string> split_list(std::string_view s, char sep = ',');

}  // namespace cs
