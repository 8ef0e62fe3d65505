// Expressions, lowest precedence first:
//   OR < AND < NOT < predicates (comparison, IS NULL, LIKE, IN, BETWEEN)
//   < || < + - < * / % < unary + - < postfix (-> field, [index]) < primary
// (ksqlDB's SqlBase.g4 order).

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "streams/parser_internal.h"
#include "streams/time_units.h"

namespace cs::streams::detail {

namespace {

std::shared_ptr<ast::expr> node(ast::expr_kind k, ast::source_pos pos) {
    auto e = std::make_shared<ast::expr>();
    e->kind = k;
    e->pos = pos;
    return e;
}

ast::expr_ptr binary_node(ast::expr_kind k, ast::source_pos pos, ast::expr_ptr l, ast::expr_ptr r) {
    auto e = node(k, pos);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
}

bool is_type_name(const token& t) {
    if (t.kind != token_kind::identifier) {
        return false;
    }
    static constexpr std::string_view names[] = {"INT",       "INTEGER", "BIGINT",  "DOUBLE",
                                                 "DECIMAL",   "BOOLEAN", "VARCHAR", "STRING",
                                                 "TIMESTAMP", "DATE",    "TIME",    "BYTES"};
    for (auto n : names) {
        if (t.text == n) {
            return true;
        }
    }
    return false;
}

}  // namespace

ast::expr_ptr parser::expression() {
    return or_expr();
}

ast::expr_ptr parser::or_expr() {
    auto left = and_expr();
    while (peek().is_keyword("OR")) {
        auto pos = next().pos;
        left = binary_node(ast::expr_kind::logical_or, pos, std::move(left), and_expr());
    }
    return left;
}

ast::expr_ptr parser::and_expr() {
    auto left = not_expr();
    while (peek().is_keyword("AND")) {
        auto pos = next().pos;
        left = binary_node(ast::expr_kind::logical_and, pos, std::move(left), not_expr());
    }
    return left;
}

ast::expr_ptr parser::not_expr() {
    if (peek().is_keyword("NOT")) {
        auto pos = next().pos;
        auto e = node(ast::expr_kind::logical_not, pos);
        e->args.push_back(not_expr());
        return e;
    }
    return predicate();
}

ast::expr_ptr parser::predicate() {
    auto left = concat_expr();
    for (;;) {
        const token& t = peek();
        if (t.kind == token_kind::symbol) {
            ast::compare_op op;
            if (t.text == "=") {
                op = ast::compare_op::eq;
            } else if (t.text == "!=" || t.text == "<>") {
                op = ast::compare_op::ne;
            } else if (t.text == "<") {
                op = ast::compare_op::lt;
            } else if (t.text == "<=") {
                op = ast::compare_op::le;
            } else if (t.text == ">") {
                op = ast::compare_op::gt;
            } else if (t.text == ">=") {
                op = ast::compare_op::ge;
            } else {
                return left;
            }
            auto pos = next().pos;
            auto e = node(ast::expr_kind::comparison, pos);
            e->compare = op;
            e->args.push_back(std::move(left));
            e->args.push_back(concat_expr());
            left = std::move(e);
            continue;
        }
        if (t.is_keyword("IS")) {
            auto pos = next().pos;
            auto e = node(ast::expr_kind::is_null, pos);
            e->negated = accept_keyword("NOT");
            expect_keyword("NULL");
            e->args.push_back(std::move(left));
            left = std::move(e);
            continue;
        }
        bool negated = false;
        size_t look = 0;
        if (t.is_keyword("NOT")) {
            negated = true;
            look = 1;
        }
        const token& op = peek(look);
        if (op.is_keyword("LIKE")) {
            auto pos = t.pos;
            for (size_t i = 0; i <= look; ++i) {
                next();
            }
            auto e = node(ast::expr_kind::like, pos);
            e->negated = negated;
            e->args.push_back(std::move(left));
            e->args.push_back(concat_expr());
            if (accept_keyword("ESCAPE")) {
                e->args.push_back(concat_expr());
            }
            left = std::move(e);
        } else if (op.is_keyword("IN")) {
            auto pos = t.pos;
            for (size_t i = 0; i <= look; ++i) {
                next();
            }
            auto e = node(ast::expr_kind::in_list, pos);
            e->negated = negated;
            e->args.push_back(std::move(left));
            expect_symbol("(");
            do {
                e->args.push_back(expression());
            } while (accept_symbol(","));
            expect_symbol(")");
            left = std::move(e);
        } else if (op.is_keyword("BETWEEN")) {
            auto pos = t.pos;
            for (size_t i = 0; i <= look; ++i) {
                next();
            }
            auto e = node(ast::expr_kind::between, pos);
            e->negated = negated;
            e->args.push_back(std::move(left));
            e->args.push_back(concat_expr());
            expect_keyword("AND");
            e->args.push_back(concat_expr());
            left = std::move(e);
        } else {
            return left;
        }
    }
}

// One precedence level of left-associative binary operators.
ast::expr_ptr parser::binary_level(std::initializer_list<binary_symbol> ops,
                                   ast::expr_ptr (parser::*operand)()) {
    auto left = (this->*operand)();
    for (;;) {
        const binary_symbol* match = nullptr;
        for (const auto& o : ops) {
            if (peek().is_symbol(o.text)) {
                match = &o;
                break;
            }
        }
        if (match == nullptr) {
            return left;
        }
        auto pos = next().pos;
        auto e = node(ast::expr_kind::binary, pos);
        e->binary = match->op;
        e->args.push_back(std::move(left));
        e->args.push_back((this->*operand)());
        left = std::move(e);
    }
}

ast::expr_ptr parser::concat_expr() {
    return binary_level({{"||", ast::binary_op::concat}}, &parser::additive);
}

ast::expr_ptr parser::additive() {
    return binary_level({{"+", ast::binary_op::add}, {"-", ast::binary_op::sub}},
                        &parser::multiplicative);
}

ast::expr_ptr parser::multiplicative() {
    return binary_level(
        {{"*", ast::binary_op::mul}, {"/", ast::binary_op::div}, {"%", ast::binary_op::mod}},
        &parser::unary);
}

ast::expr_ptr parser::unary() {
    if (peek().is_symbol("-") || peek().is_symbol("+")) {
        const token& t = next();
        bool minus = t.text == "-";
        // Fold a sign into a numeric literal so -2147483648 is an INTEGER.
        const token& n = peek();
        if (minus && (n.kind == token_kind::integer || n.kind == token_kind::decimal ||
                      n.kind == token_kind::floating)) {
            token neg = next();
            neg.text = "-" + neg.text;
            auto lit = number_literal(neg);
            auto e = std::make_shared<ast::expr>(*lit);
            e->pos = t.pos;
            // Postfix operators don't apply to literals; continue with them anyway.
            return e;
        }
        auto e = node(ast::expr_kind::unary, t.pos);
        e->unary = minus ? ast::unary_op::minus : ast::unary_op::plus;
        e->args.push_back(unary());
        return e;
    }
    return postfix();
}

ast::expr_ptr parser::postfix() {
    auto left = primary();
    for (;;) {
        if (peek().is_symbol("->")) {
            auto pos = next().pos;
            auto e = node(ast::expr_kind::deref, pos);
            e->name = identifier();
            e->args.push_back(std::move(left));
            left = std::move(e);
        } else if (peek().is_symbol("[")) {
            auto pos = next().pos;
            auto e = node(ast::expr_kind::subscript, pos);
            e->args.push_back(std::move(left));
            e->args.push_back(expression());
            expect_symbol("]");
            left = std::move(e);
        } else {
            return left;
        }
    }
}

ast::expr_ptr parser::number_literal(const token& t) {
    auto e = node(ast::expr_kind::literal, t.pos);
    if (t.kind == token_kind::integer) {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        if (ec != std::errc() || p != t.text.data() + t.text.size()) {
            fail(t, "integer literal " + t.text + " is out of range for BIGINT");
        }
        if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
            e->lit = value(static_cast<int32_t>(v));
            e->lit_type = sql_type::integer();
        } else {
            e->lit = value(v);
            e->lit_type = sql_type::bigint();
        }
        return e;
    }
    if (t.kind == token_kind::decimal) {
        // DECIMAL(p, s) with exactly the digits written (ksqlDB's typing).
        int128 unscaled = 0;
        int32_t digits = 0;
        int32_t scale = 0;
        bool after_dot = false;
        bool negative = false;
        bool leading = true;
        for (char c : t.text) {
            if (c == '-') {
                negative = true;
            } else if (c == '.') {
                after_dot = true;
            } else {
                unscaled = unscaled * 10 + (c - '0');
                if (after_dot) {
                    ++scale;
                }
                if (!(leading && c == '0' && !after_dot)) {
                    leading = false;
                    ++digits;
                }
            }
        }
        if (digits <= 38) {
            e->lit = value(decimal_value{negative ? -unscaled : unscaled, scale});
            e->lit_type = sql_type::decimal(std::max({digits, scale, 1}), scale);
            return e;
        }
        // Too many digits for DECIMAL(38): fall through to DOUBLE.
    }
    double d = 0;
    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), d);
    if (ec != std::errc() || p != t.text.data() + t.text.size()) {
        fail(t, "number literal " + t.text + " is out of range for DOUBLE");
    }
    e->lit = value(d);
    e->lit_type = sql_type::double_();
    return e;
}

