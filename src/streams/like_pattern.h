#pragma once

// SQL LIKE matching: '%' matches any sequence (also empty), '_' exactly one
// character (a UTF-8 code point), the optional escape character makes the
// next '%', '_' or escape literal. Case-sensitive, as in ksqlDB; like
// ksqlDB's regex without DOTALL, neither '%' nor '_' matches a line
// terminator (\n, \r, U+0085, U+2028, U+2029).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cs::streams {

class like_pattern {
  public:
    // errc::invalid_argument for a pattern ending in a lone escape character.
    static result<like_pattern> compile(std::string_view pattern, std::optional<char> escape);

    bool matches(std::string_view s) const;

  private:
    enum class piece_kind { literal, any_one, any_seq };
    struct piece {
        piece_kind kind;
        std::string text;  // literal only
    };
    std::vector<piece> pieces_;
};

}  // namespace cs::streams
