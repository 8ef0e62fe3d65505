#pragma once

// A persistent query as the planner hands it to the runtime: read one
// stream, look each record up in zero or more tables, filter, project,
// (re)key, write one sink. Expressions are compiled by the planner into
// row_expr objects; the runtime only evaluates them.
//
// The row the expressions see ("the joined row") is the concatenation of
// the stream's columns and then each joined table's columns, in join order,
// followed by nothing else: pseudo-columns (ROWTIME, ROWPARTITION,
// ROWOFFSET) come from eval_context. A LEFT JOIN miss fills that table's
// slice with NULLs.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "streams/aggregate.h"
#include "streams/catalog_types.h"
#include "streams/stream_join.h"
#include "streams/value.h"

namespace cs::streams {

// Where the current record came from; what pseudo-columns read.
struct record_context {
    int64_t rowtime = 0;  // ms: the TIMESTAMP column if declared, else the record timestamp
    int32_t partition = 0;
    int64_t offset = 0;
};

struct eval_context {
    const row* joined = nullptr;  // the joined row (see above)
    record_context record;
    // Inside a lambda's body: its parameters and the enclosing lambdas'
    // (lambda_functions.h).
    const value* lambda_vars = nullptr;
};

// A compiled expression. Evaluation errors (a failing cast, a function that
// rejects its input) are returned, not thrown: the runtime routes the record
// to the dead-letter topic with the message.
class row_expr {
  public:
    virtual ~row_expr() = default;
    virtual result<value> eval(const eval_context& ctx) const = 0;
    // Fast path, optional: the expression's value without a copy, when it
    // already exists somewhere that outlives this call: a column reference
    // returns a pointer into ctx.joined (valid while that row is), a
    // constant a pointer to itself (valid while the expression is). nullptr
    // means "call eval()"; it never fails. Semantics equal eval()'s.
    //
    // Use: a projection that is a bare column can be copy-assigned into a
    // reused output row (`out[i] = *p`: a string reuses the destination's
    // capacity instead of allocating twice, once for the copy eval() makes
    // and once for the output), and nodes reading children compare/inspect
    // in place. The binder's nodes already do the latter.
    virtual const value* ref(const eval_context& ctx) const {
        (void)ctx;
        return nullptr;
    }
    virtual const sql_type& type() const = 0;
    // The expression as SQL text (EXPLAIN, error headers).
    virtual std::string to_sql() const = 0;
};
using expr_ptr = std::shared_ptr<const row_expr>;

enum class join_kind { left, inner };

struct join_step {
    std::string table;  // the table source's name (catalog)
    join_kind kind = join_kind::left;
    expr_ptr stream_key;      // evaluated on the joined row so far; looked up in the table
    size_t first_column = 0;  // where this table's columns start in the joined row
};

struct projection {
    std::string name;  // output column name (case-normalized)
    expr_ptr expr;
    bool is_key = false;  // becomes the output record key (PARTITION BY or key passthrough)
    // A key expression that reads no column but the stream's key columns
    // (no value, header or pseudo-column): it is evaluated for a record
    // with a null value too; any other key is NULL for such a record
    // (ksqlDB evaluates it on a null row). See query_runner.h.
    bool key_only = false;
};

// A table function (EXPLODE, CUBE_EXPLODE) of the SELECT list: each input
// row gives one output row per element (flat_map.h).
struct table_function_call {
    std::string name;            // upper-case
    std::vector<expr_ptr> args;  // on the joined row
    sql_type type;               // of each element it gives
    std::string sql;             // e.g. "EXPLODE(ITEMS)"
};

// One aggregate function call of a GROUP BY query.
struct aggregate_call {
    aggregate_fn fn;
    expr_ptr arg;     // on the joined row; null for COUNT(*)
    std::string sql;  // e.g. "COUNT(*)" (EXPLAIN)
};

// WINDOW TUMBLING / HOPPING / SESSION of a GROUP BY, on ROWTIME (the TIMESTAMP
// column, else the record timestamp). Durations in ms.
struct time_window {
    bool hopping = false;
    // SESSION: size_ms is the inactivity gap; a session is [first, last
    // record's ROWTIME], its key the group key + 8-byte end + 8-byte start
    // (Kafka Streams' SessionWindowedSerializer).
    bool session = false;
    int64_t size_ms = 0;
    int64_t advance_ms = 0;  // = size_ms for TUMBLING
    int64_t grace_ms = 0;
    int64_t retention_ms = 0;  // at least size + grace

