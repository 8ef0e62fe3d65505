#pragma once

// The broker's settings as typed fields, resolved from the broker registry:
// what `clickstream broker --config server.properties` runs with. Derived
// values are computed here once, with Kafka's precedence (log.retention.ms >
// .minutes > .hours, log.roll.ms > .hours, node.id = broker.id, log.dirs >
// log.dir), so the broker never looks at raw keys.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/diagnostics.h"
#include "config/env_substitution.h"
#include "config/listener.h"
#include "config/properties.h"
#include "config/resolved_config.h"

namespace cs::config {

struct broker_settings {
    int32_t broker_id = 0;
    std::vector<listener> listeners;             // to bind (controller listeners left out)
    std::vector<listener> advertised_listeners;  // announced in Metadata
    std::vector<std::string> log_dirs;

    int32_t num_partitions = 1;
    int32_t default_replication_factor = 1;  // at most 1 on one node
    bool auto_create_topics_enable = true;
    bool delete_topic_enable = true;

    // Defaults for topics (each topic may override; see topic_config.h).
    int64_t log_retention_ms = 0;  // -1: keep forever
    int64_t log_retention_bytes = -1;
    int32_t log_segment_bytes = 0;
    int64_t log_roll_ms = 0;
    int64_t log_retention_check_interval_ms = 0;
    int64_t log_flush_interval_messages = 0;
    int64_t log_flush_interval_ms = 0;
    int64_t log_flush_scheduler_interval_ms = 0;
    int32_t log_flush_offset_checkpoint_interval_ms = 0;
    int32_t message_max_bytes = 0;
    bool log_cleaner_enable = true;

    int32_t num_network_threads = 0;
    int32_t num_io_threads = 0;
    int32_t num_recovery_threads_per_data_dir = 0;
    int32_t socket_send_buffer_bytes = -1;     // SO_SNDBUF; -1: OS default (auto-tuned)
    int32_t socket_receive_buffer_bytes = -1;  // SO_RCVBUF; -1: OS default
    int32_t socket_request_max_bytes = 0;
    int64_t connections_max_idle_ms = 0;

    int32_t offsets_topic_num_partitions = 0;
    int32_t offsets_topic_replication_factor = 1;
    int32_t offsets_topic_segment_bytes = 0;
    int64_t offsets_retention_ms = 0;
    int32_t offsets_commit_timeout_ms = 0;
    int32_t group_initial_rebalance_delay_ms = 0;
    int32_t group_min_session_timeout_ms = 0;
    int32_t group_max_session_timeout_ms = 0;

    int32_t transaction_state_log_num_partitions = 0;
    int32_t transaction_state_log_replication_factor = 1;
    int32_t transaction_state_log_min_isr = 1;
    int32_t transaction_state_log_segment_bytes = 0;
    int32_t transaction_max_timeout_ms = 0;
    int32_t transactional_id_expiration_ms = 0;
    int32_t producer_id_expiration_ms = 0;
};

// Builds settings from a resolved broker config. Problems (bad listeners,
// conflicting ids, non-PLAINTEXT listeners, no log directory) are errors in
// diags, naming the file:line of the key.
broker_settings make_broker_settings(const resolved_config& broker, diagnostics& diags);

struct broker_config {
    resolved_config config;  // every key with value and source (DescribeConfigs)
    broker_settings settings;
};

// Parses server.properties text: properties, ${ENV} substitution, registry,
// settings. Every problem goes to diags; the result is an error (naming the
// number of errors) when any diagnostic is an error.
result<broker_config> parse_broker_config(std::string_view text, const std::string& file_name,
                                          diagnostics& diags, const env_lookup& env,
                                          const properties& overrides = {});

// The same for a file on disk; an unreadable file is an error value.
result<broker_config> load_broker_config(const std::filesystem::path& path, diagnostics& diags,
                                         const env_lookup& env = process_environment(),
                                         const properties& overrides = {});

}  // namespace cs::config
