#pragma once

// `clickstream config`: the configuration reference and file checks.
//   clickstream config docs                          markdown reference on stdout
//   clickstream config check FILE [--scope broker|topic]
//                                                    compiler-style findings on stderr;
//                                                    exit 1 when there is an error

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_config_command(CLI::App& app);

}  // namespace cs::cli
