#pragma once

// Connector and task states as Connect's REST API and status topic show
// them, target states as the config topic stores them, and the store that
// persists both (config topic + status topic; in memory for tests).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "connect/plugin.h"

namespace cs::connect {

// What the user asked for (PUT /pause, /resume, /stop, initial_state).
enum class target_state { started, paused, stopped };

// What is: AbstractStatus.State. STOPPED applies to connectors only.
enum class run_state { unassigned, running, paused, stopped, failed, restarting };

const char* run_state_name(run_state s);  // "UNASSIGNED", "RUNNING", ...
std::optional<run_state> parse_run_state(std::string_view s);
const char* target_state_name(target_state s);  // "STARTED", "PAUSED", "STOPPED"

struct state_info {
    run_state state = run_state::unassigned;
    std::string trace;  // non-empty only for FAILED
    std::string worker_id;
    int generation = 0;
    bool operator==(const state_info&) const = default;
};

// A topic a connector's task has used (Connect's TopicStatus, KIP-558).
struct topic_status {
    std::string topic;
    std::string connector;
    int task = 0;
    int64_t discover_timestamp = 0;  // ms since the epoch
    bool operator==(const topic_status&) const = default;
};

// Everything the config and status topics hold, as read back at start.
struct stored_state {
    std::map<std::string, config_map> connectors;
    std::map<std::string, target_state> targets;
    std::map<std::string, std::vector<config_map>> tasks;
    std::map<std::string, state_info> connector_status;
    std::map<std::pair<std::string, int>, state_info> task_status;
    // connector -> topic -> when and by which task it was first used
    std::map<std::string, std::map<std::string, topic_status>> active_topics;
};

// Persistence of connector configs, task configs, target states (config
// topic) and statuses (status topic). Each put returns once the write is
// durable (acknowledged by the broker). Called with the herder's lock held,
// from one thread at a time.
class state_store {
  public:
    virtual ~state_store() = default;
    virtual result<stored_state> load() = 0;
    virtual status put_connector(const std::string& name, const config_map& config) = 0;
    // Removes the connector's config, task configs and target state.
    virtual status remove_connector(const std::string& name) = 0;
    virtual status put_tasks(const std::string& name, const std::vector<config_map>& tasks) = 0;
    virtual status put_target_state(const std::string& name, target_state t) = 0;
    virtual status put_connector_status(const std::string& name, const state_info& s) = 0;
    virtual status put_task_status(const std::string& name, int task,
                                   const std::optional<state_info>& s) = 0;
    // Active topics (status topic): one record per connector and topic.
    virtual status put_active_topic(const topic_status& t) = 0;
    virtual status remove_active_topic(const std::string& connector, const std::string& topic) = 0;
    // The Kafka cluster id (GET /), empty when unknown.
    virtual std::string cluster_id() = 0;
};

// Keeps everything in memory (tests; one process lifetime only). The
// returned store outlives herders that use it, so a test can "restart" a
// worker on the same state.
class memory_state_store : public state_store {
  public:
    result<stored_state> load() override { return state_; }
    status put_connector(const std::string& name, const config_map& config) override;
    status remove_connector(const std::string& name) override;
    status put_tasks(const std::string& name, const std::vector<config_map>& tasks) override;
    status put_target_state(const std::string& name, target_state t) override;
    status put_connector_status(const std::string& name, const state_info& s) override;
    status put_task_status(const std::string& name, int task,
                           const std::optional<state_info>& s) override;
    status put_active_topic(const topic_status& t) override;
    status remove_active_topic(const std::string& connector, const std::string& topic) override;
    std::string cluster_id() override { return "memory"; }

    const stored_state& state() const { return state_; }

  private:
    stored_state state_;
};

}  // namespace cs::connect
