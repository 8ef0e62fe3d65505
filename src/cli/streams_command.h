#pragma once

// `clickstream streams`: runs ksqlDB statements (--file or --execute) with
// the streams engine, then keeps the persistent queries running until
// SIGINT/SIGTERM, printing a status line per query to stderr. With neither
// (and no REST listener) it is an interactive shell on stdin
// (streams_shell.h).

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_streams_command(CLI::App& app);

}  // namespace cs::cli
