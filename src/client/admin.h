#pragma once

// Cluster administration through librdkafka's Admin API: topics, partitions,
// topic configs, consumer groups and their committed offsets, plus the
// metadata, watermark and offsets-for-times look-ups the tools need.
//
// Every call is bounded by the client's timeout (request and operation
// timeouts set on the admin options, and the wait for the result event), so
// none can hang on a broker that does not answer. A call's result<> error is
// for the request as a whole (timed out, unsupported by the broker, ...);
// per-item failures (one topic of several could not be created) are kept in
// the returned items, each with its name and the broker's message.
//
// Not thread-safe: one thread uses an admin_client at a time.

#include <chrono>
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "client/handles.h"
#include "client/settings.h"
#include "config/diagnostics.h"

namespace cs::client {

struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const topic_partition&) const = default;
};

// The outcome for one named item of a batch request (a topic, a group).
struct item_status {
    std::string name;
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::string message;  // the broker's message, else librdkafka's text; empty when ok
    bool ok() const { return code == RD_KAFKA_RESP_ERR_NO_ERROR; }
};

struct broker_metadata {
    int32_t id = -1;
    std::string host;
    int port = 0;
};

struct partition_metadata {
    int32_t id = 0;
    int32_t leader = -1;  // -1: no leader
    std::vector<int32_t> replicas;
    std::vector<int32_t> isr;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

struct topic_metadata {
    std::string name;
    std::vector<partition_metadata> partitions;  // sorted by id
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

struct cluster_metadata {
    std::vector<broker_metadata> brokers;
    std::vector<topic_metadata> topics;  // sorted by name
};

struct new_topic {
    std::string name;
    int partitions = -1;          // -1: the broker's num.partitions
    int replication_factor = -1;  // -1: the broker's default.replication.factor
    std::vector<std::pair<std::string, std::string>> configs;
};

struct config_entry {
    std::string name;
    std::optional<std::string> value;  // nullopt: null (sensitive or unset)
    rd_kafka_ConfigSource_t source = RD_KAFKA_CONFIG_SOURCE_UNKNOWN_CONFIG;
    bool read_only = false;
    bool sensitive = false;
    bool is_default() const { return source == RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG; }
};

struct topic_config {
    item_status status;  // status.name is the topic
    std::vector<config_entry> entries;
};

struct group_listing {
    std::string group_id;
    std::string state;  // "Stable", "Empty", ... as Kafka spells it
    bool simple = false;
};

struct group_member {
    std::string consumer_id;
    std::string client_id;
    std::string host;
    std::optional<std::string> group_instance_id;
    std::vector<topic_partition> assignment;
};

struct group_description {
    item_status status;  // status.name is the group id
    std::string state;   // "Stable", "Empty", "Dead", "PreparingRebalance", ...
    std::string partition_assignor;
    int32_t coordinator = -1;
    std::vector<group_member> members;
};

// A committed or requested offset of one partition, with its own outcome.
struct partition_offset {
    topic_partition tp;
    int64_t offset = -1;  // -1 (RD_KAFKA_OFFSET_INVALID): none
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

struct watermarks {
    int64_t low = 0;   // the log start offset
    int64_t high = 0;  // the log end offset (next offset to be written)
};

class admin_client {
  public:
    // Creates the client (settings as in settings.h, role admin). timeout
    // bounds every call made through it.
    static result<std::unique_ptr<admin_client>> create(
        const client_settings& settings, config::diagnostics& diags,
        std::chrono::milliseconds timeout = std::chrono::seconds(30));

    rd_kafka_t* handle() const { return rk_.get(); }
    std::chrono::milliseconds timeout() const { return timeout_; }

    // Brokers and all topics, internal ones included. (Never one topic by
    // name: a metadata request naming an unknown topic may auto-create it.)
    result<cluster_metadata> metadata();

    result<std::vector<item_status>> create_topics(const std::vector<new_topic>& topics);
    result<std::vector<item_status>> delete_topics(const std::vector<std::string>& topics);
    // Grows each topic to the given total partition count.
    result<std::vector<item_status>> create_partitions(
        const std::vector<std::pair<std::string, int>>& totals);
    result<std::vector<topic_config>> describe_topic_configs(
        const std::vector<std::string>& topics);

    result<std::vector<group_listing>> list_groups();
    result<std::vector<group_description>> describe_groups(const std::vector<std::string>& groups);
    result<std::vector<item_status>> delete_groups(const std::vector<std::string>& groups);
    // Every committed offset of the group (sorted by topic, partition) on the
    // cluster's non-internal topics. A group without commits, or one that does
    // not exist, has none.
    result<std::vector<partition_offset>> list_group_offsets(const std::string& group);
    // Commits offsets for the group as an admin (refused by the broker while
    // the group has active members); the per-partition outcomes come back.
    result<std::vector<partition_offset>> alter_group_offsets(
        const std::string& group, const std::vector<partition_offset>& offsets);

    result<watermarks> query_watermarks(const topic_partition& tp);
    // The earliest offset whose timestamp is >= timestamp_ms for each
    // partition; -1 when no record is that late.
    result<std::vector<partition_offset>> offsets_for_times(
        const std::vector<topic_partition>& partitions, int64_t timestamp_ms);

    ~admin_client() = default;
    admin_client(const admin_client&) = delete;
    admin_client& operator=(const admin_client&) = delete;

  private:
    admin_client() = default;
    // Options for op with this client's request (and operation) timeout.
    result<admin_options_handle> options(rd_kafka_admin_op_t op, bool operation_timeout = false);
    // Waits for the one result event on queue; an error when none arrives in
    // time or the event carries a request-level error.
    result<event_handle> wait(rd_kafka_queue_t* queue, const char* what);
    int timeout_ms() const { return static_cast<int>(timeout_.count()); }

    kafka_handle rk_;
    client_settings settings_;  // for the consumer list_group_offsets needs
    std::chrono::milliseconds timeout_{0};
};

// "Stable", "Empty", ... as Kafka's tools print a group state.
std::string group_state_name(rd_kafka_consumer_group_state_t state);

}  // namespace cs::client
