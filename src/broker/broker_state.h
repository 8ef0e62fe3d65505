#pragma once

// Everything the API handlers share: configuration, the topic catalogue, the
// partition logs with their producer state, the group coordinator, and the
// queue of fetches waiting for data. One instance per broker process.
//
// Threading: handlers call in from several network threads at once. The
// topic catalogue and the partition map have their own locks; each
// partition's appends are serialised by its append mutex (producer-sequence
// check + write must be atomic). Nothing here blocks on the disk except
// topic creation and deletion (rare, admin-driven).

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "broker/fetch_waiters.h"
#include "broker/group_service.h"
#include "broker/producer_state.h"
#include "broker/topics/topic_table.h"
#include "broker/txn_service.h"
#include "config/broker_settings.h"
#include "config/topic_config.h"
#include "protocol/error_code.h"
#include "storage/log_manager.h"

namespace cs::broker {

// A partition as the handlers see it.
struct partition {
    kafka::topic_partition tp;
    std::shared_ptr<storage::partition_log> log;
    std::mutex append_mu;  // guards producers and orders appends
    producer_state producers;

    // Read without append_mu by the log (partition_txn_view, under the log's
    // lock): the first offset of the oldest open transaction (-1: none), and
    // whether any transaction was aborted here. Published under append_mu
    // before a transaction's first batch is appended, so a read_committed
    // read, which takes the high watermark first, never sees records of an
    // open transaction (storage::partition_log::offsets).
    std::atomic<int64_t> first_unstable{-1};
    std::atomic<bool> has_aborted{false};

    // After changing producers' transactions (append_mu held).
    void publish_txn_state() {
        first_unstable.store(producers.first_unstable_offset().value_or(-1));
        has_aborted.store(producers.has_aborted());
    }
};

// The outcome of an admin operation, as the wire reports it.
struct admin_outcome {
    kafka::error_code code = kafka::error_code::none;
    std::string message;
    bool ok() const { return code == kafka::error_code::none; }
};

class broker_state {
  public:
    broker_state(config::broker_config cfg, clock& clk);
    ~broker_state();

    // Opens the log dirs (recovering after an unclean shutdown), the topic
    // catalogue, and every partition.
    status start();
    // Flushes every log and writes the clean-shutdown marker. Idempotent.
    status shutdown();
    // Periodic work: retention, flushes, checkpoints. Called on a timer.
    void tick();

    const config::broker_settings& settings() const { return cfg_.settings; }
    const config::resolved_config& config() const { return cfg_.config; }
    clock& clk() { return clock_; }
    topic_table& topics() { return *topics_; }
    fetch_waiters& fetches() { return fetches_; }
    const std::string& cluster_id() const { return cluster_id_; }
    int32_t node_id() const { return cfg_.settings.broker_id; }

    // The partition, or nullptr when the topic or partition does not exist.
    std::shared_ptr<partition> find_partition(const kafka::topic_partition& tp) const;
    std::vector<std::shared_ptr<partition>> all_partitions() const;

    // The topic's effective configuration (broker settings + its overrides).
    result<config::topic_config> topic_config(const topic_info& t) const;

    admin_outcome create_topic(const std::string& name, int32_t partitions,
                               int16_t replication_factor, const config::topic_overrides& configs,
                               bool validate_only);
    admin_outcome delete_topic(const std::string& name);
    admin_outcome add_partitions(const std::string& name, int32_t new_total, bool validate_only);
    admin_outcome alter_topic_config(const std::string& name,
                                     const config::topic_overrides& configs, bool validate_only);

    // Metadata's and Produce's auto-creation: creates the topic with the
    // broker defaults when auto.create.topics.enable allows it. True when
    // the topic exists afterwards.
    bool auto_create_topic(const std::string& name);

    // Next producer id for InitProducerId (unique across restarts).
    int64_t next_producer_id();

    // Creates an internal topic (e.g. __consumer_offsets) unless it exists.
    status ensure_internal_topic(const std::string& name, int32_t partitions,
                                 const config::topic_overrides& configs);

    group_service& groups() { return *groups_; }
    txn_service& transactions() { return *txns_; }

  private:
    void expire_producers();
    storage::log_config log_config_for(const config::topic_config& tc) const;
    status open_topic_partitions(const topic_info& t, int32_t from);
    status load_or_create_meta();
    void save_producer_snapshots();

    config::broker_config cfg_;
    clock& clock_;
    int64_t last_producer_expiry_ms_ = 0;  // monotonic; tick() thread only
    std::string cluster_id_;
    std::unique_ptr<topic_table> topics_;
    std::unique_ptr<storage::log_manager> logs_;
    fetch_waiters fetches_;
    std::unique_ptr<group_service> groups_;
    std::unique_ptr<txn_service> txns_;

    mutable std::shared_mutex partitions_mu_;
    std::map<kafka::topic_partition, std::shared_ptr<partition>> partitions_;

    std::mutex admin_mu_;  // one topic create/delete/alter at a time
    std::mutex pid_mu_;
    int64_t next_pid_ = 0;
    int64_t pid_block_end_ = 0;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace cs::broker
