#pragma once

// The recursive-descent parser shared by parser_statements.cc (statements,
// types, WITH properties) and parser_expressions.cc (expressions by
// precedence climbing). Internal to the streams module.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/ast.h"
#include "streams/lexer.h"

namespace cs::streams::detail {

// Parse failures unwind with this exception inside the parser only; the
// public entry points (parser.h) turn it into an error value.
struct parse_failure {
    error err;
};

class parser {
  public:
    parser(std::string_view sql, std::vector<token> tokens)
        : sql_(sql), tokens_(std::move(tokens)) {}

    // Statements (parser_statements.cc).
    std::vector<ast::statement> script();
    ast::statement one_statement();
    ast::statement_body statement_body();
    sql_type type();
    ast::properties with_properties();
    ast::select_stmt select();

    // Expressions (parser_expressions.cc).
    ast::expr_ptr expression();

    // Token access.
    const token& peek(size_t ahead = 0) const {
        size_t i = idx_ + ahead;
        return i < tokens_.size() ? tokens_[i] : tokens_.back();
    }
    const token& next() {
        const token& t = tokens_[idx_];
        if (idx_ + 1 < tokens_.size()) {
            ++idx_;
        }
        return t;
    }
    bool at_end() const { return peek().kind == token_kind::end; }
    bool accept_keyword(std::string_view k);
    bool accept_symbol(std::string_view s);
    const token& expect_keyword(std::string_view k);
    const token& expect_symbol(std::string_view s);
    // An identifier (unquoted -> upper-cased, backticked -> as written).
    std::string identifier(ast::source_pos* pos = nullptr);
    bool at_identifier() const {
        return peek().kind == token_kind::identifier ||
               peek().kind == token_kind::quoted_identifier || peek().kind == token_kind::variable;
    }
    // Records the ${name} token t as a variable used as an identifier or a
    // literal (ast::statement::variables).
    void use_variable(const token& t, bool as_identifier);
    // Keywords that end a clause: not taken as an implicit alias.
    static bool is_reserved(const token& t);

    [[noreturn]] void fail(const token& at, std::string_view message) const;
    [[noreturn]] void fail(ast::source_pos at, std::string_view message) const;
    [[noreturn]] void mismatched(std::string_view expected) const;

    std::string_view sql() const { return sql_; }

  private:
    // parser_expressions.cc
    ast::expr_ptr or_expr();
    ast::expr_ptr and_expr();
    ast::expr_ptr not_expr();
    ast::expr_ptr predicate();
    struct binary_symbol {
        const char* text;
        ast::binary_op op;
    };
    ast::expr_ptr binary_level(std::initializer_list<binary_symbol> ops,
                               ast::expr_ptr (parser::*operand)());
    ast::expr_ptr concat_expr();
    ast::expr_ptr additive();
    ast::expr_ptr multiplicative();
    ast::expr_ptr unary();
    ast::expr_ptr postfix();
    ast::expr_ptr primary();
    ast::expr_ptr number_literal(const token& t);
    ast::expr_ptr case_expr(const token& t);
    bool at_lambda() const;
    ast::expr_ptr lambda();
    ast::expr_ptr unary_for_property();

    // parser_statements.cc
    ast::statement_body create();
    ast::statement_body insert();
    ast::statement_body drop();
    ast::statement_body show();
    ast::statement_body describe();
    ast::source_ref source_reference();
    ast::window_spec window();
    int64_t duration_ms();
    std::vector<ast::table_element> table_elements();
    // parser_session.cc: PRINT, DEFINE, UNDEFINE, ALTER, RUN SCRIPT.
    ast::statement_body print();
    ast::statement_body define();
    ast::statement_body undefine();
    ast::statement_body alter();
    ast::statement_body run_script();
    int64_t integer_value(std::string_view what);
    std::string variable_name();

    std::string_view sql_;
    std::vector<token> tokens_;
    size_t idx_ = 0;
    std::vector<ast::variable_use> variable_uses_;  // of the statement being parsed
};

}  // namespace cs::streams::detail
