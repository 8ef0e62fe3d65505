#include "streams/variables.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "base/ascii.h"
#include "streams/lexer.h"
#include "streams/parser.h"

namespace cs::streams {
namespace {

std::string location(const ast::source_pos& p) {
    return fmt::format("Line: {}, Col: {}", p.line, p.column);
}

bool is_quoted(std::string_view v, char q) {
    return !v.empty() && v.front() == q && v.back() == q;
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    size_t i = 0;
    for (;;) {
        size_t j = s.find(from, i);
        if (j == std::string_view::npos) {
            out += s.substr(i);
            return out;
        }
        out += s.substr(i, j - i);
        out += to;
        i = j + from.size();
    }
}

// ksqlDB's ParserUtil.sanitize: a 'quoted' value keeps its quotes, its
// inside re-escaped; any other value has its quotes doubled.
std::string sanitize(std::string_view v) {
    if (is_quoted(v, '\'') && v.size() >= 2) {
        std::string inner = replace_all(v.substr(1, v.size() - 2), "''", "'");
        return "'" + replace_all(inner, "'", "''") + "'";
    }
    return replace_all(v, "'", "''");
}

bool valid_identifier(std::string_view v) {
    if (v.size() >= 2 && (is_quoted(v, '"') || is_quoted(v, '`'))) {
        v = v.substr(1, v.size() - 2);
    }
    if (v.empty() || !(std::isalpha(static_cast<unsigned char>(v[0])) != 0 || v[0] == '_')) {
        return false;
    }
    return std::all_of(v.begin(), v.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '@';
    });
}

// Java's Long.parseLong / Double.parseDouble (finite) / new BigDecimal:
// [+-]digits[.digits][e[+-]digits], Double's f/d suffix and surrounding
// spaces.
bool is_number(std::string_view v) {
    while (!v.empty() && static_cast<unsigned char>(v.front()) <= ' ') {
        v.remove_prefix(1);
    }
    while (!v.empty() && static_cast<unsigned char>(v.back()) <= ' ') {
        v.remove_suffix(1);
    }
    if (!v.empty() && std::strchr("fFdD", v.back()) != nullptr) {
        v.remove_suffix(1);
    }
    size_t i = 0;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) {
        ++i;
    }
    size_t digits = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) {
        ++i;
        ++digits;
    }
    if (i < v.size() && v[i] == '.') {
        ++i;
        while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) {
            ++i;
            ++digits;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '+' || v[i] == '-')) {
            ++i;
        }
        size_t exp = 0;
        while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) {
            ++i;
            ++exp;
        }
        if (exp == 0) {
            return false;
        }
    }
    return i == v.size();
}

bool valid_literal(std::string_view v) {
    if (is_quoted(v, '\'')) {
        return v.size() >= 2;
    }
    return ascii_iequals(v, "true") || ascii_iequals(v, "false") || is_number(v);
}

// The ${name} references in a string's text ($${name} is none).
std::vector<std::string> references_in(std::string_view s) {
    std::vector<std::string> out;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
        if (s[i] != '$' || s[i + 1] != '{') {
            continue;
        }
        if (i > 0 && s[i - 1] == '$') {
            ++i;
            continue;
        }
        size_t end = s.find('}', i + 2);
        if (end == std::string_view::npos) {
            break;
        }
        out.emplace_back(s.substr(i + 2, end - i - 2));
        i = end;
    }
    return out;
}

// Commons Text's StringSubstitutor.replace(text, values) as ksqlDB uses it:
// ${name} with a value is replaced, $${ is ${ (the escape dropped), the rest
// stays.
std::string replace_references(std::string_view text,
                               const std::map<std::string, std::string>& values) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "${") != 0) {
            out += text[i++];
            continue;
        }
        if (!out.empty() && out.back() == '$') {
            out.pop_back();
            out += "${";
            i += 2;
            continue;
        }
        size_t end = text.find('}', i + 2);
        if (end == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        auto it = values.find(std::string(text.substr(i + 2, end - i - 2)));
        if (it == values.end()) {
            out += text.substr(i, end + 1 - i);
        } else {
            out += it->second;
        }
        i = end + 1;
    }
    return out;
}

}  // namespace

bool has_variable_references(const ast::statement& stmt) {
    return !stmt.variables.empty() || stmt.text.find("${") != std::string::npos;
}

result<std::string> substitute_variables_text(const ast::statement& stmt,
                                              const variable_map& vars) {
    // What each reference becomes, by the name as written; the first use of
    // a name decides (ksqlDB's putIfAbsent), in text order.
    struct reference {
        size_t offset;
        const ast::variable_use* use;  // null: inside the string `text`
        std::string text;
    };
    std::vector<reference> refs;
    for (const auto& u : stmt.variables) {
        refs.push_back({u.offset, &u, {}});
    }
    if (stmt.text.find("${") != std::string::npos) {
        auto tokens = tokenize(stmt.text);
        if (!tokens) {
            return tokens.err();
        }
        for (const auto& t : *tokens) {
            if (t.kind == token_kind::string && t.text.find("${") != std::string::npos) {
                refs.push_back({t.offset, nullptr, t.text});
            }
        }
    }
    std::sort(refs.begin(), refs.end(),
              [](const reference& a, const reference& b) { return a.offset < b.offset; });
    std::map<std::string, std::string> values;
    for (const auto& r : refs) {
        if (r.use == nullptr) {
            for (const auto& name : references_in(r.text)) {
                if (auto it = vars.find(name); it != vars.end()) {
                    values.try_emplace(name, sanitize(it->second));
                }
            }
            continue;
        }
        const ast::variable_use& u = *r.use;
        auto it = vars.find(u.name);
        std::string v = it != vars.end() ? it->second : "${" + u.name + "}";
        if (u.identifier) {
            if (!valid_identifier(v)) {
                return error{errc::invalid_argument,
                             fmt::format("Illegal argument at {}. Identifier names cannot start "
                                         "with '@' and may only contain alphanumeric values and "
                                         "'_'. Got: '{}'",
                                         location(u.pos), v)};
            }
            values.try_emplace(u.name, v);
        } else {
            if (!valid_literal(v)) {
                return error{errc::invalid_argument,
                             fmt::format("Illegal argument at {}. Got: '{}'", location(u.pos), v)};
            }
            values.try_emplace(u.name, sanitize(v));
        }
    }
    return replace_references(stmt.text, values);
}

result<ast::statement> substitute_variables(const ast::statement& stmt, const variable_map& vars,
                                            bool enabled) {
    if (!has_variable_references(stmt)) {
        return stmt;
    }
    if (!enabled) {
        if (!stmt.variables.empty()) {
            const auto& u = stmt.variables.front();
            return error{errc::invalid_argument,
                         fmt::format("{}: ${{{}}} is a variable reference, and variable "
                                     "substitution is disabled ({} is false)",
                                     location(u.pos), u.name, variable_substitution_property)};
        }
        return stmt;
    }
    auto text = substitute_variables_text(stmt, vars);
    if (!text) {
        return text.err();
    }
    auto parsed = parse_statement(*text);
    if (!parsed) {
        return parsed.err();
    }
    if (!parsed->variables.empty()) {
        // A value that is itself a reference is not substituted again.
        const auto& u = parsed->variables.front();
        return error{errc::invalid_argument, fmt::format("Illegal argument at {}. Got: '${{{}}}'",
                                                         location(u.pos), u.name)};
    }
    // Its positions (and error messages) are in the substituted text.
    return parsed;
}

}  // namespace cs::streams