ast::expr_ptr parser::case_expr(const token& t) {
    auto e = node(ast::expr_kind::case_when, t.pos);
    if (!peek().is_keyword("WHEN")) {
        e->case_operand = expression();
    }
    if (!peek().is_keyword("WHEN")) {
        mismatched("WHEN");
    }
    while (accept_keyword("WHEN")) {
        e->when_conditions.push_back(expression());
        expect_keyword("THEN");
        e->when_results.push_back(expression());
    }
    if (accept_keyword("ELSE")) {
        e->case_else = expression();
    }
    expect_keyword("END");
    return e;
}

// `x => ...` or `(x, y, ...) => ...` ahead (SqlBase.g4's lambdaFunction).
bool parser::at_lambda() const {
    auto is_name = [](const token& t) {
        return t.kind == token_kind::identifier || t.kind == token_kind::quoted_identifier;
    };
    if (is_name(peek()) && peek(1).is_symbol("=>")) {
        return true;
    }
    if (!peek().is_symbol("(")) {
        return false;
    }
    for (size_t i = 1;; i += 2) {
        if (!is_name(peek(i))) {
            return false;
        }
        if (peek(i + 1).is_symbol(")")) {
            return peek(i + 2).is_symbol("=>");
        }
        if (!peek(i + 1).is_symbol(",")) {
            return false;
        }
    }
}

