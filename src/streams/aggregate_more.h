#pragma once

// ksqlDB's statistical and collection UDAFs beyond the core ones of
// aggregate.cc (internal to aggregate.cc, which dispatches to these):
//
// - STDDEV_SAMP(x) (StandardDeviationSampUdaf) and STDDEV_SAMPLE(x)
//   (StandardDeviationSampleUdaf) of an INT, BIGINT or DOUBLE (a DECIMAL as
//   DOUBLE): Youngs-Cramer over a STRUCT<SUM, COUNT, M2>, the SUM of the
//   argument's type (INT/BIGINT wrap as Java's). STDDEV_SAMP gives
//   M2 / (n - 1), the sample *variance*, as ksqlDB's does; STDDEV_SAMPLE its
//   square root. Fewer than two non-NULL values give 0.0. NULLs are skipped.
// - CORRELATION(x, y) of two numbers (DOUBLE): Pearson's coefficient from
//   running sums; a pair with a NULL is skipped; fewer than two pairs (or no
//   spread) give NaN (0 / 0), as ksqlDB's.
// - HISTOGRAM(s) of a STRING: MAP<STRING, BIGINT> of each value's count, at
//   most 1000 distinct values (later new ones are ignored), in first-seen
//   order. NULLs are skipped (ksqlDB's HashMap would count a null key, which
//   no format can write).
// - TOPK(x, k) / TOPKDISTINCT(x, k): the k greatest values, descending (the
//   distinct ones for TOPKDISTINCT); k an INTEGER literal; NULLs skipped.
//   TOPK takes INT, BIGINT, DOUBLE, STRING; TOPKDISTINCT also DECIMAL, DATE,
//   TIME, TIMESTAMP and BYTES. TOPK(x, other, ..., k) keeps the
//   other columns too: ARRAY<STRUCT<sort_col, col0, ...>> sorted by x. No
//   undo (a table source is refused).
// - ATTR(x): the value when the group has exactly one distinct value (NULL
//   counts as one), else NULL; kept as ARRAY<STRUCT<VALUE, COUNT INT>>.
// - SUM_LIST(list) of ARRAY<INT|BIGINT|DOUBLE>: the sum of every element of
//   every list (NULL lists and elements skipped), INT/BIGINT wrapping.
//
// All but TOPK and TOPKDISTINCT undo (ksqlDB's TableUdaf.undo).

#include "streams/aggregate.h"

namespace cs::streams::more_aggregates {

bool handles(agg_kind k);
// Resolves f.kind over the argument types (f.kind and, for TOPK, f.k set).
result<aggregate_fn> resolve(aggregate_fn f, const std::vector<sql_type>& args);
void init(const aggregate_fn& f, agg_state& s);
status add(const aggregate_fn& f, agg_state& s, const value& arg);
status undo(const aggregate_fn& f, agg_state& s, const value& arg);
status merge(const aggregate_fn& f, agg_state& earlier, const agg_state& later);
value result_of(const aggregate_fn& f, const agg_state& s);
bool undoable(agg_kind k);

}  // namespace cs::streams::more_aggregates
