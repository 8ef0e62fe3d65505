#pragma once

// The start shared by `clickstream topics` and `clickstream groups`: client
// settings from --command-config and --bootstrap-server (settings.h has the
// precedence), an admin client, and a reachability check, so an unreachable
// cluster is one clear error within connect_timeout instead of a hang.

#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "client/admin.h"
#include "config/env_substitution.h"

namespace cs::tools {

// Where an admin tool writes, and how long it waits.
struct admin_tool_env {
    std::ostream* out = nullptr;  // results (tables, lists)
    std::ostream* err = nullptr;  // errors, warnings
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
    config::env_lookup env = config::process_environment();
};

struct admin_connection_options {
    std::optional<std::string> bootstrap_server;
    std::optional<std::string> command_config;  // a Kafka client .properties file
};

// tool: "clickstream topics", the prefix of every message.
// The connected admin client, or nullptr after "<tool>: error: ..." lines
// (bad settings file, unreachable cluster) on env.err.
std::unique_ptr<client::admin_client> connect_admin(const char* tool,
                                                    const admin_connection_options& opts,
                                                    const admin_tool_env& env);

}  // namespace cs::tools
