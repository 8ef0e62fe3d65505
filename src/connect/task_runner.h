#pragma once

// The runtime side of one Connect task, as the herder sees it: start a sink
// or source task, stop/pause/resume it, read its state and counters; and the
// connector-level offsets view behind GET/PATCH/DELETE
// /connectors/{name}/offsets.
//
// Threading: each running task owns one thread (a Kafka consumer or producer
// is single-threaded). Every member function of task_runner is safe to call
// from any other thread (the herder's REST threads); the state callback runs
// on the task's thread and must not call back into the runner.
//
// Lifecycle: start_sink_task/start_source_task -> RUNNING (the plugin's
// start() and the consumer/producer creation happen on the task thread; a
// failure there moves the task to FAILED with a trace) -> pause()/resume()
// any number of times -> stop() (blocks until the thread has ended: a sink
// task commits the offsets of every batch its sink_task::put() accepted, a
// source task flushes deliveries and writes their offsets). The destructor
// calls stop().
//
// Delivery: a sink task commits a batch's offsets only after put() returned
// OK; records are never skipped (a retriable failure retries the same batch;
// a record error goes to the dead-letter topic with errors.tolerance=all or
// fails the task with tolerance=none). A crash replays at most the batches
// not yet committed.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "client/settings.h"
#include "connect/converters/converter.h"
#include "connect/plugin.h"

namespace cs::connect {

// A task's runtime state, named as Connect's REST API names them. The herder
// adds UNASSIGNED / RESTARTING / STOPPED for tasks that are not running.
enum class task_state { running, paused, failed, stopped };
const char* task_state_name(task_state s);  // "RUNNING", "PAUSED", "FAILED", "STOPPED"

struct task_status {
    task_state state = task_state::running;
    std::string trace;  // non-empty when FAILED: what failed, where, and why
};

// Monotonic totals since the task started.
struct task_counters {
    uint64_t records_read = 0;       // sink: consumed; source: returned by poll()
    uint64_t records_written = 0;    // sink: accepted by put(); source: delivered
    uint64_t records_filtered = 0;   // dropped by an SMT (Filter, tombstone drops)
    uint64_t records_failed = 0;     // conversion/transform/put record errors
    uint64_t records_to_dlq = 0;     // of those, written to the dead-letter topic
    uint64_t retries = 0;            // retriable put()/poll() failures retried
    uint64_t batches_committed = 0;  // sink: offset commits; source: offset flushes
    int64_t last_commit_ms = -1;     // clock now_ms() of the last commit, -1 none
};

// What the worker file (worker.properties) contributes to every task.
struct worker_settings {
    // Client settings shared by every client: bootstrap.servers and the
    // security/connection keys of the worker file, with their origins.
    client::client_settings common;
    // The worker's "consumer." / "producer." / "admin." overrides, prefix
    // removed; applied after common. A connector's "consumer.override.",
    // "producer.override.", "admin.override." keys are applied last.
    client::client_settings consumer;
    client::client_settings producer;
    client::client_settings admin;

    converter_spec key_converter;
    converter_spec value_converter;
    converter_spec header_converter{"org.apache.kafka.connect.storage.SimpleHeaderConverter", {}};

    std::string offset_storage_topic = "connect-offsets";
    int offset_storage_partitions = 25;
    int offset_storage_replication_factor = 1;
    int64_t offset_flush_interval_ms = 60000;
    std::string worker_id = "127.0.0.1:8083";  // host:port, as status responses show it

    cs::clock* time = &system_clock::instance();  // tests pass a manual_clock
};

struct task_spec {
    std::string connector;  // connector name; sink group is "connect-" + name
    int task_id = 0;
    config_map task_config;       // handed to sink_task/source_task::start
    config_map connector_config;  // converters, transforms, errors.*, topics, overrides
};

// Called on the task thread after every state change (RUNNING, PAUSED,
// FAILED with trace, STOPPED), so the herder can publish status.
using task_state_listener = std::function<void(const task_spec&, const task_status&)>;

class task_runner {
  public:
    virtual ~task_runner() = default;

    // Starts the task thread. An error only for a config the runner cannot
    // even begin with (unknown converter or transform class, bad errors.*
    // value); everything that fails later is reported as FAILED state.
    static result<std::unique_ptr<task_runner>> start_sink_task(const worker_settings& worker,
                                                                task_spec spec,
                                                                std::unique_ptr<sink_task> task,
                                                                task_state_listener on_state = {});
    static result<std::unique_ptr<task_runner>> start_source_task(
        const worker_settings& worker, task_spec spec, std::unique_ptr<source_task> task,
        task_state_listener on_state = {});

    // Stops the task and joins its thread (idempotent). Committed offsets
    // cover exactly the records the task wrote.
    virtual void stop() = 0;
    // A paused sink keeps its group membership (it keeps polling with every
    // partition paused) and writes nothing; a paused source stops polling.
    virtual void pause() = 0;
    virtual void resume() = 0;

    virtual task_status status() const = 0;
    virtual task_counters counters() const = 0;
    virtual const task_spec& spec() const = 0;

    // Connect's topic tracking (KIP-558): the topics this task has read
    // records of (sink) or sent records to (source) since the last call, each
    // reported once until forget_active_topics(), after which the next record
    // of a topic reports it again (PUT /connectors/{name}/topics/reset).
    virtual std::vector<std::string> take_active_topics() { return {}; }
    virtual void forget_active_topics() {}
};

// ---- The offsets API (/connectors/{name}/offsets) ----
//
// Connect's shapes: a sink partition is {"kafka_topic": t, "kafka_partition":
// p} with offset {"kafka_offset": o}; a source partition/offset is whatever
// maps the source task uses. The herder checks the connector is STOPPED
// before altering or resetting (as Connect does).
struct connector_offset {
    data partition;  // map with string keys
    data offset;     // map with string keys; null = reset this partition
};

// Sink: the committed offsets of group connect-<connector>.
result<std::vector<connector_offset>> read_sink_offsets(const worker_settings& worker,
                                                        const std::string& connector);
// Sets (or, for a null offset, removes) committed offsets of the group.
status alter_sink_offsets(const worker_settings& worker, const std::string& connector,
                          const std::vector<connector_offset>& offsets);
// Removes every committed offset of the group (DELETE /offsets).
status reset_sink_offsets(const worker_settings& worker, const std::string& connector);

// Source: the latest entry per source partition in the offset topic.
result<std::vector<connector_offset>> read_source_offsets(const worker_settings& worker,
                                                          const std::string& connector);
// Writes the offsets (a null offset writes a tombstone for that partition).
status alter_source_offsets(const worker_settings& worker, const std::string& connector,
                            const std::vector<connector_offset>& offsets);
// Writes a tombstone for every source partition the connector has.
status reset_source_offsets(const worker_settings& worker, const std::string& connector);

}  // namespace cs::connect
