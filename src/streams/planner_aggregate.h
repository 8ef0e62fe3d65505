#pragma once

// GROUP BY planning helpers (planner.cc): an aggregate query's projections
// and HAVING are rewritten so that they read the "aggregate row"
// (query_plan.h): each GROUP BY expression becomes the column
// KSQL_INTERNAL_COL_<i>, each aggregate call KSQL_AGG_VARIABLE_<j>; what is
// left must not read the source (ksqlDB: "Non-aggregate SELECT
// expression(s) not part of GROUP BY").

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "streams/ast.h"
#include "streams/binder.h"
#include "streams/query_plan.h"

namespace cs::streams {

struct aggregate_rewriter {
    // Binds an aggregate's argument against the source row (marks reads).
    std::function<expr_ptr(const ast::expr&)> bind_source;
    // Which GROUP BY expression e is, if any.
    std::function<std::optional<size_t>(const ast::expr&)> group_index;
    // Reports an error (throws).
    std::function<void(ast::source_pos, const std::string&)> fail;
    bool windowed = false;                   // WINDOWSTART / WINDOWEND are columns
    std::vector<aggregate_call> calls;       // found so far (shared by SELECT and HAVING)
    std::vector<std::string> unmatched;      // source columns read outside GROUP BY and aggregates
    std::vector<std::string> lambda_params;  // of the lambdas around the expression rewritten

    ast::expr_ptr rewrite(const ast::expr_ptr& e);

  private:
    // An aggregate call's argument on the source row (CORRELATION's two
    // columns as one STRUCT), its column types and its literals (TOPK's k).
    expr_ptr bind_arguments(const ast::expr& e, agg_kind kind, std::vector<sql_type>& types,
                            std::vector<int64_t>& literals);
};

// A copy of e whose sub-expressions (arguments, CASE parts) are f of
// e's: the step of a rewrite that replaces some nodes of a tree (the
// aggregate calls here, the table function calls of flat_map.h).
template <class F>
ast::expr_ptr with_children(const ast::expr& e, F&& f) {
    auto copy = std::make_shared<ast::expr>(e);
    for (auto& a : copy->args) {
        a = f(a);
    }
    for (auto& w : copy->when_conditions) {
        w = f(w);
    }
    for (auto& w : copy->when_results) {
        w = f(w);
    }
    copy->case_operand = f(copy->case_operand);
    copy->case_else = f(copy->case_else);
    return copy;
}

// An unqualified column reference named `name` (what a rewrite puts in
// place of a call).
ast::expr_ptr column_node(std::string name, ast::source_pos pos);

std::string group_column_name(size_t i);
std::string aggregate_column_name(size_t j);

// The scope of the aggregate row: the group columns (types `group_types`)
// then the calls' results, then WINDOWSTART and WINDOWEND when windowed.
bind_scope aggregate_scope(const std::vector<sql_type>& group_types,
                           const std::vector<aggregate_call>& calls, bool windowed);

// Whether e is the WINDOWSTART or WINDOWEND pseudo-column.
bool is_window_bound(const ast::expr& e);

// Whether an expression calls an aggregate function (anywhere inside).
bool calls_aggregate(const ast::expr& e);

// A table aggregation (GROUP BY over a TABLE) takes only functions that
// can undo (aggregate_undoable); ksqlDB's message names the others:
// "The aggregation functions MIN and MAX cannot be applied to a table
// source, only to a stream source." Empty: all can.
std::string table_aggregation_refusal(const std::vector<aggregate_call>& calls);

// "A, B and C" (ksqlDB's GrammaticalJoiner.and()).
std::string join_and(const std::vector<std::string>& items);

}  // namespace cs::streams
