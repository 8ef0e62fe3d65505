#pragma once

// The state_store of a real worker: Kafka Connect's internal topics, with
// Connect's record formats, so the topics read like a Connect cluster's.
//
// config.storage.topic (one partition, compacted):
//   connector-<name>     {"properties":{...}}         null: deleted
//   task-<name>-<i>      {"properties":{...}}
//   commit-<name>        {"tasks":N}                  makes task-<name>-0..N-1 current
//   target-state-<name>  {"state":"STARTED|PAUSED","state.v2":"STARTED|PAUSED|STOPPED"}
// status.storage.topic (compacted):
//   status-connector-<name>, status-task-<name>-<i>
//                        {"state":"RUNNING","trace":null,"worker_id":"h:8083","generation":N}
//   status-topic-<topic>:connector-<name>
//                        {"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":ms}}
//                        null: reset (topic tracking, KIP-558)
//
// The three topics (and offset.storage.topic, which the task runtime uses)
// are created at start with cleanup.policy=compact when missing. Every write
// waits for the broker's acknowledgement (acks=all). load() reads both
// topics from the beginning to their end offsets at the time of the call.
//
// Not thread-safe: the herder calls it with its lock held.

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"
#include "client/admin.h"
#include "client/producer.h"
#include "config/diagnostics.h"
#include "connect/connector_state.h"
#include "connect/worker_config.h"

namespace cs::connect {

class kafka_state_store : public state_store {
  public:
    static result<std::unique_ptr<kafka_state_store>> create(const worker_config& worker,
                                                             config::diagnostics& diags);
    ~kafka_state_store() override;

    result<stored_state> load() override;
    status put_connector(const std::string& name, const config_map& config) override;
    status remove_connector(const std::string& name) override;
    status put_tasks(const std::string& name, const std::vector<config_map>& tasks) override;
    status put_target_state(const std::string& name, target_state t) override;
    status put_connector_status(const std::string& name, const state_info& s) override;
    status put_task_status(const std::string& name, int task,
                           const std::optional<state_info>& s) override;
    status put_active_topic(const topic_status& t) override;
    status remove_active_topic(const std::string& connector, const std::string& topic) override;
    std::string cluster_id() override;

  private:
    kafka_state_store() = default;
    status write(const std::string& topic, const std::string& key,
                 const std::optional<std::string>& value);
    result<std::vector<std::pair<std::string, std::optional<std::string>>>> read_all(
        const std::string& topic);

    worker_config worker_;
    client::client_settings consumer_settings_;
    std::unique_ptr<client::admin_client> admin_;
    std::unique_ptr<client::producer> producer_;
    std::string cluster_id_;
    std::chrono::milliseconds timeout_{30000};
};

// Client settings for one role: the worker's common settings, then the
// role's prefixed overrides (later wins).
client::client_settings merged_settings(const client::client_settings& common,
                                        const client::client_settings& overrides);

}  // namespace cs::connect
