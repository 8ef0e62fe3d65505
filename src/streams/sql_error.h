#pragma once

// Rendering of SQL errors that point into the statement text:
//   line 1:29: unknown column 'USERID', did you mean 'USER_ID'?
//   SELECT * FROM clicks WHERE userid = 'a';
//                              ^

#include <span>
#include <string>
#include <string_view>

#include "streams/ast.h"

namespace cs::streams {

// `text` is the SQL the positions refer to, starting at `text_start` in the
// original script (line 1:1 when text is the whole script). The message is
// "line L:C: <message>", then the source line and a caret under column C.
std::string format_sql_error(std::string_view text, ast::source_pos at, std::string_view message,
                             ast::source_pos text_start = {});

// Same, for a position inside a parsed statement (text = statement.text).
std::string format_sql_error(const ast::statement& stmt, ast::source_pos at,
                             std::string_view message);

// The closest candidate to `name` if it is close enough to be a plausible
// typo (distance <= max(1, len/3)); empty when none is.
std::string closest_match(std::string_view name, std::span<const std::string> candidates);

// ", did you mean 'X'?" or "" (ready to append to a message).
std::string did_you_mean(std::string_view name, std::span<const std::string> candidates);

}  // namespace cs::streams
