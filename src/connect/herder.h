#pragma once

// The herder: the one owner of every connector on this worker. It keeps
// each connector's config, target state (STARTED / PAUSED / STOPPED) and
// tasks; validates configs against the plugin; splits connectors into task
// configs; starts, pauses, resumes, restarts and stops tasks through a
// task_host; and persists configs, target states, task configs and statuses
// through a state_store, so a restarted worker resumes every connector in
// the state it was left in (a paused connector stays paused).
//
// States: a connector is RUNNING (target STARTED), PAUSED, STOPPED (its
// tasks are shut down and its task configs emptied, as Connect does), or
// FAILED (its plugin is missing, or splitting it failed; the trace says
// why). A task is UNASSIGNED until started, then RUNNING / PAUSED, FAILED
// with the runtime's trace, or RESTARTING while a restart is under way.
// Failed tasks are not restarted automatically (POST .../restart does).
//
// Threading: every public member is safe to call from any thread (REST I/O
// threads); one mutex serialises them. Task state changes arrive on task
// threads and are queued, then applied by the herder's own status thread, so
// a task thread never waits for the herder (which may be joining it).
//
// Errors: result errors use errc::not_found (404), already_exists (409),
// invalid_argument (400), and anything else (500); messages are Connect's.

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "connect/config_validation.h"
#include "connect/connector_state.h"
#include "connect/plugin_registry.h"
#include "connect/task_runner.h"

namespace cs::connect {

// Starts tasks and reaches the offsets they commit. The product uses the
// task_runner of task_runner.h; tests substitute fakes.
class task_host {
  public:
    virtual ~task_host() = default;
    virtual result<std::unique_ptr<task_runner>> start_task(const connector_plugin& plugin,
                                                            task_spec spec,
                                                            task_state_listener on_state) = 0;
    virtual result<std::vector<connector_offset>> read_offsets(plugin_type type,
                                                               const std::string& connector) = 0;
    virtual status alter_offsets(plugin_type type, const std::string& connector,
                                 const std::vector<connector_offset>& offsets) = 0;
    virtual status reset_offsets(plugin_type type, const std::string& connector) = 0;
};

// The task_host of a real worker: task_runner::start_sink_task /
// start_source_task and the offsets functions of task_runner.h.
class runtime_task_host : public task_host {
  public:
    explicit runtime_task_host(worker_settings settings) : settings_(std::move(settings)) {}
    result<std::unique_ptr<task_runner>> start_task(const connector_plugin& plugin, task_spec spec,
                                                    task_state_listener on_state) override;
    result<std::vector<connector_offset>> read_offsets(plugin_type type,
                                                       const std::string& connector) override;
    status alter_offsets(plugin_type type, const std::string& connector,
                         const std::vector<connector_offset>& offsets) override;
    status reset_offsets(plugin_type type, const std::string& connector) override;

  private:
    worker_settings settings_;
};

struct connector_info {
    std::string name;
    config_map config;  // secrets hidden
    std::vector<int> tasks;
    std::string type;  // "sink", "source", "unknown"
};

struct task_info {
    int id = 0;
    state_info state;
};

struct connector_status_info {
    std::string name;
    state_info connector;
    std::vector<task_info> tasks;
    std::string type;
};

struct task_config_info {
    int id = 0;
    config_map config;  // secrets hidden
};

struct put_result {
    bool created = false;
    connector_info info;
};

class herder {
  public:
    herder(const plugin_registry& plugins, state_store& store, task_host& tasks,
           std::string worker_id);
    ~herder();
    herder(const herder&) = delete;
    herder& operator=(const herder&) = delete;

    // Loads the stored state and starts every connector in its target state.
    status start();
    // Stops every task (their statuses become UNASSIGNED, as when a
    // Connect worker leaves). Idempotent.
    void stop();

    const plugin_registry& plugins() const { return plugins_; }
    std::string cluster_id();
    const std::string& worker_id() const { return worker_id_; }

    std::vector<std::string> connector_names() const;
    result<connector_info> info(const std::string& name) const;
    result<config_map> config(const std::string& name) const;  // secrets hidden
    result<connector_status_info> connector_status(const std::string& name) const;
    result<task_info> task_status(const std::string& name, int task) const;
    result<std::vector<task_config_info>> task_configs(const std::string& name) const;

