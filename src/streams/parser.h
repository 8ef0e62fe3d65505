#pragma once

// The ksqlDB statement parser: a hand-written lexer and recursive-descent
// parser (precedence climbing for expressions) producing ast.h trees.
//
// Errors are errc::invalid_argument with a message a person can act on:
//   line 3:17: mismatched input 'FORM', expected FROM
//   CREATE STREAM s AS SELECT * FORM t;
//                               ^
// Positions are relative to the text handed in (1-based line:column).

#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/ast.h"

namespace cs::streams {

// A script: statements separated by ';', with `--` line comments and
// `/* */` block comments. Each statement keeps its original text. The last
// statement's ';' may be omitted.
result<std::vector<ast::statement>> parse_script(std::string_view sql);

// Exactly one statement (a trailing ';' is optional).
result<ast::statement> parse_statement(std::string_view sql);

// One expression, the whole text (tests, INSERT VALUES helpers, tools).
result<ast::expr_ptr> parse_expression(std::string_view sql);

// A type as written in SQL: INT, VARCHAR, DECIMAL(10, 2), ARRAY<STRING>,
// MAP<STRING, INT>, STRUCT<a INT, `b` STRING>.
result<sql_type> parse_type(std::string_view sql);

}  // namespace cs::streams
