#include "connect/connectors/jdbc/jdbc_sink_connector.h"

#include "connect/connectors/jdbc/jdbc_sink_task.h"
#include "connect/connectors/jdbc/sink_config.h"

namespace cs::connect::jdbc {

namespace {

class jdbc_sink_connector final : public connector_plugin {
  public:
    std::string class_name() const override { return jdbc_sink_class; }
    plugin_type type() const override { return plugin_type::sink; }
    std::string version() const override { return "10.7.0-clickstream"; }
    std::vector<config_key> config_keys() const override { return sink_config_keys(); }

    // The config's own rules only, as Confluent's connector: creating a
    // connector never connects to the database (the seeds' configs name hosts
    // that exist only in their compose files). A wrong URL or password shows
    // up as the task's failure trace, and the task retries with backoff.
    std::vector<config_problem> validate(const config_map& config) const override {
        std::vector<config_problem> problems;
        (void)parse_sink_config(config, &problems);
        return problems;
    }

    std::vector<config_map> task_configs(const config_map& config, int max_tasks) const override {
        // Every task gets the same config; the consumer group splits the partitions.
        return std::vector<config_map>(static_cast<size_t>(std::max(1, max_tasks)), config);
    }

    std::unique_ptr<sink_task> make_sink_task() const override {
        return std::make_unique<jdbc_sink_task>();
    }
};

}  // namespace

std::unique_ptr<connector_plugin> make_jdbc_sink_connector() {
    return std::make_unique<jdbc_sink_connector>();
}

}  // namespace cs::connect::jdbc
