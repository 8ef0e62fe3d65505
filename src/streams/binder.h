#pragma once

// Binds AST expressions to a scope of columns and compiles them into
// row_expr trees (query_plan.h) that read the joined row by precomputed
// index. Functions, casts and operators come from functions.h, cast.h and
// operators.h. Subtrees made only of literals (and deterministic functions
// of literals) are folded to constants at bind time.
//
// Semantics (ksqlDB's):
// - A comparison (=, <>, <, <=, >, >=) with a NULL operand is FALSE, not
//   NULL (ksqlDB's code generation), so NOT (a > 5) is TRUE when a is NULL.
// - x [NOT] BETWEEN a AND b is inclusive; any NULL operand makes BETWEEN
//   FALSE and NOT BETWEEN TRUE (ksqlDB: NOT of two such comparisons).
// - x IN (a, b): TRUE if some non-NULL element equals x, else FALSE (a NULL
//   x or element never matches); NOT IN is its negation.
// - AND/OR/NOT use three-valued logic (NULL = unknown): NOT NULL is NULL.
// - LIKE: '%' any sequence, '_' one character, optional ESCAPE 'c'; a NULL
//   operand, pattern or escape gives NULL (ksqlDB fails the expression,
//   which makes the column NULL and WHERE drop the row).
// - Numeric operands are widened (INTEGER < BIGINT < DECIMAL < DOUBLE).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/ast.h"
#include "streams/query_plan.h"

namespace cs::streams {

// One column visible to expressions: `source` is the name it can be
// qualified with (alias or source name), `index` its slot in the joined row.
struct scope_column {
    std::string source;
    std::string name;
    sql_type type;
    size_t index = 0;
};

struct bind_scope {
    std::vector<scope_column> columns;
    // Names the qualifier may take (aliases and source names), for
    // "unknown source" errors.
    std::vector<std::string> sources;
    // When set, every column reference bound in this scope sets its index
    // here (grown as needed): the planner learns which columns of the
    // joined row a query reads, and the runtime copies only those.
    std::vector<bool>* reads = nullptr;

    // Appends the columns of `def` (qualified by `qualifier`) at `first_index`.
    void add_source(const source_def& def, const std::string& qualifier, size_t first_index);
};

// Sets reads[index], growing `reads` as needed.
void mark_read(std::vector<bool>& reads, size_t index);

// Where expression text and positions come from, for error messages.
struct error_source {
    std::string_view text;
    ast::source_pos text_start;
};

result<expr_ptr> bind_expression(const ast::expr& e, const bind_scope& scope,
                                 const error_source& src = {});

// A row_expr holding a constant (also what folding produces).
expr_ptr make_constant(value v, sql_type type);

// Evaluates an expression that references no columns (INSERT ... VALUES).
result<value> eval_constant(const ast::expr& e, const sql_type& target,
                            const error_source& src = {});

}  // namespace cs::streams
