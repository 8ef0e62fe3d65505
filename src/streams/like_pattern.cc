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
    // for patterns without '%', O(n*m) worst case otherwise.
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
            if (p.kind == piece_kind::any_one && si < s.size()) {
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
        if (star_piece == std::string::npos || star_s >= s.size()) {
            return false;
        }
        star_s = next_code_point(s, star_s);
        si = star_s;
        pi = star_piece + 1;
    }
}

}  // namespace cs::streams
