#pragma once

// Planning of two-source joins (stream-stream WITHIN, table-table on
// PRIMARY KEYs; query_plan.h's source_join): the checks and the choice of the
// output key, with ksqlDB's rules and messages. planner.cc binds; this file
// decides.

#include <functional>
#include <optional>
#include <string>

#include "streams/ast.h"
#include "streams/query_plan.h"

namespace cs::streams {

using join_fail = std::function<void(ast::source_pos, const std::string&, errc)>;

// The index of a source's single key column; fails (unsupported) otherwise.
size_t single_key_column(const source_def& def, const ast::source_ref& ref, const join_fail& fail);

// The window of a stream-stream join (WITHIN required) or none for a
// table-table join (WITHIN refused).
join_window_spec join_window_of(const ast::join_clause& j, bool streams, const join_fail& fail);

// ON left.key = right.key (either order): l and r are the bound sides.
void check_join_condition(const ast::join_clause& j, const expr_ptr& l, const expr_ptr& r,
                          size_t left_key, size_t right_key, bool streams, const join_fail& fail);

// The output key: the first projection that is the left source's bare key
// column, else the right one's (in a FULL join: ROWKEY) becomes the key
// column, evaluated as the join key; it moves first.
void choose_join_key(query_plan& p, size_t left_key_index, size_t right_key_index,
                     const std::string& left_name, const std::string& right_name,
                     const std::string& sink_name, ast::source_pos pos, const join_fail& fail);

}  // namespace cs::streams
