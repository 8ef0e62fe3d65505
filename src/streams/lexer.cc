#include "streams/lexer.h"

#include <cctype>

#include "streams/sql_error.h"

namespace cs::streams {

namespace {

bool is_ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) {
    return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '@';
}
bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

class lexer {
  public:
    explicit lexer(std::string_view sql) : sql_(sql) {}

    result<std::vector<token>> run() {
        std::vector<token> out;
        for (;;) {
            if (auto s = skip_space(); !s.ok()) {
                return s.err();
            }
            token t;
            t.pos = pos_;
            t.offset = i_;
            if (i_ >= sql_.size()) {
                t.kind = token_kind::end;
                out.push_back(std::move(t));
                return out;
            }
            char c = sql_[i_];
            if (c == '$' && variable(t)) {
                // ${name} (ksqlDB's VARIABLE token)
            } else if (is_ident_start(c)) {
                size_t start = i_;
                while (i_ < sql_.size() && is_ident_char(sql_[i_])) {
                    advance();
                }
                t.kind = token_kind::identifier;
                t.text = std::string(sql_.substr(start, i_ - start));
                for (auto& ch : t.text) {
                    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                }
            } else if (c == '`' || c == '"') {
                // ksqlDB quotes identifiers with backticks; "double quotes"
                // are accepted the same way (ANSI habit).
                auto r = quoted(c, token_kind::quoted_identifier, t);
                if (!r.ok()) {
                    return r.err();
                }
            } else if (c == '\'') {
                auto r = quoted(c, token_kind::string, t);
                if (!r.ok()) {
                    return r.err();
                }
            } else if (is_digit(c) ||
                       (c == '.' && i_ + 1 < sql_.size() && is_digit(sql_[i_ + 1]))) {
                number(t);
            } else {
                auto r = symbol(t);
                if (!r.ok()) {
                    return r.err();
                }
            }
            t.length = i_ - t.offset;
            out.push_back(std::move(t));
        }
    }

  private:
    void advance() {
        if (sql_[i_] == '\n') {
            ++pos_.line;
            pos_.column = 1;
        } else {
            ++pos_.column;
        }
        ++i_;
    }
    bool at(std::string_view s) const { return sql_.substr(i_, s.size()) == s; }

    error fail(ast::source_pos p, std::string_view msg) const {
        return error{errc::invalid_argument, format_sql_error(sql_, p, msg)};
    }

    status skip_space() {
        while (i_ < sql_.size()) {
            char c = sql_[i_];
            if (std::isspace(static_cast<unsigned char>(c)) != 0) {
                advance();
            } else if (at("--")) {
                while (i_ < sql_.size() && sql_[i_] != '\n') {
                    advance();
                }
            } else if (at("/*")) {
                ast::source_pos start = pos_;
                advance();
                advance();
                while (i_ < sql_.size() && !at("*/")) {
                    advance();
                }
                if (i_ >= sql_.size()) {
                    return fail(start, "unterminated comment: '/*' without '*/'");
                }
                advance();
                advance();
            } else {
                break;
            }
        }
        return {};
    }

    status quoted(char q, token_kind kind, token& t) {
        advance();
        std::string text;
        for (;;) {
            if (i_ >= sql_.size()) {
                return fail(t.pos,
                            kind == token_kind::string
                                ? "unterminated string literal: missing closing '"
                                : std::string("unterminated quoted identifier: missing ") + q);
            }
            if (sql_[i_] == q) {
                if (i_ + 1 < sql_.size() && sql_[i_ + 1] == q) {  // doubled quote escapes itself
                    text += q;
                    advance();
                    advance();
                    continue;
                }
                advance();
                break;
            }
            text += sql_[i_];
            advance();
        }
        if (kind == token_kind::quoted_identifier && text.empty()) {
            return fail(t.pos, "empty quoted identifier");
        }
        t.kind = kind;
        t.text = std::move(text);
        return {};
    }

    // ${name}, name as ksqlDB's IDENTIFIER: [A-Za-z_][A-Za-z0-9_@]*.
    bool variable(token& t) {
        size_t j = i_ + 2;
        if (!at("${") || j >= sql_.size() ||
            (std::isalpha(static_cast<unsigned char>(sql_[j])) == 0 && sql_[j] != '_')) {
            return false;
        }
        while (j < sql_.size() && (std::isalnum(static_cast<unsigned char>(sql_[j])) != 0 ||
                                   sql_[j] == '_' || sql_[j] == '@')) {
            ++j;
        }
        if (j >= sql_.size() || sql_[j] != '}') {
            return false;
        }
        t.kind = token_kind::variable;
        t.text = std::string(sql_.substr(i_ + 2, j - i_ - 2));
        while (i_ <= j) {
            advance();
        }
        return true;
    }

    void number(token& t) {
        size_t start = i_;
        bool dot = false;
        bool exp = false;
        while (i_ < sql_.size() && is_digit(sql_[i_])) {
            advance();
        }
        if (i_ < sql_.size() && sql_[i_] == '.') {
            dot = true;
            advance();
            while (i_ < sql_.size() && is_digit(sql_[i_])) {
                advance();
            }
        }
        if (i_ < sql_.size() && (sql_[i_] == 'e' || sql_[i_] == 'E')) {
            size_t j = i_ + 1;
            if (j < sql_.size() && (sql_[j] == '+' || sql_[j] == '-')) {
                ++j;
            }
            if (j < sql_.size() && is_digit(sql_[j])) {
                exp = true;
                while (i_ < j) {
                    advance();
                }
                while (i_ < sql_.size() && is_digit(sql_[i_])) {
                    advance();
                }
            }
        }
        t.kind = exp ? token_kind::floating : dot ? token_kind::decimal : token_kind::integer;
        t.text = std::string(sql_.substr(start, i_ - start));
    }

    status symbol(token& t) {
        static constexpr std::string_view two[] = {"!=", "<>", "<=", ">=", "||", "->", ":=", "=>"};
        for (auto s : two) {
            if (at(s)) {
                advance();
                advance();
                t.kind = token_kind::symbol;
                t.text = std::string(s);
                return {};
            }
        }
        static constexpr std::string_view one = "(),.;*+-/%=<>[]:";
        char c = sql_[i_];
        if (one.find(c) == std::string_view::npos) {
            return fail(pos_, std::string("unexpected character '") + c + "'");
        }
        advance();
        t.kind = token_kind::symbol;
        t.text = std::string(1, c);
        return {};
    }

    std::string_view sql_;
    size_t i_ = 0;
    ast::source_pos pos_;
};

}  // namespace

result<std::vector<token>> tokenize(std::string_view sql) {
    return lexer(sql).run();
}

std::string describe_token(const token& t, std::string_view sql) {
    if (t.kind == token_kind::end) {
        return "<EOF>";
    }
    return "'" + std::string(sql.substr(t.offset, t.length)) + "'";
}

}  // namespace cs::streams
