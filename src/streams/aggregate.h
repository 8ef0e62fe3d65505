#pragma once

// ksqlDB's aggregate functions (UDAFs) for GROUP BY: which names are
// aggregates, their result types, and the accumulator each keeps per group
// (the state the aggregation holds in memory and writes to its changelog).
//
// As ksqlDB 0.29:
// - COUNT(*) counts records; COUNT(x) the records where x is not NULL
//   (BIGINT).
// - SUM(x): INT of INT, BIGINT of BIGINT, DOUBLE of DOUBLE, DECIMAL(p, s)
//   of DECIMAL(p, s) (a sum beyond p digits fails: "Numeric field
//   overflow"); INT and BIGINT sums wrap as Java's do. It starts at 0 and
//   skips NULLs.
// - AVG(x): DOUBLE, the sum over the count of non-NULL values (0.0 before
//   any, as ksqlDB's AverageUdaf.map).
// - MIN / MAX of a number, STRING, TIMESTAMP or BOOLEAN: NULLs skipped.
// - LATEST_BY_OFFSET / EARLIEST_BY_OFFSET(x): the last / first non-NULL
//   value in offset order.
// - COUNT_DISTINCT(x): the number of distinct non-NULL values (BIGINT).
//   ksqlDB estimates it with a HyperLogLog; ours is exact.
// - COLLECT_LIST / COLLECT_SET(x): an ARRAY of the values (a set keeps each
//   once), at most 1000 items (ksql.functions.collect_{list,set}.limit's
//   default); later values are dropped.
// - STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION, HISTOGRAM, TOPK, TOPKDISTINCT,
//   ATTR and SUM_LIST: see aggregate_more.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams {

enum class agg_kind : uint8_t {
    count_star,
    count,
    sum,
    avg,
    min,
    max,
    latest_by_offset,
    earliest_by_offset,
    count_distinct,
    collect_list,
    collect_set,
    stddev_samp,
    stddev_sample,
    correlation,
    histogram,
    topk,
    topkdistinct,
    attr,
    sum_list,
};

// The aggregate called `name` (upper-case), or nullopt: not an aggregate.
std::optional<agg_kind> aggregate_kind(std::string_view name);
const char* aggregate_name(agg_kind k);
// Every aggregate's name (SHOW FUNCTIONS).
std::vector<std::string> aggregate_names();

inline constexpr size_t collect_limit = 1000;

// How many column arguments the aggregate takes (CORRELATION 2, else 1),
// and how many INTEGER literals follow them (TOPK and TOPKDISTINCT's k).
size_t aggregate_column_args(agg_kind k);
size_t aggregate_literal_args(agg_kind k);

struct aggregate_fn {
    agg_kind kind = agg_kind::count_star;
    sql_type arg_type;     // unused for COUNT(*)
    sql_type result_type;  // the column's type
    // What state_value holds (the changelog column's type): the running
    // sum (AVG: BIGINT for INT/BIGINT, else the argument's type), the
    // min/max/latest/earliest value, or the ARRAY of values kept.
    sql_type state_type;
    // CORRELATION and TOPK(x, other, ..., k): the columns' types (arg_type
    // is then a STRUCT of them: the planner packs the columns into one
    // argument, STRUCT<X, Y> or STRUCT<sort_col, col0, ...>).
    std::vector<sql_type> arg_types;
    int32_t k = 0;  // TOPK / TOPKDISTINCT: how many values to keep
};

// Resolves kind applied to arguments of these types (COUNT(*): none) and
// literals (TOPK's k); an unsupported type is an error naming the function
// and the type.
result<aggregate_fn> resolve_aggregate(agg_kind kind, const std::vector<sql_type>& args,
                                       const std::vector<int64_t>& literals = {});

// One function's accumulator for one group.
struct agg_state {
    value v;        // see aggregate_fn::state_type; NULL until set
    int64_t n = 0;  // COUNT: the count; AVG: non-NULL values summed
};

// The state of a group no record has reached yet (SUM starts at 0).
agg_state aggregate_init(const aggregate_fn& f);
// Adds one record's argument (NULL for COUNT(*)); fails only on a DECIMAL
// sum overflow.
status aggregate_add(const aggregate_fn& f, agg_state& s, const value& arg);
// The column's value.
value aggregate_result(const aggregate_fn& f, const agg_state& s);
// Table aggregation (ksqlDB's TableUdaf.undo): whether the function can
// take a value back out of its state (COUNT, SUM, AVG, COLLECT_LIST and the
// aggregate_more.h ones but TOPK and TOPKDISTINCT), and
// doing so: a NULL argument changes nothing (COUNT(*): one fewer),
// COLLECT_LIST drops the value's last occurrence (none: unchanged, it was
// over the limit). Fails only on a DECIMAL sum overflow.
bool aggregate_undoable(agg_kind k);
status aggregate_undo(const aggregate_fn& f, agg_state& s, const value& arg);
// Two groups' states as one (session windows merging): `later` is the state
// of the later records (LATEST_BY_OFFSET takes its value, EARLIEST the
// earlier one's; lists are concatenated, sets united). Fails only on a
// DECIMAL sum overflow.
status aggregate_merge(const aggregate_fn& f, agg_state& earlier, const agg_state& later);

}  // namespace cs::streams
