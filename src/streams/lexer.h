#pragma once

// Tokenizer for the ksqlDB dialect. Unquoted identifiers (and keywords) are
// upper-cased in `text`; backticked identifiers keep their case; string
// literals are unescaped ('' -> '). Comments (`-- ...` to end of line,
// `/* ... */`) and whitespace are skipped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/ast.h"

namespace cs::streams {

enum class token_kind : uint8_t {
    identifier,         // unquoted: text upper-cased; also every keyword
    quoted_identifier,  // `like this`: text without backticks, case kept
    string,             // 'text': unescaped
    variable,           // ${name}: text is the name as written (variables.h substitutes it)
    integer,            // 123
    decimal,            // 1.5, .5, 1.
    floating,           // 1e3, 1.5E-3
    symbol,             // ( ) , . ; * + - / % = != <> < <= > >= || -> [ ] :
    end,
};

struct token {
    token_kind kind = token_kind::end;
    std::string text;
    ast::source_pos pos;
    size_t offset = 0;  // byte offset of the first character in the source
    size_t length = 0;  // bytes in the source (including quotes)

    bool is_symbol(std::string_view s) const { return kind == token_kind::symbol && text == s; }
    // A keyword is an unquoted identifier with that (upper-case) spelling.
    bool is_keyword(std::string_view k) const {
        return kind == token_kind::identifier && text == k;
    }
};

// The whole text as tokens, ending with one token_kind::end. Errors
// (unterminated string/comment/identifier, stray character) carry
// line:column and a caret.
result<std::vector<token>> tokenize(std::string_view sql);

// How a token is shown in "mismatched input" messages: 'FORM', <EOF>.
std::string describe_token(const token& t, std::string_view sql);

}  // namespace cs::streams
