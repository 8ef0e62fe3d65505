#pragma once

// Test fixtures for the herder and REST tests (compiled into the test binary
// only): a connector plugin with a small ConfigDef, a transformation, and a
// task_host whose tasks are fakes the test drives (fail one, read offsets).

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connect/herder.h"
#include "connect/plugin_registry.h"

namespace cs::connect::testing {

inline constexpr const char* test_sink_class = "org.example.TestSinkConnector";
inline constexpr const char* test_source_class = "org.example.TestSourceConnector";

// Keys: connection.url (required), batch.size (INT, 100), db.password
// (PASSWORD), mode (STRING, "insert", recommended insert/upsert). validate()
// reports connection.url values starting with "bad:". task_configs makes
// tasks.max copies with "task.index" added.
class test_plugin : public connector_plugin {
  public:
    explicit test_plugin(plugin_type type) : type_(type) {}
    std::string class_name() const override {
        return type_ == plugin_type::sink ? test_sink_class : test_source_class;
    }
    plugin_type type() const override { return type_; }
    std::string version() const override { return "1.2.3"; }
    std::vector<config_key> config_keys() const override;
    std::vector<config_problem> validate(const config_map& config) const override;
    std::vector<config_map> task_configs(const config_map& config, int max_tasks) const override;

  private:
    plugin_type type_;
};

class fake_runner;

// Starts fake_runners; each reports RUNNING through the listener at start.
class fake_task_host : public task_host {
  public:
    result<std::unique_ptr<task_runner>> start_task(const connector_plugin& plugin, task_spec spec,
                                                    task_state_listener on_state) override;
    result<std::vector<connector_offset>> read_offsets(plugin_type type,
                                                       const std::string& connector) override;
    status alter_offsets(plugin_type type, const std::string& connector,
                         const std::vector<connector_offset>& offsets) override;
    status reset_offsets(plugin_type type, const std::string& connector) override;

    // Makes the running task report FAILED with trace (as a task thread does).
    void fail(const std::string& connector, int task, const std::string& trace);
    // Makes the running task report a record of topic (topic tracking).
    void use_topic(const std::string& connector, int task, const std::string& topic);
    int starts() const;
    int running() const;  // started and not stopped
    bool paused(const std::string& connector, int task) const;

    std::map<std::string, std::vector<connector_offset>> offsets;

  private:
    friend class fake_runner;
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, fake_runner*> live_;
    int starts_ = 0;
};

void register_test_plugins(plugin_registry& r);

}  // namespace cs::connect::testing
