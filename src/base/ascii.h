#pragma once

// ASCII case folding for configuration values, protocol names and SQL
// keyword-like arguments (Kafka's config values compare case-insensitively
// in ASCII, as Java's toLowerCase(Locale.ROOT) does for them). Not for user
// text.

#include <string>
#include <string_view>

namespace cs {

constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = ascii_lower(c);
    }
    return out;
}

inline std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = ascii_upper(c);
    }
    return out;
}

// a == b ignoring ASCII case (Java's equalsIgnoreCase on ASCII text).
constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

// text starts with prefix, ignoring ASCII case.
constexpr bool ascii_istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && ascii_iequals(text.substr(0, prefix.size()), prefix);
}

// a < b comparing ASCII-lower-cased bytes (an ordering for case-insensitive
// maps: `std::map<std::string, T, ascii_iless>`).
struct ascii_iless {
    using is_transparent = void;
    constexpr bool operator()(std::string_view a, std::string_view b) const {
        for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
            char x = ascii_lower(a[i]);
            char y = ascii_lower(b[i]);
            if (x != y) {
                return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
            }
        }
        return a.size() < b.size();
    }
};

}  // namespace cs
