// Statements of a session and its scripts: PRINT, DEFINE / UNDEFINE,
// ALTER STREAM|TABLE ... ADD COLUMN, RUN SCRIPT (ksqlDB's SqlBase.g4
// printTopic, defineVariable, undefineVariable, alterSource, runScript).

#include <charconv>

#include "streams/parser_internal.h"

namespace cs::streams::detail {

int64_t parser::integer_value(std::string_view what) {
    bool negative = accept_symbol("-");
    const token& n = peek();
    if (n.kind != token_kind::integer) {
        mismatched(std::string("an integer ") + std::string(what));
    }
    int64_t v = 0;
    auto [end, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
    if (ec != std::errc() || end != n.text.data() + n.text.size() || v > INT32_MAX) {
        fail(n, std::string(what) + " is out of range: " + n.text);
    }
    next();
    return negative ? -v : v;
}

// PRINT resourceName (FROM BEGINNING)? ((INTERVAL | SAMPLE) number)? (LIMIT number)?
// The topic name is case-sensitive: an unquoted one keeps its case too.
ast::statement_body parser::print() {
    ast::print_stmt p;
    const token& t = peek();
    p.topic_pos = t.pos;
    if (t.kind == token_kind::string || t.kind == token_kind::quoted_identifier) {
        p.topic = next().text;
    } else if (t.kind == token_kind::variable) {
        p.topic = identifier();
    } else if (t.kind == token_kind::identifier) {
        p.topic = std::string(sql().substr(t.offset, t.length));
        next();
    } else {
        mismatched("a topic name");
    }
    if (accept_keyword("FROM")) {
        expect_keyword("BEGINNING");
        p.from_beginning = true;
    }
    if (accept_keyword("INTERVAL") || accept_keyword("SAMPLE")) {
        p.interval = integer_value("INTERVAL");
    }
    if (accept_keyword("LIMIT")) {
        p.limit = integer_value("LIMIT");
    }
    return p;
}

// A variable's name: ksqlDB's IDENTIFIER (unquoted), case kept.
std::string parser::variable_name() {
    const token& t = peek();
    if (t.kind != token_kind::identifier) {
        mismatched("a variable name");
    }
    next();
    return std::string(sql().substr(t.offset, t.length));
}

// DEFINE name = 'value'
ast::statement_body parser::define() {
    ast::define_stmt d;
    d.name = variable_name();
    expect_symbol("=");
    if (peek().kind != token_kind::string) {
        mismatched("a quoted variable value");
    }
    d.value = next().text;
    return d;
}

ast::statement_body parser::undefine() {
    return ast::undefine_stmt{variable_name()};
}

// ALTER (STREAM | TABLE) name ADD (COLUMN)? col type (',' ADD (COLUMN)? col type)*
ast::statement_body parser::alter() {
    ast::alter_source_stmt a;
    if (accept_keyword("STREAM")) {
        a.kind = source_kind::stream;
    } else if (accept_keyword("TABLE")) {
        a.kind = source_kind::table;
    } else {
        mismatched("STREAM or TABLE");
    }
    a.name = identifier(&a.name_pos);
    do {
        expect_keyword("ADD");
        accept_keyword("COLUMN");
        ast::table_element el;
        el.column.name = identifier(&el.pos);
        el.column.type = type();
        a.columns.push_back(std::move(el));
    } while (accept_symbol(","));
    return a;
}

// RUN SCRIPT 'path'
ast::statement_body parser::run_script() {
    expect_keyword("SCRIPT");
    if (peek().kind != token_kind::string) {
        mismatched("a quoted file path");
    }
    return ast::run_script_stmt{next().text};
}

}  // namespace cs::streams::detail
