#pragma once

// `clickstream consume`: kafka-console-consumer.sh, with Kafka's flag names.
//   clickstream consume --bootstrap-server HOST:PORT --topic T [--from-beginning]
//       [--group G] [--partition P [--offset O|earliest|latest]] [--include REGEX]
//       [--max-messages N] [--timeout-ms T] [--isolation-level L]
//       [--consumer.config FILE] [--consumer-property k=v]... [--property k=v]...
//       [--formatter default|json]
// The work is tools/consume.h; SIGINT/SIGTERM end the run cleanly (offsets
// of what was printed committed, group left); a second signal exits at once.

#include <CLI/CLI.hpp>

namespace cs::cli {

void register_consume_command(CLI::App& app);

}  // namespace cs::cli
