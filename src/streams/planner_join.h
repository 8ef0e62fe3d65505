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

// A TABLE joined after a two-source join (a broadcast look-up): its
// look-up expression as bound (before any CAST to the key's type) and as
// SQL, the look-up as evaluated (key), and the table's key column.
struct table_join_key {
    expr_ptr lookup;
    std::string lookup_sql;
    expr_ptr key;
    size_t table_key = 0;
    std::string table_key_sql;
};

// The output key of a join, as ksqlDB's JoinTree: the columns equivalent to
// the last join's key ("viable", in ksqlDB's order: the previous join's when
// the look-up expression is one of its join expressions, then the look-up
// column, then the table's key), and its value (key, on the joined row).
// Synthetic: no viable column (a FULL join, or ON two expressions), the key
// is ROWKEY.
struct join_key_choice {
    std::vector<size_t> viable;
    std::vector<std::string> names;  // viable as SQL (the error text)
    expr_ptr key;
    bool synthetic = false;
};

// The key of a two-source join (its ON sides as SQL in (left, right) order)
// followed by TABLE look-ups (in join order).
join_key_choice join_key_of(const source_join& sj,
                            const std::pair<std::string, std::string>& sides_sql,
                            const std::vector<table_join_key>& tables);

// The output key: the first projection that is a bare viable column (in
// viable order; with a synthetic key: ROWKEY) becomes the key column,
// evaluated as the key; it moves first. Fails with ksqlDB's message when
// none is projected.
void choose_join_key(query_plan& p, const join_key_choice& key, const std::string& sink_name,
                     ast::source_pos pos, const join_fail& fail);

}  // namespace cs::streams
