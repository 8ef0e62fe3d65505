#include "streams/like_pattern.h"

namespace cs::streams {

namespace {

size_t next_code_point(std::string_view s, size_t i) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
        ++i;
    }
    return i;
}

// Java's line terminators, which '.' (without DOTALL) does not match:
// \n, \r, U+0085, U+2028, U+2029.
bool line_terminator_at(std::string_view s, size_t i) {
    const std::string_view rest = s.substr(i);
    return rest.starts_with('\n') || rest.starts_with('\r') || rest.starts_with("\xC2\x85") ||
           rest.starts_with("\xE2\x80\xA8") || rest.starts_with("\xE2\x80\xA9");
}

}  // namespace

result<like_pattern> like_pattern::compile(std::string_view pattern, std::optional<char> escape) {
    like_pattern p;
    std::string lit;
    auto flush = [&]() {
        if (!lit.empty()) {
            p.pieces_.push_back({piece_kind::literal, std::move(lit)});
            lit.clear();
        }
    };
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (escape && c == *escape) {
            if (i + 1 >= pattern.size()) {
                return error{errc::invalid_argument, "LIKE pattern '" + std::string(pattern) +
                                                         "' ends with the escape character"};
            }
            lit += pattern[++i];
        } else if (c == '%') {
            flush();
            // Consecutive '%' are one.
            if (p.pieces_.empty() || p.pieces_.back().kind != piece_kind::any_seq) {
                p.pieces_.push_back({piece_kind::any_seq, {}});
            }
        } else if (c == '_') {
            flush();
            p.pieces_.push_back({piece_kind::any_one, {}});
        } else {
            lit += c;
        }
    }
    flush();
    return p;
}

bool like_pattern::matches(std::string_view s) const {
    // Greedy matching with one backtrack point: the last '%' seen. Linear
    // for patterns without '%', O(n*m) worst case otherwise. '%' and '_'
    // do not match line terminators (ksqlDB compiles LIKE to a Java regex
    // without DOTALL). Greedy stays exact with that: a '%' cannot cross a
    // terminator, so between two '%' the text after one can match at most
    // once before the next terminator if it holds a terminator, and if it
    // does not, an earlier match leaves the next '%' at least as much room.
    size_t pi = 0;
    size_t si = 0;
    size_t star_piece = std::string::npos;
    size_t star_s = 0;
    while (true) {
        if (pi < pieces_.size()) {
            const piece& p = pieces_[pi];
            if (p.kind == piece_kind::any_seq) {
                star_piece = pi++;
                star_s = si;
                continue;
            }
            if (p.kind == piece_kind::any_one && si < s.size() && !line_terminator_at(s, si)) {
                si = next_code_point(s, si);
                ++pi;
                continue;
            }
            if (p.kind == piece_kind::literal && s.substr(si, p.text.size()) == p.text) {
                si += p.text.size();
                ++pi;
                continue;
            }
        } else if (si == s.size()) {
            return true;
        }
        // Mismatch: let the last '%' swallow one more character.
        if (star_piece == std::string::npos || star_s >= s.size() ||
            line_terminator_at(s, star_s)) {
            return false;
        }
        star_s = next_code_point(s, star_s);
        si = star_s;
        pi = star_piece + 1;
    }
}

}  // namespace cs::streams
