#pragma once

// JSON text as Jackson reads it, for the JSON functions (EXTRACTJSONFIELD,
// JSON_KEYS, JSON_CONCAT, ...): a cursor that checks the grammar of the
// first value of any text and walks it without building a tree, and the
// number formatting of Jackson's exact-BigDecimal nodes. (simdjson is not
// used because it rejects numbers Jackson reads, such as integers beyond 64
// bits.) Internal to the streams module.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/strings.h"
#include "formats/json_writer.h"

namespace cs::streams {

// Integer.parseInt: an optional sign and decimal digits within int range.
std::optional<int64_t> parse_java_int(std::string_view s);

// BigDecimal(text).toString() for a JSON number with a fraction or exponent.
std::string big_decimal_text(std::string_view n);
// BigDecimal(text).toPlainString() (Jackson's WRITE_BIGDECIMAL_AS_PLAIN).
std::string big_decimal_plain_text(std::string_view n);

// A cursor over JSON text: read_valid checks the first value of any text,
// the rest expects text read_valid has accepted.
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

}  // namespace cs::streams