    // The starts of the windows holding timestamp ts (Kafka Streams'
    // TimeWindows.windowsFor), ascending.
    std::vector<int64_t> windows_for(int64_t ts) const {
        std::vector<int64_t> starts;
        int64_t first = std::max<int64_t>(0, ts - size_ms + advance_ms) / advance_ms * advance_ms;
        for (int64_t s = first; s <= ts; s += advance_ms) {
            starts.push_back(s);
        }
        return starts;
    }
};

// GROUP BY (CREATE TABLE ... AS SELECT ... FROM stream GROUP BY ...). The
// projections and HAVING of such a plan read the "aggregate row": the
// group_by values, then one value per call, in order.
struct aggregation {
    std::vector<expr_ptr> group_by;  // on the joined row
    std::vector<aggregate_call> calls;
    expr_ptr having;  // on the aggregate row; null: none
    // The group key is not the source's key: records go through the
    // repartition topic keyed by it, so that one partition (and so one
    // process) holds each group.
    bool repartition = false;
    // WINDOW: the aggregate row ends with WINDOWSTART and WINDOWEND
    // (BIGINT), and output and changelog keys with the 8-byte big-endian
    // window start (Kafka Streams' TimeWindowedSerializer).
    std::optional<time_window> window;
    // EMIT FINAL: a window's row once, when it closes, instead of a row per
    // update.
    bool emit_final = false;
    // GROUP BY over a TABLE (query_runner_table_agg.cc): each change of a
    // source row takes its old value out of its old group (aggregate_undo)
    // and adds the new one to its new group, through the repartition topic.
    bool table_source = false;
};

// A join of two streams (WITHIN) or two tables (their PRIMARY KEYs), both
// keyed by the join key (co-partitioned): query_runner_join.cc. The joined
// row is the left source's columns (plan.source), the right source's, then
// one more column, the join key (what a synthetic ROWKEY names and every
// output record is keyed by).
//
// A stream whose join expression is not its key column is repartitioned by
// it first, as ksqlDB does (query_runner_repartition.cc): its records go
// through `<group>-LeftSourceKeyed-SelectKey-repartition` (or `Right...`)
// keyed by the join key in key_format, and the join reads that topic.
struct source_join {
    source_def right;
    // The kind; the window (stream-stream only) as Kafka Streams' JoinWindows.
    join_window_spec window;
    bool windowed = false;  // stream-stream; else table-table
    size_t left_key = 0;    // the key column of each side (in its source), when
    size_t right_key = 0;   // not repartitioned
    size_t key_column = 0;  // the join key's column in the joined row (the last)
    // ON's two sides in (left, right) order, bound on the joined row, each
    // reading its own source only; the join key of a row is its side's.
    expr_ptr left_expr;
    expr_ptr right_expr;
    bool repartition_left = false;
    bool repartition_right = false;
    // Neither side is a bare column (or the join is FULL): the key column is
    // ksqlDB's synthetic ROWKEY, which the projection must select.
    bool synthetic_key = false;
    format_options key_format;  // of the join key as the join reads it
};

struct query_plan {
    std::string id;                  // e.g. CSAS_ENRICHED_3 / INSERTQUERY_4 (ksqlDB's naming)
    std::string sql;                 // the statement text
    source_def source;               // the stream read
    std::vector<source_def> tables;  // one per join_step, same order
    std::vector<join_step> joins;
    size_t joined_width = 0;  // number of columns of the joined row
    // Which columns of the joined row some expression reads (the planner
    // marks each column it binds); empty means all. A join copies only the
    // table columns read: the others hold stale values nobody looks at.
    std::vector<bool> reads;
    expr_ptr where;                       // null: no filter
    std::vector<projection> projections;  // output columns in order
    // PARTITION BY: each expression is one key column (is_key projections,
    // in this order, first in `projections`). `partition_by` is the first of
    // them (kept for callers written before multi-column keys); null: output
    // key = the stream key columns (if any) else null.
    expr_ptr partition_by;
    std::vector<expr_ptr> partition_by_columns;
    std::optional<aggregation> aggregate;  // GROUP BY
    // Table functions of the SELECT list (flat_map.h): their elements are
    // the columns joined_width, joined_width + 1, ... of the row the
    // projections read, one output row per element.
    std::vector<table_function_call> table_functions;
    std::optional<source_join> two_source;  // stream-stream or table-table join
    source_def sink;                        // output stream (its columns = the projections)
    std::string dlq_topic;                  // default "<sink topic>-dlq"
};

// The catalog names a plan reads: its source, a two-source join's other
// source, then the broadcast-joined tables.
inline std::vector<std::string> source_names(const query_plan& p) {
    std::vector<std::string> names = {p.source.name};
    if (p.two_source) {
        names.push_back(p.two_source->right.name);
    }
    for (const auto& t : p.tables) {
        names.push_back(t.name);
    }
    return names;
}

}  // namespace cs::streams
