#pragma once

#include <CLI/CLI.hpp>

namespace cs::cli {

// `clickstream connect --worker worker.properties [connector.json ...]`: a
// Kafka Connect-compatible worker (connect-distributed.sh with one worker;
// connector files as connect-standalone.sh takes them). Serves Connect's
// REST API on the worker's listener and runs until SIGINT or SIGTERM.
// A failing run throws CLI::RuntimeError(exit code).
void register_connect_command(CLI::App& app);

}  // namespace cs::cli
