#pragma once

#include <CLI/CLI.hpp>

namespace cs::cli {

// `clickstream broker --config server.properties [--override key=value]...`
// (also `clickstream broker server.properties`, as kafka-server-start.sh takes it).
// A failing run throws CLI::RuntimeError(exit code), as every subcommand does.
void register_broker_command(CLI::App& app);

}  // namespace cs::cli
