#include "config/broker_settings.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "config/broker_registry.h"

namespace cs::config {
namespace {

void error_at(diagnostics& diags, const resolved_value& v, std::string message) {
    diags.error(v.is_set() ? v.file : std::string(), v.line, std::move(message));
}

int64_t to_ms(int64_t n, int64_t unit_ms) {
    if (n < 0) {
        return -1;
    }
    if (n > std::numeric_limits<int64_t>::max() / unit_ms) {
        return std::numeric_limits<int64_t>::max();
    }
    return n * unit_ms;
}

int64_t retention_ms(const resolved_config& c) {
    if (!c.is_null("log.retention.ms")) {
        int64_t ms = c.get_long("log.retention.ms");
        return ms < 0 ? -1 : ms;
    }
    if (!c.is_null("log.retention.minutes")) {
        return to_ms(c.get_int("log.retention.minutes"), 60'000);
    }
    return to_ms(c.get_int("log.retention.hours"), 3'600'000);
}

std::vector<listener> listeners_of(const resolved_config& c, std::string_view key,
                                   const std::map<std::string, std::string>& protocols,
                                   diagnostics& diags) {
    const resolved_value& v = c.entry(key);
    auto parsed = parse_listeners(c.get_string(key).value_or(""), protocols);
    if (!parsed) {
        error_at(diags, v, fmt::format("{}: {}", key, parsed.err().message));
        return {};
    }
    return std::move(parsed).value();
}

}  // namespace

broker_settings make_broker_settings(const resolved_config& c, diagnostics& diags) {
    broker_settings s;

    // Identity: node.id (KRaft) and broker.id (ZooKeeper mode) name the same
    // thing; -1 means unset.
    int32_t node_id = c.get_int("node.id");
    int32_t broker_id = c.get_int("broker.id");
    if (node_id >= 0 && broker_id >= 0 && node_id != broker_id) {
        error_at(diags, c.entry("node.id"),
                 fmt::format("node.id = {} and broker.id = {} differ; they name the same node",
                             node_id, broker_id));
    }
    s.broker_id = node_id >= 0 ? node_id : std::max(broker_id, 0);

    // Listeners: the controller's are not opened (this node is its own
    // controller); every other one must be PLAINTEXT.
    std::map<std::string, std::string> protocols;
    if (auto m = parse_protocol_map(*c.get_string("listener.security.protocol.map")); m) {
        protocols = std::move(m).value();
    } else {
        error_at(diags, c.entry("listener.security.protocol.map"),
                 fmt::format("listener.security.protocol.map: {}", m.err().message));
    }
    std::vector<std::string> controller_names;
    if (auto names = c.get_string("controller.listener.names")) {
        std::string_view rest = *names;
        while (!rest.empty()) {
            size_t comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            controller_names.emplace_back(item);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
    auto is_controller = [&](const listener& l) {
        return std::find(controller_names.begin(), controller_names.end(), l.name) !=
               controller_names.end();
    };
    for (auto& l : listeners_of(c, "listeners", protocols, diags)) {
        if (is_controller(l)) {
            continue;
        }
        if (l.security_protocol != "PLAINTEXT") {
            error_at(diags, c.entry("listeners"),
                     fmt::format("listeners: {} uses {}; clickstream serves PLAINTEXT only",
                                 l.to_string(), l.security_protocol));
            continue;
        }
        s.listeners.push_back(std::move(l));
    }
    if (c.is_null("advertised.listeners")) {
        s.advertised_listeners = s.listeners;
    } else {
        for (auto& l : listeners_of(c, "advertised.listeners", protocols, diags)) {
            if (is_controller(l)) {
                continue;
            }
            bool bound = std::any_of(s.listeners.begin(), s.listeners.end(),
                                     [&](const listener& b) { return b.name == l.name; });
            if (!bound) {
                error_at(diags, c.entry("advertised.listeners"),
                         fmt::format("advertised.listeners: {} names no listener in listeners",
                                     l.to_string()));
                continue;
            }
            s.advertised_listeners.push_back(std::move(l));
        }
    }
    if (s.listeners.empty() && !diags.has_errors()) {
        error_at(diags, c.entry("listeners"), "listeners: no PLAINTEXT listener to serve clients");
    }

    // Kafka types log.dirs as a string and splits it at commas itself.
    std::string dirs = *c.get_string(c.is_null("log.dirs") ? "log.dir" : "log.dirs");
    for (size_t start = 0; start <= dirs.size();) {
        size_t comma = std::min(dirs.find(',', start), dirs.size());
        std::string dir = dirs.substr(start, comma - start);
        dir.erase(0, dir.find_first_not_of(" \t"));
        dir.erase(dir.find_last_not_of(" \t") + 1);
        if (!dir.empty()) {
            s.log_dirs.push_back(std::move(dir));
        }
        start = comma + 1;
    }
    if (s.log_dirs.empty()) {
        error_at(diags, c.entry(c.is_null("log.dirs") ? "log.dir" : "log.dirs"),
                 "log.dirs: no log directory given");
    }

    s.num_partitions = c.get_int("num.partitions");
    s.default_replication_factor = c.get_int("default.replication.factor");
    s.auto_create_topics_enable = c.get_bool("auto.create.topics.enable");
    s.delete_topic_enable = c.get_bool("delete.topic.enable");

    s.log_retention_ms = retention_ms(c);
    s.log_retention_bytes = c.get_long("log.retention.bytes");
    s.log_segment_bytes = c.get_int("log.segment.bytes");
    s.log_roll_ms = c.is_null("log.roll.ms") ? to_ms(c.get_int("log.roll.hours"), 3'600'000)
                                             : c.get_long("log.roll.ms");
    s.log_retention_check_interval_ms = c.get_long("log.retention.check.interval.ms");
    s.log_flush_interval_messages = c.get_long("log.flush.interval.messages");
    s.log_flush_scheduler_interval_ms = c.get_long("log.flush.scheduler.interval.ms");
    s.log_flush_interval_ms = c.is_null("log.flush.interval.ms")
                                  ? s.log_flush_scheduler_interval_ms
                                  : c.get_long("log.flush.interval.ms");
    s.log_flush_offset_checkpoint_interval_ms =
        c.get_int("log.flush.offset.checkpoint.interval.ms");
    s.message_max_bytes = c.get_int("message.max.bytes");
    s.log_cleaner_enable = c.get_bool("log.cleaner.enable");

    s.num_network_threads = c.get_int("num.network.threads");
    s.num_io_threads = c.get_int("num.io.threads");
    s.num_recovery_threads_per_data_dir = c.get_int("num.recovery.threads.per.data.dir");
    s.socket_send_buffer_bytes = c.get_int("socket.send.buffer.bytes");
    s.socket_receive_buffer_bytes = c.get_int("socket.receive.buffer.bytes");
    s.socket_request_max_bytes = c.get_int("socket.request.max.bytes");
    s.connections_max_idle_ms = c.get_long("connections.max.idle.ms");

    s.offsets_topic_num_partitions = c.get_int("offsets.topic.num.partitions");
    s.offsets_topic_replication_factor = c.get_int("offsets.topic.replication.factor");
    s.offsets_topic_segment_bytes = c.get_int("offsets.topic.segment.bytes");
    s.offsets_retention_ms = to_ms(c.get_int("offsets.retention.minutes"), 60'000);
    s.offsets_commit_timeout_ms = c.get_int("offsets.commit.timeout.ms");
    s.group_initial_rebalance_delay_ms = c.get_int("group.initial.rebalance.delay.ms");
    s.group_min_session_timeout_ms = c.get_int("group.min.session.timeout.ms");
    s.group_max_session_timeout_ms = c.get_int("group.max.session.timeout.ms");

    s.transaction_state_log_num_partitions = c.get_int("transaction.state.log.num.partitions");
    s.transaction_state_log_replication_factor =
        c.get_int("transaction.state.log.replication.factor");
    s.transaction_state_log_min_isr = c.get_int("transaction.state.log.min.isr");
    s.transaction_state_log_segment_bytes = c.get_int("transaction.state.log.segment.bytes");
    s.transaction_max_timeout_ms = c.get_int("transaction.max.timeout.ms");
    s.transactional_id_expiration_ms = c.get_int("transactional.id.expiration.ms");
    s.producer_id_expiration_ms = c.get_int("producer.id.expiration.ms");
    return s;
}

namespace {

result<broker_config> finish(properties props, const std::string& file_name, diagnostics& diags,
                             const env_lookup& env, const properties& overrides) {
    substitute_env(props, env, diags);
    properties subst_overrides = overrides;
    substitute_env(subst_overrides, env, diags);
    resolved_config config = resolve(broker_registry(), props, diags, subst_overrides);
    broker_settings settings = make_broker_settings(config, diags);
    if (size_t n = diags.count(severity::error); n > 0) {
        return error{errc::invalid_argument,
                     fmt::format("{}: {} configuration error{}", file_name, n, n == 1 ? "" : "s")};
    }
    return broker_config{std::move(config), std::move(settings)};
}

}  // namespace

result<broker_config> parse_broker_config(std::string_view text, const std::string& file_name,
                                          diagnostics& diags, const env_lookup& env,
                                          const properties& overrides) {
    return finish(parse_properties(text, file_name, diags), file_name, diags, env, overrides);
}

result<broker_config> load_broker_config(const std::filesystem::path& path, diagnostics& diags,
                                         const env_lookup& env, const properties& overrides) {
    auto props = load_properties(path, diags);
    if (!props) {
        return std::move(props).take_error();
    }
    return finish(std::move(props).value(), path.string(), diags, env, overrides);
}

}  // namespace cs::config
