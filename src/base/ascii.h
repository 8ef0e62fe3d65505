#pragma once

// ASCII case folding for configuration values, protocol names and SQL
// keyword-like arguments (Kafka's config values compare case-insensitively
// in ASCII, as Java's toLowerCase(Locale.ROOT) does for them). Not for user
// text.

#include <string>
#include <string_view>

namespace cs {

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

inline std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

}  // namespace cs