    // POST /connectors (allow_update=false) and PUT .../config (true).
    // Secret values given as "[hidden]" keep the stored value, so a config
    // read back from GET can be PUT unchanged.
    result<put_result> put_config(const std::string& name, config_map config,
                                  std::optional<target_state> initial, bool allow_update);
    // PATCH .../config: set the given keys, remove the keys in removals.
    result<connector_info> patch_config(const std::string& name, const config_map& updates,
                                        const std::vector<std::string>& removals);
    config_infos validate(const config_map& config) const;

    status pause(const std::string& name);
    status resume(const std::string& name);
    status stop_connector(const std::string& name);
    // POST .../restart. nullopt when nothing but the connector was asked
    // for (204); otherwise the status as the restart begins (202).
    result<std::optional<connector_status_info>> restart(const std::string& name,
                                                         bool include_tasks, bool only_failed);
    status restart_task(const std::string& name, int task);
    status remove(const std::string& name);

    result<std::vector<connector_offset>> offsets(const std::string& name);
    // Both need the connector STOPPED (400 otherwise, as Connect).
    status alter_offsets(const std::string& name, const std::vector<connector_offset>& offsets);
    status reset_offsets(const std::string& name);
    // The connector's plugin type ("sink"/"source"), for the offsets API.
    result<plugin_type> connector_type(const std::string& name) const;

    // Topic tracking (KIP-558; worker keys topic.tracking.enable and
    // topic.tracking.allow.reset). Set before start().
    void set_topic_tracking(bool enable, bool allow_reset);
    bool topic_tracking() const { return track_topics_; }
    bool topic_tracking_reset() const { return allow_topic_reset_; }
    // GET /connectors/{name}/topics: the topics the connector's tasks have
    // used since it was created or last reset, sorted. As in Connect, a name
    // without a connector (a deleted one) answers its recorded topics too.
    std::vector<std::string> active_topics(const std::string& name);
    // PUT /connectors/{name}/topics/reset: forgets them (in the status topic
    // too); running tasks report a topic again with its next record.
    status reset_active_topics(const std::string& name);

    // Blocks until every queued task state change has been applied (tests).
    void drain_events();

  private:
    struct task_rt {
        int id = 0;
        config_map config;
        state_info status;
        std::unique_ptr<task_runner> runner;
        uint64_t generation = 0;  // which runner a state event belongs to
    };
    struct connector_rt {
        config_map config;
        target_state target = target_state::started;
        state_info status;
        std::vector<task_rt> tasks;
        std::shared_ptr<const connector_plugin> plugin;
    };
    struct task_event {
        std::string connector;
        int task = 0;
        uint64_t generation = 0;
        connect::task_status status;
    };

    connector_rt* find(const std::string& name);
    status move_to(const std::string& name, target_state target);  // pause / resume
    const connector_rt* find(const std::string& name) const;
    connector_info info_of(const std::string& name, const connector_rt& c) const;
    connector_status_info status_of(const std::string& name, const connector_rt& c) const;

    // Each of these runs with mu_ held.
    void set_connector_state(const std::string& name, connector_rt& c, run_state s,
                             std::string trace = {});
    void set_task_state(const std::string& name, task_rt& t, run_state s, std::string trace = {});
    // Computes task configs from the plugin, persists them, starts tasks.
    void start_connector(const std::string& name, connector_rt& c,
                         const std::vector<config_map>* stored_tasks);
    void start_task(const std::string& name, connector_rt& c, task_rt& t);
    void stop_tasks(const std::string& name, connector_rt& c, bool forget);
    void stop_task(task_rt& t);
    void apply(const task_event& e);
    void event_loop();
    // Persists the topics running tasks have reported since the last call
    // (and writes that failed before). With mu_ held.
    void record_active_topics(task_rt& t);
    void record_active_topics();
    config_map restore_hidden(const config_map& incoming, const config_map* stored,
                              const connector_plugin* plugin) const;

    const plugin_registry& plugins_;
    state_store& store_;
    task_host& host_;
    std::string worker_id_;

    mutable std::mutex mu_;
    std::map<std::string, connector_rt> connectors_;
    uint64_t next_generation_ = 1;
    int status_generation_ = 0;
    bool started_ = false;
    bool track_topics_ = true;
    bool allow_topic_reset_ = true;
    std::map<std::string, std::map<std::string, topic_status>> active_topics_;
    std::vector<topic_status> unsaved_topics_;  // writes to retry

    std::mutex events_mu_;
    std::condition_variable events_cv_;
    std::deque<task_event> events_;
    bool events_busy_ = false;
    bool events_stop_ = false;
    std::thread events_thread_;
};

}  // namespace cs::connect
