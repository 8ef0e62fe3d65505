#pragma once

// `clickstream generate`: synthetic clickstream to stdout or a topic.
//   clickstream generate --count 1000 --seed 7 --start-time 2026-01-01T00:00:00Z
//   clickstream generate --topic clickstream --rate 500 --dimensions ./dims
// Options map onto tools::generate_options (tools/generate.h).

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_generate_command(CLI::App& app);

}  // namespace cs::cli
