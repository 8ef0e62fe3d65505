#pragma once

// A Connect worker inside this process: the plugins built in, the herder on
// the worker's config/offset/status topics, and the REST API on the worker's
// listener. `clickstream connect` runs one until a signal; `clickstream up`
// runs one next to the broker and the SQL engine.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "connect/herder.h"
#include "connect/worker_config.h"

namespace cs::http {
class server;
}

namespace cs::connect {
class kafka_state_store;
class runtime_task_host;
namespace rest {
class rest_api;
}
}  // namespace cs::connect

namespace cs::cli {

// A connector to create at start: the POST /connectors body ({"name",
// "config", "initial_state"}), a flat JSON map of the config (with "name"), or
// a .properties file as connect-standalone.sh reads them.
struct connector_file {
    std::string name;
    connect::config_map config;
    std::optional<connect::target_state> initial;
};

result<connector_file> read_connector_file(const std::string& path);
// The same from text; path names it in errors.
result<connector_file> parse_connector_text(const std::string& text, const std::string& path);

// The converters, SMTs, predicates and connectors this binary ships.
void register_builtin_plugins(connect::plugin_registry& r);

class connect_worker {
  public:
    // Reads the worker's state from its topics, creates or updates files'
    // connectors, then serves REST. An error says which step failed.
    static result<std::unique_ptr<connect_worker>> start(const connect::worker_config& worker,
                                                         const std::vector<connector_file>& files);
    ~connect_worker();
    connect_worker(const connect_worker&) = delete;
    connect_worker& operator=(const connect_worker&) = delete;

    // Stops REST, then every task (sinks commit what they wrote).
    void stop();
    connect::herder& herder() { return *herder_; }
    uint16_t rest_port() const;

  private:
    connect_worker() = default;

    std::unique_ptr<connect::plugin_registry> plugins_;
    std::unique_ptr<connect::kafka_state_store> store_;
    std::unique_ptr<connect::runtime_task_host> tasks_;
    std::unique_ptr<connect::herder> herder_;
    std::unique_ptr<connect::rest::rest_api> api_;
    std::unique_ptr<http::server> server_;
    bool stopped_ = false;
};

}  // namespace cs::cli
