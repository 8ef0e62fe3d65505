#pragma once

// Random damage to valid input, for the tests that check a decoder or
// parser fails cleanly on anything (serde_mutation_test.cc,
// parser_mutation_test.cc): bytes flipped, ranges deleted or duplicated,
// tokens that trip parsers inserted, the end cut off. The generator has a
// fixed seed, so a failure replays.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace cs::streams::testing {

inline std::mt19937 mutation_rng() {
    return std::mt19937(20261127);
}

inline const std::vector<std::string> mutation_tokens = {
    // JSON and text decoders
    "\\u0000", "\\ud800", "1e400", "-0", "9223372036854775808", "\"", "\\", "{", "}", "[", "]", ":",
    ",", "null", "tru", "NaN", "\xff", "\xc3", std::string(1, '\0'), "  ", "1.7976931348623157e309",
    "\"\":\"\"", "\n", "'", "\"\"\"", "0x10",
    // SQL
    "`", "/*", "--", "${x}", ";", "(", ")", "->", "SELECT", "WINDOW", "EMIT CHANGES", "GROUP BY",
    "JOIN", "CAST(", "ARRAY[", "MAP(", "STRUCT(", "=>", "CASE", "END", "*", "''"};

inline std::string mutate(std::string s, std::mt19937& rng) {
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n)(rng); };
    const int steps = 1 + static_cast<int>(pick(3));
    for (int i = 0; i < steps; ++i) {
        const size_t at = pick(s.size());
        switch (pick(5)) {
            case 0:  // flip a byte
                if (!s.empty()) {
                    s[std::min(at, s.size() - 1)] = static_cast<char>(pick(255));
                }
                break;
            case 1:  // delete a range
                s.erase(at, pick(8));
                break;
            case 2:  // duplicate a range
                s.insert(at, s.substr(pick(s.size()), pick(12)));
                break;
            case 3:  // insert a token that trips parsers
            case 4:
                s.insert(at, mutation_tokens[pick(mutation_tokens.size() - 1)]);
                break;
            default:  // truncate
                s.resize(at);
                break;
        }
    }
    return s;
}

}  // namespace cs::streams::testing
