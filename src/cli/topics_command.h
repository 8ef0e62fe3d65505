#pragma once

// `clickstream topics`: create, list, describe, alter and delete topics with
// kafka-topics.sh's flags (see tools/topics.h).

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_topics_command(CLI::App& app);

}  // namespace cs::cli
