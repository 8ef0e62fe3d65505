#pragma once

// Table functions (ksqlDB's UDTFs): EXPLODE and CUBE_EXPLODE in the SELECT
// list of a stream query (ksqlDB's FlatMapNode and KudtfFlatMapper).
//
// - EXPLODE(ARRAY<T>) gives one T per element; a NULL or empty array gives
//   none (Explode.java).
// - CUBE_EXPLODE(ARRAY<T>) gives every combination of the elements and
//   NULLs, as ARRAY<T>s (Cube.java): 2^n of them, fewer when elements are
//   NULL (a NULL element has one possibility); at most 20 elements.
// - Several table functions in one SELECT are zipped: the longest sets the
//   number of rows, the shorter ones give NULL past their end.
// - The planner replaces each call by a column KSQL_SYNTH_<i> appended to
//   the joined row (flat_map_rewriter); the runner fills those columns for
//   each output row (query_runner_flat_map.cc).
// - Refused as ksqlDB refuses them: with GROUP BY ("Table functions cannot
//   be used with aggregations."), over a TABLE ("Table source is not
//   supported with table functions"); outside the SELECT list; nested.
//   With PARTITION BY or a join of two sources: not supported yet.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "streams/ast.h"
#include "streams/query_plan.h"

namespace cs::streams {

// Whether `name` (upper-case) is a table function.
bool is_table_function(std::string_view name);
// Every table function's name (SHOW FUNCTIONS).
std::vector<std::string> table_function_names();
// The signatures of one (DESCRIBE FUNCTION), "EXPLODE(ARRAY<T>) -> T".
std::vector<std::string> table_function_signatures(std::string_view name);

// The type of each element the function gives for these argument types;
// ksqlDB's "Function 'EXPLODE' does not accept parameters (...)" otherwise.
result<sql_type> table_function_type(std::string_view name, std::span<const sql_type> args);

// The elements one call gives for its argument values.
result<value_list> table_function_rows(const table_function_call& call,
                                       std::span<const value> args);

// Whether e calls a table function anywhere inside.
bool calls_table_function(const ast::expr& e);

// Rewrites a SELECT item: each table function call becomes the column
// KSQL_SYNTH_<i>, its arguments bound on the source row into `calls`.
struct flat_map_rewriter {
    std::function<expr_ptr(const ast::expr&)> bind_source;
    std::function<void(ast::source_pos, const std::string&)> fail;  // throws
    std::vector<table_function_call> calls;

    ast::expr_ptr rewrite(const ast::expr_ptr& e);
};

std::string synthetic_column_name(size_t i);

}  // namespace cs::streams
