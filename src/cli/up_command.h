#pragma once

// `clickstream up`: the whole pipeline in one process on embedded defaults —
// the broker (data in DIR), the SQL engine running the examples' pipeline.sql,
// the Connect worker with the examples' SQLite (or PostgreSQL) and local
// Parquet sinks, the dimension tables loaded, and the generator feeding
// click events — with a live status, a summary, and resume on the same DIR.

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_up_command(CLI::App& app);

}  // namespace cs::cli
