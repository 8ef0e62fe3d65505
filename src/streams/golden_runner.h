#pragma once

// Runs one SQL golden file (golden_case.h) against a broker through the
// statement engine, the way a user would: the statements in order, then the
// input records in order; once every query is done with them (see below)
// the topics are read back and compared.
//
// Which topics are compared: every topic the file lists in "outputs", plus
// the sink and dead-letter topic of every query the statements started (so
// an unexpected record, a DLQ record above all, fails the file). Records are
// compared in order (partition, then offset: give sinks one partition).
//
// Determinism without sleeping (golden_sync.h):
//   - The end of a run: each query has read its whole source topic and
//     every record it read is counted as produced, DLQ, filtered or skipped,
//     so its output is acknowledged; upstream queries are waited for first.
//     Then every record that will ever be written has been.
//   - A table input followed by a stream input: the stream record must see
//     the table change. The engine's table readers are internal, so the
//     runner writes a marker row (a key of its own, the table's last input
//     value) to every partition of the table topic after the changes and
//     asks a probe query (a stream LEFT JOIN the same table, sharing the
//     engine's reader) until it finds the markers: the changes before them
//     are applied. Table keys must be STRING, INTEGER or BIGINT for this.
//   - A stream input followed by a table input: the runner first waits as at
//     the end, so earlier stream records are joined before the table changes.
//   - The two sources of a stream-stream or table-table join are read in
//     one consumer group in no set order across the topics: an input to one
//     after inputs to the other waits as at the end first, so the join sees
//     the file's order.
//
// Files share one broker, so each file uses topic names of its own (the
// runner fails a file that reuses another file's topic in the same run).

#include <string>

#include "base/result.h"
#include "streams/golden_case.h"
#include "testing/test_brokers.h"

namespace cs::streams::golden {

// Runs c; the mismatches found (empty when the file passes), or an error
// when the file could not be run (a statement failed, a query stopped, a
// timeout).
result<std::string> run_case(const cs::testing::test_broker& broker, const golden_case& c);

// A finished file's engine stops on a thread of its own (closing a query's
// consumer can wait up to a second); call this before the broker goes away.
void wait_for_stopped_engines();

}  // namespace cs::streams::golden
