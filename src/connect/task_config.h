#pragma once

// The parts of a connector config the task runtime reads (Connect's
// ConnectorConfig / SinkConnectorConfig keys): errors.*, the converters
// (connector overrides of the worker's), and the client settings each task
// client gets.

#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "client/settings.h"
#include "connect/converters/converter.h"
#include "connect/plugin.h"
#include "connect/task_runner.h"
#include "connect/transforms/transform_chain.h"

namespace cs::connect {

struct error_policy {
    bool tolerate_all = false;           // errors.tolerance=all (default none)
    int64_t retry_timeout_ms = 0;        // errors.retry.timeout; -1 = forever
    int64_t retry_delay_max_ms = 60000;  // errors.retry.delay.max.ms
    bool log_enable = false;             // errors.log.enable
    bool log_include_messages = false;   // errors.log.include.messages
    std::string dlq_topic;               // errors.deadletterqueue.topic.name
    int dlq_replication_factor = 3;      // errors.deadletterqueue.topic.replication.factor
    bool dlq_context_headers = false;    // errors.deadletterqueue.context.headers.enable
};

// An error names the key and value (as Connect's ConfigException does).
result<error_policy> parse_error_policy(const config_map& connector_config);

// The connector's key.converter / value.converter with their prefixed
// settings, else the worker's.
converter_spec converter_for(const worker_settings& worker, const config_map& connector_config,
                             bool is_key);

// What every task runs its records through, built from the worker's and the
// connector's config: the error policy, both converters, the SMT chain.
struct task_pipeline {
    error_policy policy;
    converter_spec key_spec;
    converter_spec value_spec;
    std::unique_ptr<converter> key_conv;
    std::unique_ptr<converter> value_conv;
    transform_chain chain;
};

// An error names the key at fault (errors.*, key.converter, value.converter,
// transforms.*).
result<task_pipeline> build_task_pipeline(const worker_settings& worker,
                                          const config_map& connector_config);

// common, then the worker's role overrides, then the connector's
// "<role>.override." keys (origin "connector <name>").
client::client_settings client_settings_for(const worker_settings& worker, client::role r,
                                            const std::string& connector,
                                            const config_map& connector_config);

// A long-valued key (Connect's LONG/INT), default when absent.
result<int64_t> get_long(const config_map& c, const std::string& key, int64_t def);

}  // namespace cs::connect