ast::expr_ptr parser::lambda() {
    auto e = node(ast::expr_kind::lambda, peek().pos);
    const bool parenthesized = accept_symbol("(");
    do {
        ast::source_pos pos;
        std::string name = identifier(&pos);
        // LambdaUtil.validateArgName: the name of a Java variable.
        const bool valid =
            !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
            std::all_of(name.begin(), name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
            });
        if (!valid) {
            fail(pos, "Invalid lambda argument name: " + name);
        }
        if (std::find(e->field_names.begin(), e->field_names.end(), name) != e->field_names.end()) {
            fail(pos, "duplicate lambda parameter '" + name + "'");
        }
        e->field_names.push_back(std::move(name));
    } while (parenthesized && accept_symbol(","));
    if (parenthesized) {
        expect_symbol(")");
    }
    expect_symbol("=>");
    e->args.push_back(expression());
    return e;
}

ast::expr_ptr parser::primary() {
    const token& t = peek();
    switch (t.kind) {
        case token_kind::integer:
        case token_kind::decimal:
        case token_kind::floating:
            return number_literal(next());
        case token_kind::string: {
            auto e = node(ast::expr_kind::literal, t.pos);
            e->lit = value(next().text);
            e->lit_type = sql_type::string();
            return e;
        }
        case token_kind::symbol:
            if (t.is_symbol("(")) {
                next();
                auto e = expression();
                expect_symbol(")");
                return e;
            }
            mismatched("an expression");
        case token_kind::end:
            mismatched("an expression");
        case token_kind::variable:
            // ${name}: a literal, unless it names a function or a qualifier
            // (ksqlDB's grammar tries the literal first).
            if (!peek(1).is_symbol("(") && !peek(1).is_symbol(".")) {
                use_variable(t, false);
                auto e = node(ast::expr_kind::literal, t.pos);
                e->lit = value("${" + next().text + "}");
                e->lit_type = sql_type::string();
                return e;
            }
            break;
        case token_kind::identifier:
        case token_kind::quoted_identifier:
            break;
    }
    const bool keyword = t.kind == token_kind::identifier;
    if (keyword) {
        if (t.text == "NULL") {
            auto e = node(ast::expr_kind::literal, next().pos);
            e->lit_is_null = true;
            return e;
        }
        if (t.text == "TRUE" || t.text == "FALSE") {
            auto e = node(ast::expr_kind::literal, t.pos);
            e->lit = value(next().text == "TRUE");
            e->lit_type = sql_type::boolean();
            return e;
        }
        if (t.text == "CASE") {
            return case_expr(next());
        }
        if (t.text == "CAST" && peek(1).is_symbol("(")) {
            auto e = node(ast::expr_kind::cast, next().pos);
            next();
            e->args.push_back(expression());
            expect_keyword("AS");
            e->cast_type = type();
            expect_symbol(")");
            return e;
        }
        // Typed literal: DECIMAL '1.50', TIMESTAMP '2025-01-01T00:00:00' ...
        // is a cast of the string.
        if (is_type_name(t) && peek(1).kind == token_kind::string) {
            auto e = node(ast::expr_kind::cast, t.pos);
            sql_type ty;
            if (t.text == "DECIMAL") {
                // DECIMAL '12.50': the type is the literal's own DECIMAL(4, 2).
                next();
                token digits = peek();
                digits.kind = token_kind::decimal;
                bool valid = !digits.text.empty();
                for (size_t i = 0; i < digits.text.size(); ++i) {
                    char c = digits.text[i];
                    valid = valid && ((c >= '0' && c <= '9') || c == '.' || (c == '-' && i == 0));
                }
                if (!valid) {
                    fail(digits, "invalid DECIMAL literal '" + digits.text + "'");
                }
                auto lit = number_literal(digits);
                if (lit->lit_type.kind != type_kind::decimal) {
                    fail(digits, "DECIMAL literal '" + digits.text + "' has more than 38 digits");
                }
                ty = lit->lit_type;
            } else {
                ty = type();
            }
            auto lit = node(ast::expr_kind::literal, peek().pos);
            lit->lit = value(next().text);
            lit->lit_type = sql_type::string();
            e->args.push_back(std::move(lit));
            e->cast_type = std::move(ty);
            return e;
        }
        // Constructors: ARRAY[a, b], MAP(k := v, ...), STRUCT(name := v, ...).
        if (t.text == "ARRAY" && peek(1).is_symbol("[")) {
            auto e = node(ast::expr_kind::array_ctor, next().pos);
            next();
            if (!peek().is_symbol("]")) {
                do {
                    e->args.push_back(expression());
                } while (accept_symbol(","));
            }
            expect_symbol("]");
            return e;
        }
        if ((t.text == "MAP" || t.text == "STRUCT") && peek(1).is_symbol("(")) {
            bool is_map = t.text == "MAP";
            auto e =
                node(is_map ? ast::expr_kind::map_ctor : ast::expr_kind::struct_ctor, next().pos);
            next();
            if (!peek().is_symbol(")")) {
                do {
                    if (is_map) {
                        e->args.push_back(expression());
                    } else {
                        e->field_names.push_back(identifier());
                    }
                    expect_symbol(":=");
                    e->args.push_back(expression());
                } while (accept_symbol(","));
            }
            expect_symbol(")");
            return e;
        }
        if (is_reserved(t)) {
            mismatched("an expression");
        }
    }
    ast::source_pos pos = t.pos;
    const bool named_by_variable = t.kind == token_kind::variable;
    std::string first = identifier();
    if ((keyword || named_by_variable) && peek().is_symbol("(")) {
        next();
        auto e = node(ast::expr_kind::call, pos);
        e->name = first;
        if (accept_symbol("*")) {
            e->call_star = true;
        } else if (!peek().is_symbol(")")) {
            // TIMESTAMPADD(SECONDS, 5, ts): ksqlDB's time-unit argument, a
            // keyword, is passed on as its name.
            const bool takes_unit = first == "TIMESTAMPADD" || first == "TIMESTAMPSUB" ||
                                    first == "DATEADD" || first == "DATESUB" ||
                                    first == "TIMEADD" || first == "TIMESUB";
            do {
                const token& a = peek();
                if (takes_unit && e->args.empty() && a.kind == token_kind::identifier &&
                    time_unit_millis(a.text) &&
                    (peek(1).is_symbol(",") || peek(1).is_symbol(")"))) {
                    auto unit = node(ast::expr_kind::literal, a.pos);
                    unit->lit = value(next().text);
                    unit->lit_type = sql_type::string();
                    e->args.push_back(std::move(unit));
                    continue;
                }
                e->args.push_back(at_lambda() ? lambda() : expression());
            } while (accept_symbol(","));
        }
        expect_symbol(")");
        return e;
    }
    std::string qualifier;
    std::string name = first;
    bool name_unquoted = keyword;
    if (peek().is_symbol(".") &&
        (peek(1).kind == token_kind::identifier || peek(1).kind == token_kind::quoted_identifier)) {
        next();
        qualifier = std::move(name);
        name_unquoted = peek().kind == token_kind::identifier;
        name = identifier();
    }
    auto e = node(ast::expr_kind::column, pos);
    if (name_unquoted && (name == "ROWTIME" || name == "ROWPARTITION" || name == "ROWOFFSET")) {
        e->kind = ast::expr_kind::pseudo_column;
        e->pseudo = name == "ROWTIME"        ? ast::pseudo_column::rowtime
                    : name == "ROWPARTITION" ? ast::pseudo_column::rowpartition
                                             : ast::pseudo_column::rowoffset;
    }
    e->qualifier = std::move(qualifier);
    e->name = std::move(name);
    return e;
}

}  // namespace cs::streams::detail
