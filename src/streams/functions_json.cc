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

#include "base/strings.h"
#include "formats/json_writer.h"
#include "streams/function_support.h"

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

// Integer.parseInt: an optional sign and decimal digits within int range.
std::optional<int64_t> parse_java_int(std::string_view s) {
    const size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (s.size() == sign) {
        return std::nullopt;
    }
    int64_t v = 0;
    for (size_t i = sign; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        v = v * 10 + (s[i] - '0');
        if (v > int64_t{1} << 31) {
            return std::nullopt;
        }
    }
    v = s[0] == '-' ? -v : v;
    if (v > INT32_MAX) {
        return std::nullopt;
    }
    return v;
}

// BigDecimal(text).toString() for a JSON number with a fraction or exponent.
std::string big_decimal_text(std::string_view n) {
    const bool negative = n[0] == '-';
    size_t i = negative ? 1 : 0;
    std::string digits;
    int64_t scale = 0;
    for (bool fraction = false; i < n.size() && n[i] != 'e' && n[i] != 'E'; ++i) {
        if (n[i] == '.') {
            fraction = true;
            continue;
        }
        digits += n[i];
        scale += fraction ? 1 : 0;
    }
    if (i < n.size()) {
        const auto exponent = parse_java_int(n.substr(i + 1));
        scale -= exponent.value_or(0);
    }
    const size_t lead = std::min(digits.find_first_not_of('0'), digits.size() - 1);
    digits.erase(0, lead);
    const int64_t adjusted = -scale + static_cast<int64_t>(digits.size()) - 1;
    std::string out = negative && digits != "0" ? "-" : "";
    if (scale >= 0 && adjusted >= -6) {
        const auto len = static_cast<int64_t>(digits.size());
        if (scale == 0) {
            out += digits;
        } else if (len > scale) {
            out += digits.substr(0, static_cast<size_t>(len - scale)) + '.' +
                   digits.substr(static_cast<size_t>(len - scale));
        } else {
            out += "0." + std::string(static_cast<size_t>(scale - len), '0') + digits;
        }
        return out;
    }
    out += digits[0];
    if (digits.size() > 1) {
        out += '.' + digits.substr(1);
    }
    if (adjusted != 0) {
        out += fmt::format("E{}{}", adjusted > 0 ? "+" : "", adjusted);
    }
    return out;
}

// A cursor over JSON text: read_valid checks the first value of any text,
// the rest expects text read_valid has accepted. (simdjson is not used
// because it rejects numbers Jackson reads, such as integers beyond 64 bits.)
class json_cursor {
  public:
    explicit json_cursor(std::string_view s) : s_(s) {}

