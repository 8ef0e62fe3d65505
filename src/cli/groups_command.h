#pragma once

// `clickstream groups`: list, describe, delete consumer groups and reset
// their offsets with kafka-consumer-groups.sh's flags (see tools/groups.h).

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_groups_command(CLI::App& app);

}  // namespace cs::cli
