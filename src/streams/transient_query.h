#pragma once

// Transient queries: a bare SELECT run for its caller (the CLI, the REST
// API), its rows handed to a row_sink, nothing written to Kafka.
//
// - A push query (EMIT CHANGES) reads its source from the end (or, with
//   auto.offset.reset=earliest, the beginning) and runs until its LIMIT,
//   a stop request, or the sink refusing a row. Over a TABLE it shows the
//   changes as rows (deletions are left out, as ksqlDB's CLI does). With
//   GROUP BY (WINDOW, HAVING) every update of a group is a row, its state
//   kept in memory for the query's life (query_runner_aggregate.cc); the
//   columns are the SELECT list's, WINDOWSTART / WINDOWEND only if selected.
// - A pull query (no EMIT CHANGES) reads its source from the beginning to
//   the end offsets measured when it starts (read_committed): a STREAM's
//   records in that range; a TABLE's latest row per key (a tombstone, or a
//   row WHERE drops, removes it), in partition then key-bytes order.
//
// engine::run_transient (engine.h) plans one and runs it on the calling
// thread with run_transient_plan().

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/settings.h"
#include "streams/query_plan.h"
#include "streams/query_runner.h"
#include "streams/table_store.h"
#include "streams/value.h"

namespace cs::streams {

struct result_column {
    std::string name;  // as ksqlDB names the column (unquoted upper-cased, backticked kept)
    std::string type;  // SQL type text as ksqlDB prints it in a schema: "STRING", "BIGINT",
                       // "INTEGER", "DOUBLE", "BOOLEAN", "DECIMAL(4, 2)", "TIMESTAMP",
                       // "BYTES", "ARRAY<STRING>", "MAP<STRING, INTEGER>", "STRUCT<`A` STRING>"
    bool key = false;  // a key column (KEY / PRIMARY KEY) of the result
};

struct transient_header {
    std::string query_id;  // ksqlDB-style: "transient_<SOURCE>_<random digits>"
    std::vector<result_column> columns;
    bool pull = false;  // a pull query: ends by itself after its rows
};

class row_sink {
  public:
    virtual ~row_sink() = default;
    // Once, before any row.
    virtual void on_header(const transient_header& header) = 0;
    // One result row, values in header.columns' order. Return false to stop
    // the query (e.g. the HTTP client went away).
    virtual bool on_row(const std::vector<value>& row) = 0;
};

// A planned transient query, ready to run.
struct transient_run {
    query_plan plan;                                    // from plan_transient
    std::vector<std::shared_ptr<table_reader>> tables;  // one per join
    client::client_settings settings;
    runner_options options;  // transient is set by run_transient_plan
    bool pull = false;
    bool from_beginning = false;  // push queries: auto.offset.reset=earliest
    std::optional<int64_t> limit;
};

// "transient_<SOURCE>_<random digits>".
std::string transient_query_id(std::string_view source);

// The header of a plan's result: its sink columns.
transient_header transient_header_of(const query_plan& plan, bool pull);

// Runs the query on the calling thread until it ends (see the file
// comment); sink.on_header() first, once the read positions are fixed, so
// a record produced after it returns is one a push query sees. Checks stop
// at least every poll timeout.
status run_transient_plan(transient_run run, row_sink& sink, std::stop_token stop);

}  // namespace cs::streams
