#pragma once

// worker.properties, read as Kafka Connect reads its worker file
// (WorkerConfig + DistributedConfig keys), with the config module's reader:
// ${ENV} substitution, file:line on every finding, "did you mean" for typos.
//
//   bootstrap.servers, group.id, listeners (http://host:port; the legacy
//   rest.host.name / rest.port when listeners is unset), key.converter /
//   value.converter / header.converter and any "<converter>.<setting>" (e.g.
//   value.converter.schemas.enable), offset.flush.interval.ms, the config,
//   offset and status storage topics with .replication.factor / .partitions,
//   "consumer." / "producer." / "admin." overrides handed to those clients,
//   and the security keys (security.protocol, ssl.*, sasl.*) handed to every
//   client.
//
// Unknown keys are errors (a typo in a worker file silently ignored is a
// worker that does something else than asked). Keys that mean nothing here
// (plugin.path: plugins are built in) are accepted with one info line.
//
// Deviation: the storage topics' replication factors default to -1 (the
// broker's default.replication.factor) instead of Connect's 3, so a worker
// works unchanged against a single broker.

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/result.h"
#include "config/diagnostics.h"
#include "config/env_substitution.h"
#include "config/properties.h"
#include "config/registry.h"
#include "connect/task_runner.h"

namespace cs::connect {

struct worker_config {
    // Everything a task needs (clients, converters, offset topic, worker id).
    worker_settings settings;

    std::string rest_host = "0.0.0.0";  // "" never: all interfaces is 0.0.0.0
    uint16_t rest_port = 8083;
    std::string group_id = "connect-cluster";

    std::string config_topic = "connect-configs";
    int config_replication_factor = -1;
    std::string status_topic = "connect-status";
    int status_partitions = 5;
    int status_replication_factor = -1;
    bool topic_tracking = true;  // topic.tracking.enable
    bool topic_tracking_allow_reset = true;
};

// The registry of worker keys (for docs and suggestions).
const config::registry& worker_registry();

// Resolves parsed (and env-substituted) properties. Findings go to diags;
// the result is usable for reporting even when diags has errors.
worker_config resolve_worker_config(const config::properties& props, config::diagnostics& diags);

// Reads, substitutes and resolves a worker file. An error when the file
// cannot be read or any finding is an error (diags has them all).
result<worker_config> load_worker_config(
    const std::filesystem::path& path, config::diagnostics& diags,
    const config::env_lookup& env = config::process_environment());

}  // namespace cs::connect
