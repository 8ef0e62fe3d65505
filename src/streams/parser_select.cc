// Types, WITH (...) properties and SELECT for the parser (see
// parser_internal.h); statements are in parser_statements.cc.

#include <algorithm>
#include <cctype>
#include <charconv>

#include "streams/parser_internal.h"
#include "streams/time_units.h"

namespace cs::streams::detail {

// ---- types -----------------------------------------------------------------

sql_type parser::type() {
    const token& t = peek();
    if (t.kind != token_kind::identifier) {
        mismatched("a type");
    }
    std::string name = next().text;
    auto int_arg = [&]() {
        const token& n = peek();
        if (n.kind != token_kind::integer) {
            mismatched("an integer");
        }
        int32_t v = 0;
        std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
        next();
        return v;
    };
    if (name == "BOOLEAN") {
        return sql_type::boolean();
    }
    if (name == "INT" || name == "INTEGER") {
        return sql_type::integer();
    }
    if (name == "BIGINT") {
        return sql_type::bigint();
    }
    if (name == "DOUBLE") {
        return sql_type::double_();
    }
    if (name == "VARCHAR" || name == "STRING") {
        return sql_type::string();
    }
    if (name == "BYTES") {
        return sql_type::bytes();
    }
    if (name == "TIMESTAMP") {
        return sql_type::timestamp();
    }
    if (name == "DATE") {
        return sql_type::date();
    }
    if (name == "TIME") {
        return sql_type::time();
    }
    if (name == "DECIMAL") {
        expect_symbol("(");
        ast::source_pos p = peek().pos;
        int32_t precision = int_arg();
        int32_t scale = 0;
        if (accept_symbol(",")) {
            scale = int_arg();
        }
        expect_symbol(")");
        if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
            fail(p, "DECIMAL(" + std::to_string(precision) + ", " + std::to_string(scale) +
                        ") is invalid: precision must be 1..38 and scale 0..precision");
        }
        return sql_type::decimal(precision, scale);
    }
    if (name == "ARRAY") {
        expect_symbol("<");
        sql_type element = type();
        expect_symbol(">");
        return sql_type::array(std::move(element));
    }
    if (name == "MAP") {
        expect_symbol("<");
        ast::source_pos p = peek().pos;
        sql_type key = type();
        if (key.kind != type_kind::string) {
            fail(p, "MAP keys must be STRING (ksqlDB supports only STRING keys)");
        }
        expect_symbol(",");
        sql_type val = type();
        expect_symbol(">");
        return sql_type::map(std::move(val));
    }
    if (name == "STRUCT") {
        expect_symbol("<");
        std::vector<std::string> names;
        std::vector<sql_type> types;
        if (!peek().is_symbol(">")) {
            do {
                ast::source_pos p;
                std::string field = identifier(&p);
                if (std::find(names.begin(), names.end(), field) != names.end()) {
                    fail(p, "duplicate field '" + field + "' in STRUCT");
                }
                names.push_back(std::move(field));
                types.push_back(type());
            } while (accept_symbol(","));
        }
        expect_symbol(">");
        return sql_type::struct_(std::move(names), std::move(types));
    }
    fail(t, "unknown type " + describe_token(t, sql_) +
                ": expected BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), VARCHAR/STRING, BYTES, "
                "TIMESTAMP, DATE, TIME, ARRAY<T>, MAP<STRING, T> or STRUCT<name T, ...>");
}

// ---- WITH ------------------------------------------------------------------

ast::properties parser::with_properties() {
    ast::properties props;
    expect_symbol("(");
    do {
        ast::property p;
        p.pos = peek().pos;
        std::string name = identifier();
        std::transform(name.begin(), name.end(), name.begin(),
                       [](char c) { return static_cast<char>(std::toupper(c)); });
        if (props.find(name) != nullptr) {
            fail(p.pos, "duplicate property " + name);
        }
        p.name = std::move(name);
        expect_symbol("=");
        auto e = unary_for_property();
        p.val = e->lit;
        p.type = e->lit_type;
        props.items.push_back(std::move(p));
    } while (accept_symbol(","));
    expect_symbol(")");
    return props;
}

ast::expr_ptr parser::unary_for_property() {
    const token& t = peek();
    if (t.kind == token_kind::string || t.kind == token_kind::integer ||
        t.kind == token_kind::decimal || t.kind == token_kind::floating || t.is_symbol("-") ||
        t.is_keyword("TRUE") || t.is_keyword("FALSE") || t.kind == token_kind::variable) {
        auto e = expression();
        if (e->kind == ast::expr_kind::literal && !e->lit_is_null) {
            return e;
        }
        fail(t, "a property value must be a literal");
    }
    mismatched("a string, number or boolean literal");
}

// ---- SELECT ----------------------------------------------------------------

ast::source_ref parser::source_reference() {
    ast::source_ref ref;
    ref.name = identifier(&ref.pos);
    if (accept_keyword("AS")) {
        ref.alias = identifier();
    } else if (at_identifier() && !is_reserved(peek())) {
        ref.alias = identifier();
    }
    return ref;
}