    size_t pos() const { return i_; }
    void seek(size_t pos) { i_ = pos; }
    char peek() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
            ++i_;
        }
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    void expect(char c) {
        if (peek() == c) {
            ++i_;
        }
    }

    // Reads one value, checking the JSON grammar as Jackson does by default
    // (no comments, leading zeros or unescaped control characters).
    bool read_valid(int depth = 0) {
        const char c = peek();
        if (c == '"') {
            return read_valid_string();
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++i_;
            if (depth >= max_depth) {
                return false;
            }
            if (peek() == close) {
                ++i_;
                return true;
            }
            while (true) {
                if (c == '{') {
                    if (peek() != '"' || !read_valid_string() || peek() != ':') {
                        return false;
                    }
                    ++i_;
                }
                if (!read_valid(depth + 1)) {
                    return false;
                }
                const char d = peek();
                if (d != close && d != ',') {
                    return false;
                }
                ++i_;
                if (d == close) {
                    return true;
                }
            }
        }
        const std::string_view t = scalar();
        return t == "true" || t == "false" || t == "null" || is_json_number(t);
    }

    void skip_value() {
        const char c = peek();
        if (c == '"') {
            skip_string();
        } else if (c == '{' || c == '[') {
            for (int depth = 0; i_ < s_.size();) {
                const char d = s_[i_];
                if (d == '"') {
                    skip_string();
                    continue;
                }
                depth += d == '{' || d == '[' ? 1 : d == '}' || d == ']' ? -1 : 0;
                ++i_;
                if (depth == 0) {
                    return;
                }
            }
        } else {
            scalar();
        }
    }

    // A number or literal.
    std::string_view scalar() {
        const size_t start = i_;
        while (i_ < s_.size() &&
               std::string_view(" \t\r\n,]}").find(s_[i_]) == std::string_view::npos) {
            ++i_;
        }
        return s_.substr(start, i_ - start);
    }

    // The string at the cursor, unescaped.
    std::string string() {
        std::string out;
        ++i_;  // the opening quote
        while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] != '\\') {
                out += s_[i_++];
                continue;
            }
            const char e = s_[i_ + 1];
            i_ += 2;
            if (e == 'u') {
                append_utf8(out, code_point());
            } else {
                out += json_escaped_char(e);
            }
        }
        ++i_;  // the closing quote
        return out;
    }

    // The value at the cursor as Jackson's JsonNode.toString() writes it.
    void write(std::string& out) {
        const char c = peek();
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            out += c;
            ++i_;
            for (bool first = true; peek() != close; first = false) {
                out += first ? "" : ",";
                if (c == '{') {
                    formats::append_json_string(out, string());
                    expect(':');
                    out += ':';
                }
                write(out);
                expect(',');
            }
            ++i_;
            out += close;
        } else if (c == '"') {
            formats::append_json_string(out, string());
        } else {
            const std::string_view token = scalar();
            if (c != '-' && (c < '0' || c > '9')) {
                out += token;  // true, false, null
            } else if (token.find_first_of(".eE") != std::string_view::npos) {
                out += big_decimal_text(token);
            } else {
                out += token == "-0" ? "0" : token;  // an IntNode
            }
        }
    }

  private:
    static constexpr int max_depth = 1000;

    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    static bool is_json_number(std::string_view t) {
        size_t i = !t.empty() && t[0] == '-' ? 1 : 0;
        auto digits = [&] {
            const size_t start = i;
            while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
                ++i;
            }
            return i - start;
        };
        const size_t int_start = i;
        const size_t n = digits();
        if (n == 0 || (n > 1 && t[int_start] == '0')) {
            return false;
        }
        if (i < t.size() && t[i] == '.') {
            ++i;
            if (digits() == 0) {
                return false;
            }
        }
        if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
            ++i;
            i += i < t.size() && (t[i] == '+' || t[i] == '-') ? 1 : 0;
            if (digits() == 0) {
                return false;
            }
        }
        return i == t.size();
    }

    bool read_valid_string() {
        for (++i_; i_ < s_.size(); ++i_) {
            const auto ch = static_cast<unsigned char>(s_[i_]);
            if (ch == '"') {
                ++i_;
                return true;
            }
            if (ch < 0x20) {
                return false;
            }
            if (ch != '\\') {
                continue;
            }
            if (++i_ == s_.size()) {
                return false;
            }
            if (s_[i_] == 'u') {
                for (int k = 0; k < 4; ++k) {
                    if (++i_ == s_.size() || hex_digit(s_[i_]) < 0) {
                        return false;
                    }
                }
            } else if (json_escaped_char(s_[i_]) == '\0') {
                return false;
            }
        }
        return false;
    }

    void skip_string() {
        for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
            i_ += s_[i_] == '\\' ? 1 : 0;
        }
        ++i_;
    }

    // After "\u": four hex digits, and a low surrogate's escape after a high one.
    uint32_t code_point() {
        auto hex4 = [&] {
            uint32_t v = 0;
            for (int k = 0; k < 4; ++k) {
                v = v * 16 + static_cast<uint32_t>(hex_digit(s_[i_++]));
            }
            return v;
        };
        const uint32_t cp = hex4();
        if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
            const size_t back = i_;
            i_ += 2;
            const uint32_t low = hex4();
            if (low >= 0xDC00 && low < 0xE000) {
                return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            i_ = back;
        }
        return cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp;
    }

    std::string_view s_;
    size_t i_ = 0;
};

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
