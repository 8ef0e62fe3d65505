#pragma once

// io.confluent.connect.s3.S3SinkConnector as a connector_plugin: config
// keys (Confluent's names and defaults), validation, task configs (every
// task gets the connector config; the worker's group assigns partitions).

#include <memory>

#include "base/clock.h"
#include "connect/plugin.h"
#include "connect/plugin_registry.h"

namespace cs::connect::s3 {

class s3_sink_connector final : public connector_plugin {
  public:
    std::string class_name() const override { return "io.confluent.connect.s3.S3SinkConnector"; }
    plugin_type type() const override { return plugin_type::sink; }
    std::string version() const override;
    std::vector<config_key> config_keys() const override;
    std::vector<config_problem> validate(const config_map& config) const override;
    std::vector<config_map> task_configs(const config_map& config, int max_tasks) const override;
    std::unique_ptr<sink_task> make_sink_task() const override;
};

// Adds the S3 sink connector to a registry (the connect command calls it).
void register_s3_connectors(plugin_registry& registry);

}  // namespace cs::connect::s3
