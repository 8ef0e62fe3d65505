#pragma once

// JSON numbers that simdjson cannot hold: an integer beyond 64 bits
// (123456789012345678901234) or a number beyond a double (1e400) makes
// simdjson refuse the whole document, while the JSON is valid and ksqlDB
// (Jackson with BigInteger/BigDecimal) reads it. The record decoder then
// parses again with those numbers as strings holding their exact text: a
// field that is no column is ignored as it should be, a STRING or DECIMAL
// column gets the exact digits, and a column that cannot hold the value
// (BIGINT, INT) says so, with the number in the message.

#include <optional>
#include <string>
#include <string_view>

namespace cs::streams {

//
// The same serves DECIMAL columns: simdjson reads 1234567890123456789.25 as
// a double, which keeps 15-17 significant digits; quoted, the decimal gets
// every digit, as ksqlDB's BigDecimal does.

enum class quote_numbers {
    unrepresentable,  // fits neither int64, uint64 nor a finite double
    inexact,          // also: a fraction or exponent with more than 15 significant digits
};

// json with every number token of that kind turned into a string of its
// text; nullopt when there is none (for `unrepresentable`: the document's
// trouble is elsewhere). Strings are skipped, escapes included; the rest of
// the text is kept byte for byte; what is no JSON number is left alone.
std::optional<std::string> quote_json_numbers(std::string_view json, quote_numbers which);

}  // namespace cs::streams
