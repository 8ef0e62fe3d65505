#pragma once

// `clickstream produce` (kafka-console-producer.sh): records from stdin or
// --file to a topic. Option parsing here; the work in tools/produce.h.

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_produce_command(CLI::App& app);

}  // namespace cs::cli
