#pragma once

// Statements typed or piped line by line (the interactive `clickstream
// streams` shell, as ksqlDB's CLI reads them): when does the text read so
// far hold statements that can run?

#include <string_view>

namespace cs::streams {

enum class script_input {
    empty,     // only whitespace and comments
    partial,   // more lines are needed: no ';' after the last statement
               // yet, or inside an unterminated string, quoted identifier
               // or block comment
    complete,  // ends (comments and whitespace aside) with a ';' that
               // closes a statement; run it (parse_script reports errors)
};

script_input classify_script_input(std::string_view text);

}  // namespace cs::streams
