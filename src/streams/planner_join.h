#pragma once

// Planning of two-source joins (stream-stream WITHIN, table-table on
// PRIMARY KEYs; query_plan.h's source_join): the checks and the choice of the
// output key, with ksqlDB's rules and messages. planner.cc binds; this file
// decides.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "streams/ast.h"
#include "streams/query_plan.h"

namespace cs::streams {

using join_fail = std::function<void(ast::source_pos, const std::string&, errc)>;

// The index of a source's single key column; fails (unsupported) otherwise.
size_t single_key_column(const source_def& def, const ast::source_ref& ref, const join_fail& fail);

// The window of a stream-stream join (WITHIN required) or none for a
// table-table join (WITHIN refused).
join_window_spec join_window_of(const ast::join_clause& j, bool streams, const join_fail& fail);

// The index of a source's key column when it has exactly one.
std::optional<size_t> key_column_of(const source_def& def);

// ON's bound sides l and r with the joined-row columns each reads
// (bind_scope::reads): puts them in (left, right) order into sj.left_expr /
// sj.right_expr, right columns being [right_first, right_end). Fails with
// ksqlDB's message when a side reads no source or both, and when the two
// types differ. Then a table-table join must be ON both PRIMARY KEYs (a
// foreign-key join is refused as not supported yet); a stream-stream join
// repartitions each side whose expression is not its key column (or the
// right one when the key formats differ), and takes the key format of the
// side not repartitioned (else the left one's; KAFKA for NONE).
void plan_join_condition(const ast::join_clause& j, source_join& sj, const source_def& left,
                         expr_ptr l, expr_ptr r, const std::vector<bool>& l_reads,
                         const std::vector<bool>& r_reads, size_t right_first, size_t right_end,
                         const join_fail& fail);

// The output key: the first projection that is the left side's bare join
// column, else the right one's (with a synthetic key: ROWKEY) becomes the
// key column, evaluated as the join key; it moves first. left_name and
// right_name are ON's sides as SQL (the error text).
void choose_join_key(query_plan& p, const std::string& left_name, const std::string& right_name,
                     const std::string& sink_name, ast::source_pos pos, const join_fail& fail);

}  // namespace cs::streams
