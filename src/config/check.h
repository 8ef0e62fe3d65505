#pragma once

// Checking a configuration file without running anything: what
// `clickstream config check FILE [--scope broker|topic]` does.

#include <filesystem>
#include <string_view>

#include "base/result.h"
#include "config/diagnostics.h"
#include "config/env_substitution.h"

namespace cs::config {

enum class check_scope { broker, topic };

// Parses scope names "broker" and "topic".
result<check_scope> parse_check_scope(std::string_view name);

// Reads path, substitutes the environment and resolves it against the
// scope's registry (for broker files also the broker settings: listeners,
// ids, log dirs). Every finding goes to diags; an unreadable file is an error
// value.
status check_file(const std::filesystem::path& path, check_scope scope, const env_lookup& env,
                  diagnostics& diags);

}  // namespace cs::config
