#include "streams/script_input.h"

#include "streams/lexer.h"

namespace cs::streams {

script_input classify_script_input(std::string_view text) {
    auto tokens = tokenize(text);
    if (!tokens) {
        // A string, identifier or comment still open may close on a later
        // line; any other lexical error is the parser's to report now.
        return tokens.err().message.find("unterminated") != std::string::npos
                   ? script_input::partial
                   : script_input::complete;
    }
    // The last token is always token_kind::end.
    if (tokens->size() < 2) {
        return script_input::empty;
    }
    const token& last = (*tokens)[tokens->size() - 2];
    return last.is_symbol(";") ? script_input::complete : script_input::partial;
}

}  // namespace cs::streams