int64_t parser::duration_ms() {
    // n UNIT, e.g. 1 HOUR / 30 SECONDS (ksqlDB's TimeUnit names, singular or plural)
    const token& n = peek();
    if (n.kind != token_kind::integer) {
        mismatched("a duration");
    }
    int64_t v = 0;
    std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
    next();
    const token& u = peek();
    if (auto ms = time_unit_millis(identifier())) {
        return v * *ms;
    }
    fail(u, "unknown time unit " + describe_token(u, sql_) +
                ": expected MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS");
}

ast::window_spec parser::window() {
    ast::window_spec w;
    w.pos = peek().pos;
    const token& kind = peek();
    std::string name = identifier();
    if (name == "TUMBLING") {
        w.kind = ast::window_kind::tumbling;
    } else if (name == "HOPPING") {
        w.kind = ast::window_kind::hopping;
    } else if (name == "SESSION") {
        w.kind = ast::window_kind::session;
    } else {
        fail(kind, "unknown window type " + describe_token(kind, sql_) +
                       ": expected TUMBLING, HOPPING or SESSION");
    }
    expect_symbol("(");
    if (w.kind == ast::window_kind::session) {
        w.size_ms = duration_ms();
    } else {
        if (!accept_keyword("SIZE")) {
            mismatched("SIZE");
        }
        w.size_ms = duration_ms();
        if (w.kind == ast::window_kind::hopping) {
            expect_symbol(",");
            if (!accept_keyword("ADVANCE")) {
                mismatched("ADVANCE BY");
            }
            expect_keyword("BY");
            w.advance_ms = duration_ms();
        }
    }
    while (accept_symbol(",")) {
        if (accept_keyword("RETENTION")) {
            w.retention_ms = duration_ms();
        } else if (accept_keyword("GRACE")) {
            expect_keyword("PERIOD");
            w.grace_ms = duration_ms();
        } else {
            mismatched("RETENTION or GRACE PERIOD");
        }
    }
    expect_symbol(")");
    return w;
}

ast::select_stmt parser::select() {
    ast::select_stmt s;
    s.pos = expect_keyword("SELECT").pos;
    do {
        ast::select_item item;
        item.pos = peek().pos;
        if (accept_symbol("*")) {
            item.star = true;
        } else if (at_identifier() && peek(1).is_symbol(".") && peek(2).is_symbol("*")) {
            item.star = true;
            item.qualifier = identifier();
            next();
            next();
        } else {
            item.expression = expression();
            if (accept_keyword("AS")) {
                item.alias = identifier();
            } else if (at_identifier() && !is_reserved(peek())) {
                item.alias = identifier();
            }
        }
        s.items.push_back(std::move(item));
    } while (accept_symbol(","));
    expect_keyword("FROM");
    s.from = source_reference();
    if (accept_keyword("WINDOW")) {
        s.has_window = true;
        s.window = window();
    }
    for (;;) {
        ast::join_clause j;
        j.pos = peek().pos;
        if (accept_keyword("LEFT")) {
            j.type = ast::join_type::left;
            accept_keyword("OUTER");
        } else if (accept_keyword("RIGHT")) {
            j.type = ast::join_type::right;
            accept_keyword("OUTER");
        } else if (accept_keyword("FULL")) {
            j.type = ast::join_type::full;
            accept_keyword("OUTER");
        } else if (accept_keyword("INNER")) {
            j.type = ast::join_type::inner;
        } else if (peek().is_keyword("JOIN")) {
            j.type = ast::join_type::inner;
        } else {
            break;
        }
        expect_keyword("JOIN");
        j.source = source_reference();
        if (accept_keyword("WITHIN")) {
            j.has_within = true;
            if (accept_symbol("(")) {
                j.within_before_ms = duration_ms();
                expect_symbol(",");
                j.within_after_ms = duration_ms();
                expect_symbol(")");
            } else {
                j.within_before_ms = duration_ms();
                j.within_after_ms = j.within_before_ms;
            }
            if (accept_keyword("GRACE")) {
                expect_keyword("PERIOD");
                j.grace_ms = duration_ms();
            }
        }
        expect_keyword("ON");
        j.on = expression();
        s.joins.push_back(std::move(j));
    }
    // ksqlDB's grammar puts WINDOW after the whole relation, joins included.
    if (!s.has_window && !s.joins.empty() && accept_keyword("WINDOW")) {
        s.has_window = true;
        s.window = window();
    }
    if (accept_keyword("WHERE")) {
        s.where = expression();
    }
    if (accept_keyword("GROUP")) {
        expect_keyword("BY");
        do {
            s.group_by.push_back(expression());
        } while (accept_symbol(","));
    }
    if (accept_keyword("HAVING")) {
        s.having = expression();
    }
    if (accept_keyword("PARTITION")) {
        expect_keyword("BY");
        do {
            s.partition_by.push_back(expression());
        } while (accept_symbol(","));
    }
    if (accept_keyword("EMIT")) {
        if (accept_keyword("CHANGES")) {
            s.emit_changes = true;
        } else if (accept_keyword("FINAL")) {
            s.emit_final = true;
        } else {
            mismatched("CHANGES or FINAL");
        }
    }
    if (accept_keyword("LIMIT")) {
        const token& n = peek();
        if (n.kind != token_kind::integer) {
            mismatched("an integer");
        }
        int64_t v = 0;
        std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
        s.limit = v;
        next();
    }
    return s;
}

}  // namespace cs::streams::detail
