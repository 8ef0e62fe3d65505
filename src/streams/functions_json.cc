// EXTRACTJSONFIELD(json, path), as ksqlDB's JsonExtractString: the path is
// split into string tokens as JsonPathTokenizer does ('$.a.b[0]',
// '$["a b"]'); an array takes a token Integer.parseInt reads (else, or out
// of range: NULL), an object takes any token as a key, anything else gives
// NULL. A JSON string comes back unquoted, any other node (JSON null too,
// as "null") as Jackson's compact JSON text: non-integer numbers are exact
// BigDecimals written by BigDecimal.toString() (1.23450 stays 1.23450, 1e2
// is 1E+2), so numbers are formatted from their text, not from a double.
// Like Jackson's readTree, the first JSON value of the input counts and
// anything after it is ignored. Malformed JSON or a malformed path is an
// error (ksqlDB fails the record too), so the record goes to the
// dead-letter topic.

#include <fmt/format.h>

#include "streams/function_support.h"
#include "streams/json_cursor.h"

namespace cs::streams::fn {

namespace {

bool ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// JsonPathTokenizer's isLetterOrDigit, with every non-ASCII character taken
// as a letter.
bool subscript_char(char c) {
    return c == '_' || ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80;
}

// The tokens of a path. Besides JsonPathTokenizer's syntax, single quotes
// work like double quotes and an unquoted subscript may start with '-'
// (ksqlDB fails '$.a[-1]' in the tokenizer, which its query turns into a
// NULL column; here it is a token no array has, so NULL too).
result<std::vector<std::string>> parse_path(std::string_view path) {
    auto bad = [&] {
        return error{errc::invalid_argument, fmt::format("Invalid JSON path: '{}'", path)};
    };
    if (path.empty() || path[0] != '$') {
        return bad();
    }
    std::vector<std::string> tokens;
    size_t i = 1;
    auto run = [&](size_t start, auto accept) {
        while (i < path.size() && accept(path[i])) {
            ++i;
        }
        return std::string(path.substr(start, i - start));
    };
    while (i < path.size()) {
        const char c = path[i++];
        if (c == '.') {
            std::string token =
                run(i, [](char ch) { return ch == ':' || ch == '@' || subscript_char(ch); });
            if (token.empty()) {
                return bad();
            }
            tokens.push_back(std::move(token));
        } else if (c == '[' && i < path.size() && (path[i] == '"' || path[i] == '\'')) {
            const char quote = path[i++];
            std::string token;
            for (; i < path.size() && path[i] != quote; ++i) {
                if (path[i] == '\\') {
                    if (++i == path.size() || (path[i] != quote && path[i] != '\\')) {
                        return bad();
                    }
                }
                token += path[i];
            }
            if (i + 1 >= path.size() || path[i + 1] != ']') {
                return bad();
            }
            i += 2;
            tokens.push_back(std::move(token));
        } else if (c == '[') {
            const size_t start = i;
            i += i < path.size() && path[i] == '-' ? 1 : 0;
            std::string token = run(start, [&](char ch) { return subscript_char(ch); });
            if (token.empty() || token == "-" || i >= path.size() || path[i] != ']') {
                return bad();
            }
            ++i;
            tokens.push_back(std::move(token));
        } else {
            return bad();
        }
    }
    return tokens;
}

// Moves the cursor to the child `token` of the node at it; false if none.
bool step(json_cursor& c, const std::string& token) {
    const char open = c.peek();
    if (open == '[') {
        const auto index = parse_java_int(token);
        if (!index || *index < 0) {
            return false;
        }
        c.expect('[');
        for (int64_t k = 0; c.peek() != ']'; ++k) {
            if (k == *index) {
                return true;
            }
            c.skip_value();
            c.expect(',');
        }
        return false;
    }
    if (open != '{') {
        return false;
    }
    c.expect('{');
    std::optional<size_t> found;  // Jackson keeps the last of duplicate keys
    while (c.peek() != '}') {
        const bool match = c.string() == token;
        c.expect(':');
        if (match) {
            found = c.pos();
        }
        c.skip_value();
        c.expect(',');
    }
    if (found) {
        c.seek(*found);
    }
    return found.has_value();
}

result<value> extract_json_field(std::span<const value> a, const sql_type&) {
    auto tokens = parse_path(a[1].as_string());
    if (!tokens) {
        return tokens.take_error();
    }
    const std::string& input = a[0].as_string();
    json_cursor c(input);
    if (!c.read_valid()) {
        return error{errc::invalid_argument,
                     fmt::format("EXTRACTJSONFIELD: invalid JSON: {}", input.substr(0, 200))};
    }
    c.seek(0);
    for (const std::string& token : *tokens) {
        if (!step(c, token)) {
            return value();
        }
    }
    if (c.peek() == '"') {
        return value(c.string());
    }
    std::string out;
    c.write(out);
    return value(std::move(out));
}

}  // namespace

void register_json_functions(registry& r) {
    r.add("EXTRACTJSONFIELD", {"EXTRACTJSONFIELD(STRING json, STRING path)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &extract_json_field);
          });
}

}  // namespace cs::streams::fn
