// Statements, types, WITH properties and the public entry points of
// parser.h. Grammar follows ksqlDB's SqlBase.g4 for the subset in
// ast.h.

#include <algorithm>
#include <charconv>

#include "streams/parser.h"
#include "streams/parser_internal.h"
#include "streams/sql_error.h"

namespace cs::streams {
namespace detail {

bool parser::accept_keyword(std::string_view k) {
    if (peek().is_keyword(k)) {
        next();
        return true;
    }
    return false;
}

bool parser::accept_symbol(std::string_view s) {
    if (peek().is_symbol(s)) {
        next();
        return true;
    }
    return false;
}

const token& parser::expect_keyword(std::string_view k) {
    if (!peek().is_keyword(k)) {
        mismatched(k);
    }
    return next();
}

const token& parser::expect_symbol(std::string_view s) {
    if (!peek().is_symbol(s)) {
        mismatched("'" + std::string(s) + "'");
    }
    return next();
}

std::string parser::identifier(ast::source_pos* pos) {
    if (!at_identifier()) {
        mismatched("an identifier");
    }
    if (pos != nullptr) {
        *pos = peek().pos;
    }
    if (peek().kind == token_kind::variable) {
        use_variable(peek(), true);
        return "${" + next().text + "}";
    }
    return next().text;
}

void parser::use_variable(const token& t, bool as_identifier) {
    variable_uses_.push_back(ast::variable_use{
        .name = t.text, .identifier = as_identifier, .offset = t.offset, .pos = t.pos});
}

bool parser::is_reserved(const token& t) {
    if (t.kind != token_kind::identifier) {
        return false;
    }
    static constexpr std::string_view words[] = {
        "SELECT", "FROM",      "WHERE", "JOIN",   "LEFT",   "RIGHT", "INNER",   "FULL",  "OUTER",
        "ON",     "PARTITION", "GROUP", "HAVING", "WINDOW", "EMIT",  "LIMIT",   "AS",    "AND",
        "OR",     "NOT",       "IS",    "NULL",   "LIKE",   "IN",    "BETWEEN", "CASE",  "WHEN",
        "THEN",   "ELSE",      "END",   "WITHIN", "TRUE",   "FALSE", "BY",      "ESCAPE"};
    return std::find(std::begin(words), std::end(words), t.text) != std::end(words);
}

void parser::fail(const token& at, std::string_view message) const {
    fail(at.pos, message);
}

void parser::fail(ast::source_pos at, std::string_view message) const {
    throw parse_failure{error{errc::invalid_argument, format_sql_error(sql_, at, message)}};
}

void parser::mismatched(std::string_view expected) const {
    const token& t = peek();
    std::string what = t.kind == token_kind::end ? "missing " + std::string(expected) + " at <EOF>"
                                                 : "mismatched input " + describe_token(t, sql_) +
                                                       ", expected " + std::string(expected);
    fail(t, what);
}

// ---- statements --------------------------------------------------------------

std::vector<ast::table_element> parser::table_elements() {
    std::vector<ast::table_element> out;
    expect_symbol("(");
    do {
        ast::table_element el;
        el.column.name = identifier(&el.pos);
        for (const auto& other : out) {
            if (other.column.name == el.column.name) {
                fail(el.pos, "duplicate column '" + el.column.name + "'");
            }
        }
        el.column.type = type();
        if (accept_keyword("NOT")) {
            expect_keyword("NULL");
            el.column.not_null = true;
        }
        if (accept_keyword("PRIMARY")) {
            expect_keyword("KEY");
            el.column.origin = column_origin::key;
            el.primary_key = true;
        } else if (accept_keyword("KEY")) {
            el.column.origin = column_origin::key;
        } else if (accept_keyword("HEADERS")) {
            el.column.origin = column_origin::headers;
        } else if (accept_keyword("HEADER")) {
            el.column.origin = column_origin::header;
            expect_symbol("(");
            if (peek().kind != token_kind::string) {
                mismatched("a header key string");
            }
            el.column.header_key = next().text;
            expect_symbol(")");
        }
        out.push_back(std::move(el));
    } while (accept_symbol(","));
    expect_symbol(")");
    return out;
}

ast::statement_body parser::create() {
    bool or_replace = false;
    if (accept_keyword("OR")) {
        expect_keyword("REPLACE");
        or_replace = true;
    }
    bool is_source = accept_keyword("SOURCE");
    source_kind kind;
    if (accept_keyword("STREAM")) {
        kind = source_kind::stream;
    } else if (accept_keyword("TABLE")) {
        kind = source_kind::table;
    } else {
        mismatched("STREAM or TABLE");
    }
    bool if_not_exists = false;
    if (accept_keyword("IF")) {
        expect_keyword("NOT");
        expect_keyword("EXISTS");
        if_not_exists = true;
    }
    ast::source_pos name_pos;
    std::string name = identifier(&name_pos);
    std::vector<ast::table_element> elements;
    bool has_elements = false;
    if (peek().is_symbol("(")) {
        elements = table_elements();
        has_elements = true;
    }
    ast::properties with;
    if (accept_keyword("WITH")) {
        with = with_properties();
    }
    if (peek().is_keyword("AS")) {
        const token& as = next();
        if (has_elements) {
            fail(as,
                 "CREATE ... AS SELECT takes its columns from the SELECT: remove the "
                 "column list");
        }
        if (is_source) {
            fail(as,
                 "CREATE SOURCE ... AS SELECT is not allowed: source streams and tables "
                 "are read-only");
        }
        ast::create_as_select_stmt c;
        c.kind = kind;
        c.or_replace = or_replace;
        c.if_not_exists = if_not_exists;
        c.name = std::move(name);
        c.name_pos = name_pos;
        c.with = std::move(with);
        c.select = select();
        return c;
    }
    ast::create_source_stmt c;
    c.kind = kind;
    c.or_replace = or_replace;
    c.is_source = is_source;
    c.if_not_exists = if_not_exists;
    c.name = std::move(name);
    c.name_pos = name_pos;
    c.elements = std::move(elements);
    c.with = std::move(with);
    return c;
}

ast::statement_body parser::insert() {
    expect_keyword("INTO");
    ast::source_pos target_pos;
    std::string target = identifier(&target_pos);
    if (peek().is_symbol("(") || peek().is_keyword("VALUES")) {
        ast::insert_values_stmt v;
        v.target = std::move(target);
        v.target_pos = target_pos;
        if (accept_symbol("(")) {
            do {
                ast::source_pos p;
                v.columns.push_back(identifier(&p));
                v.column_pos.push_back(p);
            } while (accept_symbol(","));
            expect_symbol(")");
        }
        expect_keyword("VALUES");
        expect_symbol("(");
        do {
            v.values.push_back(expression());
        } while (accept_symbol(","));
        expect_symbol(")");
        return v;
    }
    ast::insert_select_stmt s;
    s.target = std::move(target);
    s.target_pos = target_pos;
    if (accept_keyword("WITH")) {
        s.with = with_properties();
    }
    s.select = select();
    return s;
}

ast::statement_body parser::drop() {
    ast::drop_stmt d;
    if (accept_keyword("STREAM")) {
        d.kind = source_kind::stream;
    } else if (accept_keyword("TABLE")) {
        d.kind = source_kind::table;
    } else {
        mismatched("STREAM or TABLE");
    }
    if (accept_keyword("IF")) {
        expect_keyword("EXISTS");
        d.if_exists = true;
    }
    d.name = identifier(&d.name_pos);
    if (accept_keyword("DELETE")) {
        expect_keyword("TOPIC");
        d.delete_topic = true;
    }
    return d;
}

ast::statement_body parser::show() {
    ast::show_stmt s;
    const token& t = peek();
    if (accept_keyword("STREAMS")) {
        s.what = ast::show_what::streams;
    } else if (accept_keyword("TABLES")) {
        s.what = ast::show_what::tables;
    } else if (accept_keyword("QUERIES")) {
        s.what = ast::show_what::queries;
    } else if (accept_keyword("TOPICS")) {
        s.what = ast::show_what::topics;
    } else if (accept_keyword("FUNCTIONS")) {
        s.what = ast::show_what::functions;
    } else if (accept_keyword("PROPERTIES")) {
        s.what = ast::show_what::properties;
    } else if (accept_keyword("VARIABLES")) {
        s.what = ast::show_what::variables;
    } else {
        (void)t;
        mismatched("STREAMS, TABLES, QUERIES, TOPICS, FUNCTIONS, PROPERTIES or VARIABLES");
    }
    s.extended = accept_keyword("EXTENDED");
    return s;
}

ast::statement_body parser::describe() {
    ast::describe_stmt d;
    if (peek().is_keyword("FUNCTION") && peek(1).kind != token_kind::end &&
        !peek(1).is_symbol(";")) {
        next();
        d.function = true;
        d.name = identifier(&d.name_pos);
        return d;
    }
    if ((peek().is_keyword("STREAMS") || peek().is_keyword("TABLES")) &&
        (peek(1).kind == token_kind::end || peek(1).is_symbol(";") ||
         peek(1).is_keyword("EXTENDED"))) {
        d.all_kind = next().text == "STREAMS" ? source_kind::stream : source_kind::table;
        d.extended = accept_keyword("EXTENDED");
        return d;
    }
    // DESCRIBE EXTENDED x, but a source may itself be called EXTENDED.
    if (peek().is_keyword("EXTENDED") &&
        (peek(1).kind == token_kind::identifier || peek(1).kind == token_kind::quoted_identifier ||
         peek(1).kind == token_kind::variable)) {
        next();
        d.extended = true;
    }
    d.name = identifier(&d.name_pos);
    if (accept_keyword("EXTENDED")) {
        d.extended = true;
    }
    return d;
}

ast::statement_body parser::statement_body() {
    const token& t = peek();
    if (accept_keyword("CREATE")) {
        return create();
    }
    if (accept_keyword("INSERT")) {
        return insert();
    }
    if (accept_keyword("DROP")) {
        return drop();
    }
    if (accept_keyword("SHOW") || accept_keyword("LIST")) {
        return show();
    }
    if (accept_keyword("DESCRIBE")) {
        return describe();
    }
    if (accept_keyword("EXPLAIN")) {
        ast::explain_stmt e;
        e.id_pos = peek().pos;
        if (peek().is_keyword("CREATE") || peek().is_keyword("INSERT")) {
            const bool create_kw = next().is_keyword("CREATE");
            auto inner = create_kw ? create() : insert();
            if (auto* c = std::get_if<ast::create_as_select_stmt>(&inner)) {
                e.create_as_select = std::make_shared<ast::create_as_select_stmt>(std::move(*c));
            } else if (auto* i = std::get_if<ast::insert_select_stmt>(&inner)) {
                e.insert_select = std::make_shared<ast::insert_select_stmt>(std::move(*i));
            } else {
                fail(e.id_pos,
                     "EXPLAIN takes a query id, a CREATE ... AS SELECT or an INSERT INTO ... "
                     "SELECT");
            }
            return e;
        }
        e.query_id = identifier(&e.id_pos);
        return e;
    }
    if (accept_keyword("TERMINATE")) {
        ast::terminate_stmt e;
        if (peek().is_keyword("ALL")) {
            e.id_pos = next().pos;
            e.all = true;
        } else {
            e.query_id = identifier(&e.id_pos);
        }
        return e;
    }
    if (accept_keyword("SET")) {
        ast::set_stmt s;
        if (peek().kind != token_kind::string) {
            mismatched("a quoted property name");
        }
        s.name = next().text;
        expect_symbol("=");
        if (peek().kind != token_kind::string) {
            mismatched("a quoted property value");
        }
        s.value = next().text;
        return s;
    }
    if (accept_keyword("UNSET")) {
        ast::unset_stmt s;
        if (peek().kind != token_kind::string) {
            mismatched("a quoted property name");
        }
        s.name = next().text;
        return s;
    }
    if (t.is_keyword("SELECT")) {
        return ast::query_stmt{select()};
    }
    if (accept_keyword("PRINT")) {
        return print();
    }
    if (accept_keyword("DEFINE")) {
        return define();
    }
    if (accept_keyword("UNDEFINE")) {
        return undefine();
    }
    if (accept_keyword("ALTER")) {
        return alter();
    }
    if (accept_keyword("RUN")) {
        return run_script();
    }
    mismatched(
        "CREATE, INSERT, DROP, SHOW, LIST, DESCRIBE, EXPLAIN, TERMINATE, SET, UNSET, SELECT, "
        "PRINT, DEFINE, UNDEFINE, ALTER or RUN SCRIPT");
}

std::vector<ast::statement> parser::script() {
    std::vector<ast::statement> out;
    for (;;) {
        while (accept_symbol(";")) {
        }
        if (at_end()) {
            return out;
        }
        const token& first = peek();
        ast::statement st;
        st.pos = first.pos;
        size_t begin = first.offset;
        variable_uses_.clear();
        st.body = statement_body();
        const token& last = tokens_[idx_ == 0 ? 0 : idx_ - 1];
        st.text = std::string(sql_.substr(begin, last.offset + last.length - begin));
        st.variables = std::move(variable_uses_);
        variable_uses_.clear();
        for (auto& v : st.variables) {
            v.offset -= begin;
        }
        if (!at_end() && !peek().is_symbol(";")) {
            mismatched("';'");
        }
        out.push_back(std::move(st));
    }
}

ast::statement parser::one_statement() {
    auto all = script();
    if (all.size() != 1) {
        fail(ast::source_pos{},
             all.empty() ? "expected a statement, found none"
                         : "expected one statement, found " + std::to_string(all.size()));
    }
    return std::move(all.front());
}

}  // namespace detail

namespace {

template <class F>
auto run_parser(std::string_view sql, F&& f)
    -> result<decltype(f(std::declval<detail::parser&>()))> {
    auto tokens = tokenize(sql);
    if (!tokens.ok()) {
        return tokens.take_error();
    }
    detail::parser p(sql, std::move(tokens).value());
    try {
        return f(p);
    } catch (detail::parse_failure& failure) {
        return std::move(failure.err);
    }
}

}  // namespace

result<std::vector<ast::statement>> parse_script(std::string_view sql) {
    return run_parser(sql, [](detail::parser& p) { return p.script(); });
}

result<ast::statement> parse_statement(std::string_view sql) {
    return run_parser(sql, [](detail::parser& p) { return p.one_statement(); });
}

result<ast::expr_ptr> parse_expression(std::string_view sql) {
    return run_parser(sql, [](detail::parser& p) {
        auto e = p.expression();
        if (!p.at_end()) {
            p.mismatched("<EOF>");
        }
        return e;
    });
}

result<sql_type> parse_type(std::string_view sql) {
    return run_parser(sql, [](detail::parser& p) {
        auto t = p.type();
        if (!p.at_end()) {
            p.mismatched("<EOF>");
        }
        return t;
    });
}

}  // namespace cs::streams
