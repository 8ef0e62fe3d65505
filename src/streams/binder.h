#pragma once

// Binds AST expressions to a scope of columns and compiles them into
// row_expr trees (query_plan.h) that read the joined row by precomputed
// index. Functions, casts and operators come from functions.h, cast.h and
// operators.h. Subtrees made only of literals (and deterministic functions
// of literals) are folded to constants at bind time.
//
// Semantics (ksqlDB's / SQL's):
// - AND/OR/NOT and comparisons use three-valued logic (NULL = unknown).
// - LIKE: '%' any sequence, '_' one character, optional ESCAPE 'c'.
// - x IN (a, b): TRUE if some element equals x, else NULL if x or an
//   element is NULL, else FALSE. BETWEEN is inclusive.
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

    // Appends the columns of `def` (qualified by `qualifier`) at `first_index`.
    void add_source(const source_def& def, const std::string& qualifier, size_t first_index);
};

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
