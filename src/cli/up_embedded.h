#pragma once

// The examples `clickstream up` runs, built into the binary from
// examples/clickstream/ (so `up` works from any directory): the pipeline's
// SQL and the sink connectors' JSON.

namespace cs::cli::embedded {

extern const char* const pipeline_sql;
extern const char* const sqlite_sink_json;
extern const char* const local_parquet_sink_json;
extern const char* const postgres_sink_json;

}  // namespace cs::cli::embedded
