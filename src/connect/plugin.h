#pragma once

// The contracts between the Connect worker runtime and connector plugins
// (JDBC sink/source, S3 sink) and transformations. The worker owns the
// Kafka side (consumer group membership, converters, offsets, retries,
// dead-letter queue); plugins own the external system.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "connect/record.h"

namespace cs::connect {

using config_map = std::map<std::string, std::string>;
// (topic, Kafka partition)
using kafka_partition = std::pair<std::string, int32_t>;

// One configuration key, as GET /connector-plugins/{class}/config and the
// validate endpoint describe it (Connect's ConfigDef).
struct config_key {
    std::string name;
    std::string type;  // BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD
    std::optional<std::string> default_value;  // nullopt: required
    std::string importance = "MEDIUM";         // HIGH, MEDIUM, LOW
    std::string documentation;
    std::string group;
    std::vector<std::string> recommended_values;
};

inline config_key make_config_key(std::string name, std::string type,
                                  std::optional<std::string> def, std::string importance,
                                  std::string group, std::string doc,
                                  std::vector<std::string> recommended = {}) {
    config_key k;
    k.name = std::move(name);
    k.type = std::move(type);
    k.default_value = std::move(def);
    k.importance = std::move(importance);
    k.documentation = std::move(doc);
    k.group = std::move(group);
    k.recommended_values = std::move(recommended);
    return k;
}

// A problem found in one key's value (validate endpoint, start-up).
struct config_problem {
    std::string key;
    std::string message;
};

// Receives records a sink task cannot write and should not retry (a value
// the table can never accept). The worker sends them to the dead-letter
// topic, or fails the task when errors.tolerance=none.
class errant_record_reporter {
  public:
    virtual ~errant_record_reporter() = default;
    virtual void report(const record& r, const std::string& reason) = 0;
    // Whether a reported record lets the rest of the batch go on
    // (errors.tolerance=all). When not, the first errant record fails the
    // task, so a task that writes in a transaction rolls the whole batch
    // back instead of committing the others (Confluent's JDBC sink).
    virtual bool tolerant() const { return true; }
};

class sink_task {
  public:
    virtual ~sink_task() = default;
    virtual status start(const config_map& config, errant_record_reporter& reporter) = 0;
    // Writes the records durably before returning OK: the worker commits
    // their offsets afterwards. A retriable failure (the database is away,
    // a timeout) is returned as errc::io or errc::timed_out and the worker
    // retries the same batch with backoff; any other error fails the task.
    // The worker also calls put() with no records when a poll returned
    // nothing, so a task can act on time (rotate.schedule.interval.ms).
    virtual status put(std::span<const record> records) = 0;
    // After a retriable put() failure: how long the worker waits before
    // putting the same batch again (Connect's SinkTaskContext.timeout, which
    // the JDBC sink sets to retry.backoff.ms), or -1 for the worker's own
    // backoff (errors.retry.*). A task that counts its own retries returns
    // a non-retriable error when they run out.
    virtual int64_t retry_backoff_ms() const { return -1; }
    // Before committing: given the offset after the last record the worker
    // handed over (or skipped) per partition, returns what may be
    // committed. A task that buffers across puts (the S3 sink keeps files
    // open until flush.size) returns the first offset it has not made
    // durable yet. The default: everything put() accepted.
    virtual std::map<kafka_partition, int64_t> pre_commit(
        const std::map<kafka_partition, int64_t>& current) {
        return current;
    }
    // The partitions a rebalance takes away: buffered state of them is
    // dropped (their next owner starts from the committed offset).
    virtual void close(const std::vector<kafka_partition>& partitions) { (void)partitions; }
    virtual void stop() = 0;
};

class source_task {
  public:
    virtual ~source_task() = default;
    // committed_offsets: the last committed sourceOffset per sourcePartition,
    // as stored in the worker's offset topic (JSON text of both maps).
    virtual status start(const config_map& config,
                         const std::vector<std::pair<data, data>>& committed_offsets) = 0;
    // Returns the next records (possibly none after waiting up to
    // max_wait_ms). Retriable failures as errc::io / errc::timed_out.
    virtual result<std::vector<record>> poll(int max_wait_ms) = 0;
    virtual void stop() = 0;
};

enum class plugin_type { sink, source, transformation, predicate, converter };

class connector_plugin {
  public:
    virtual ~connector_plugin() = default;
    virtual std::string class_name() const = 0;  // e.g. io.confluent.connect.jdbc.JdbcSinkConnector
    virtual plugin_type type() const = 0;
    virtual std::string version() const = 0;
    virtual std::vector<config_key> config_keys() const = 0;
    // Checks a connector config beyond types/required keys (e.g. an
    // unreachable database, pk.fields without pk.mode).
    virtual std::vector<config_problem> validate(const config_map& config) const = 0;
    // Splits the connector into at most max_tasks task configs.
    virtual std::vector<config_map> task_configs(const config_map& config, int max_tasks) const = 0;
    virtual std::unique_ptr<sink_task> make_sink_task() const { return nullptr; }
    virtual std::unique_ptr<source_task> make_source_task() const { return nullptr; }
};

// A Single Message Transform. Returns nullopt to drop the record (Filter).
class transformation {
  public:
    virtual ~transformation() = default;
    virtual status configure(const config_map& config) = 0;
    virtual result<std::optional<record>> apply(record r) const = 0;
};

}  // namespace cs::connect
