#include "connect/kafka_state_store.h"

#include <map>

#include <fmt/format.h>

#include "base/log.h"
#include "client/consumer.h"
#include "connect/rest/json.h"
#include "formats/json_writer.h"

namespace cs::connect {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    return log::get("connect");
}

std::string properties_json(const config_map& m) {
    std::string props;
    rest::append_json(props, m);
    std::string out;
    formats::json_object_writer w(out);
    w.raw("properties", props);
    w.close();
    return out;
}

std::string status_json(const state_info& s) {
    std::string out;
    formats::json_object_writer w(out);
    w.string("state", run_state_name(s.state));
    if (s.trace.empty()) {
        w.null("trace");
    } else {
        w.string("trace", s.trace);
    }
    w.string("worker_id", s.worker_id).number("generation", int64_t{s.generation});
    w.close();
    return out;
}

std::optional<state_info> parse_status(const data& v) {
    const data* st = rest::find_member(v, "state");
    if (st == nullptr || !st->is_string()) {
        return std::nullopt;
    }
    auto state = parse_run_state(st->as_string());
    if (!state) {
        return std::nullopt;
    }
    state_info out;
    out.state = *state;
    if (const data* t = rest::find_member(v, "trace"); t != nullptr && t->is_string()) {
        out.trace = t->as_string();
    }
    if (const data* w = rest::find_member(v, "worker_id"); w != nullptr && w->is_string()) {
        out.worker_id = w->as_string();
    }
    if (const data* g = rest::find_member(v, "generation"); g != nullptr && g->is_int()) {
        out.generation = static_cast<int>(g->as_int());
    }
    return out;
}

// "<name>-<id>" with the id after the last '-'.
std::optional<std::pair<std::string, int>> split_task_key(std::string_view rest) {
    size_t dash = rest.rfind('-');
    if (dash == std::string_view::npos || dash == 0) {
        return std::nullopt;
    }
    try {
        return std::make_pair(std::string(rest.substr(0, dash)),
                              std::stoi(std::string(rest.substr(dash + 1))));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string topic_status_key(std::string_view connector, std::string_view topic) {
    return fmt::format("status-topic-{}:connector-{}", topic, connector);
}

std::string topic_status_json(const topic_status& t) {
    std::string inner;
    formats::json_object_writer w(inner);
    w.string("name", t.topic)
        .string("connector", t.connector)
        .number("task", int64_t{t.task})
        .number("discoverTimestamp", t.discover_timestamp);
    w.close();
    std::string out;
    formats::json_object_writer o(out);
    o.raw("topic", inner);
    o.close();
    return out;
}

// Connect reads the connector and topic from the key (a topic name has no
// ':'), the rest from the value.
std::optional<topic_status> parse_topic_status(std::string_view key,
                                               const std::optional<data>& value) {
    constexpr std::string_view sep = ":connector-";
    key.remove_prefix(std::string_view("status-topic-").size());
    size_t at = key.find(sep);
    if (at == std::string_view::npos || at == 0 || at + sep.size() == key.size()) {
        return std::nullopt;
    }
    topic_status t;
    t.topic = std::string(key.substr(0, at));
    t.connector = std::string(key.substr(at + sep.size()));
    if (value) {
        const data* inner = rest::find_member(*value, "topic");
        if (inner == nullptr) {
            return std::nullopt;
        }
        if (const data* task = rest::find_member(*inner, "task"); task && task->is_int()) {
            t.task = static_cast<int>(task->as_int());
        }
        if (const data* ts = rest::find_member(*inner, "discoverTimestamp"); ts && ts->is_int()) {
            t.discover_timestamp = ts->as_int();
        }
    }
    return t;
}

}  // namespace

client::client_settings merged_settings(const client::client_settings& common,
                                        const client::client_settings& overrides) {
    client::client_settings out = common;
    for (const auto& s : overrides.entries()) {
        out.set(s.key, s.value, s.origin, s.line);
    }
    return out;
}

kafka_state_store::~kafka_state_store() {
    if (producer_) {
        (void)producer_->flush(timeout_);
    }
}

result<std::unique_ptr<kafka_state_store>> kafka_state_store::create(const worker_config& worker,
                                                                     config::diagnostics& diags) {
    std::unique_ptr<kafka_state_store> s(new kafka_state_store());
    s->worker_ = worker;
    const auto& ws = worker.settings;
    auto admin = client::admin_client::create(merged_settings(ws.common, ws.admin), diags);
    if (!admin) {
        return admin.take_error();
    }
    s->admin_ = std::move(admin).value();

    std::vector<std::pair<std::string, std::string>> compact{{"cleanup.policy", "compact"}};
    std::vector<client::new_topic> topics{
        {worker.config_topic, 1, worker.config_replication_factor, compact},
        {ws.offset_storage_topic, ws.offset_storage_partitions,
         ws.offset_storage_replication_factor, compact},
        {worker.status_topic, worker.status_partitions, worker.status_replication_factor, compact},
    };
    auto created = s->admin_->create_topics(topics);
    if (!created) {
        return error{created.err().code, fmt::format("cannot create Connect's internal topics: {}",
                                                     created.err().message)};
    }
    for (const auto& item : *created) {
        if (item.ok()) {
            logger()->info("created internal topic {} (cleanup.policy=compact)", item.name);
        } else if (item.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            return error{errc::io, fmt::format("cannot create internal topic {}: {}", item.name,
                                               item.message)};
        }
    }

    auto producer_settings = merged_settings(ws.common, ws.producer);
    producer_settings.set("acks", "all", "connect worker (internal topics)");
    client::default_to_java_partitioner(producer_settings, "connect worker (as Java)");
    auto producer = client::producer::create(producer_settings, diags);
    if (!producer) {
        return producer.take_error();
    }
    s->producer_ = std::move(producer).value();

    s->consumer_settings_ = merged_settings(ws.common, ws.consumer);
    s->consumer_settings_.set("group.id", worker.group_id + "-internal-reader",
                              "connect worker (internal topics)");
    s->consumer_settings_.set("enable.auto.commit", "false", "connect worker (internal topics)");
    s->consumer_settings_.set("auto.offset.reset", "earliest", "connect worker (internal topics)");
    return s;
}

std::string kafka_state_store::cluster_id() {
    if (cluster_id_.empty() && admin_) {
        char* id = rd_kafka_clusterid(admin_->handle(), 5000);
        if (id != nullptr) {
            cluster_id_ = id;
            rd_kafka_mem_free(admin_->handle(), id);
        }
    }
    return cluster_id_;
}

status kafka_state_store::write(const std::string& topic, const std::string& key,
                                const std::optional<std::string>& value) {
    uint64_t failed_before = producer_->stats().failed;
    client::outgoing_record r;
    r.topic = topic;
    r.key = key;
    if (value) {
        r.value = *value;
    }
    if (auto s = producer_->send(r); !s) {
        return error{s.code(), fmt::format("cannot write {} to {}: {}", key, topic, s.message())};
    }
    if (auto s = producer_->flush(timeout_); !s) {
        return error{s.code(), fmt::format("writing {} to {}: {}", key, topic, s.message())};
    }
    if (producer_->stats().failed != failed_before) {
        return error{errc::io,
                     fmt::format("writing {} to {} failed: {}", key, topic, producer_->summary())};
    }
    return {};
}

result<std::vector<std::pair<std::string, std::optional<std::string>>>> kafka_state_store::read_all(
    const std::string& topic) {
    auto md = admin_->metadata();
    if (!md) {
        return md.take_error();
    }
    std::vector<client::topic_partition_offset> parts;
    std::map<int32_t, int64_t> end;
    for (const auto& t : md->topics) {
        if (t.name != topic) {
            continue;
        }
        for (const auto& p : t.partitions) {
            auto w = admin_->query_watermarks({topic, p.id});
            if (!w) {
                return w.take_error();
            }
            if (w->high > w->low) {
                parts.push_back({topic, p.id, client::offset_beginning});
                end[p.id] = w->high;
            }
        }
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    if (parts.empty()) {
        return out;
    }
    config::diagnostics diags;
    auto consumer = client::consumer::create(consumer_settings_, diags);
    if (!consumer) {
        return consumer.take_error();
    }
    if (auto s = (*consumer)->assign(parts); !s) {
        return s.err();
    }
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    std::vector<client::message> batch;
    while (!end.empty()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return error{errc::timed_out, fmt::format("timed out reading {} to its end", topic)};
        }
        batch.clear();
        auto n = (*consumer)->poll_batch(batch, 1000, std::chrono::milliseconds(200));
        if (!n) {
            return n.take_error();
        }
        for (const auto& m : batch) {
            auto it = end.find(m.partition());
            if (it == end.end() || m.offset() >= it->second) {
                continue;
            }
            out.emplace_back(
                std::string(m.key().value_or("")),
                m.value() ? std::optional<std::string>(std::string(*m.value())) : std::nullopt);
            if (m.offset() + 1 >= it->second) {
                end.erase(it);
            }
        }
    }
    (void)(*consumer)->close();
    return out;
}

result<stored_state> kafka_state_store::load() {
    stored_state out;
    auto configs = read_all(worker_.config_topic);
    if (!configs) {
        return configs.take_error();
    }
    std::map<std::string, std::map<int, config_map>> pending_tasks;
    for (const auto& [key, value] : *configs) {
        std::optional<data> v;
        if (value) {
            auto parsed = rest::parse_json(*value);
            if (!parsed) {
                logger()->warn("{}: skipping record {} that is not JSON: {}", worker_.config_topic,
                               key, parsed.err().message);
                continue;
            }
            v = std::move(parsed).value();
        }
        auto props = [&]() -> std::optional<config_map> {
            const data* p = v ? rest::find_member(*v, "properties") : nullptr;
            if (p == nullptr) {
                return std::nullopt;
            }
            auto m = rest::to_config_map(*p);
            return m ? std::optional<config_map>(std::move(*m)) : std::nullopt;
        };
        if (key.starts_with("connector-")) {
            std::string name = key.substr(10);
            if (auto p = props()) {
                out.connectors[name] = std::move(*p);
            } else {
                out.connectors.erase(name);
                out.targets.erase(name);
                out.tasks.erase(name);
            }
        } else if (key.starts_with("target-state-")) {
            std::string name = key.substr(13);
            const data* st = v ? rest::find_member(*v, "state.v2") : nullptr;
            if (st == nullptr && v) {
                st = rest::find_member(*v, "state");
            }
            if (st == nullptr || !st->is_string()) {
                out.targets.erase(name);
            } else if (st->as_string() == "PAUSED") {
                out.targets[name] = target_state::paused;
            } else if (st->as_string() == "STOPPED") {
                out.targets[name] = target_state::stopped;
            } else {
                out.targets[name] = target_state::started;
            }
        } else if (key.starts_with("task-")) {
            auto id = split_task_key(std::string_view(key).substr(5));
            if (id) {
                if (auto p = props()) {
                    pending_tasks[id->first][id->second] = std::move(*p);
                }
            }
        } else if (key.starts_with("commit-")) {
            std::string name = key.substr(7);
            const data* n = v ? rest::find_member(*v, "tasks") : nullptr;
            if (n != nullptr && n->is_int()) {
                std::vector<config_map> tasks;
                auto& pending = pending_tasks[name];
                for (int i = 0; i < n->as_int(); ++i) {
                    tasks.push_back(pending[i]);
                }
                out.tasks[name] = std::move(tasks);
            }
        }
    }
    for (auto it = out.targets.begin(); it != out.targets.end();) {
        it = out.connectors.count(it->first) ? std::next(it) : out.targets.erase(it);
    }

    auto statuses = read_all(worker_.status_topic);
    if (!statuses) {
        return statuses.take_error();
    }
    for (const auto& [key, value] : *statuses) {
        std::optional<data> parsed;
        if (value) {
            if (auto p = rest::parse_json(*value)) {
                parsed = std::move(*p);
            }
        }
        if (key.starts_with("status-topic-")) {
            if (value && !parsed) {
                continue;
            }
            if (auto t = parse_topic_status(key, parsed)) {
                if (value) {
                    out.active_topics[t->connector][t->topic] = *t;
                } else if (auto it = out.active_topics.find(t->connector);
                           it != out.active_topics.end()) {
                    it->second.erase(t->topic);
                    if (it->second.empty()) {
                        out.active_topics.erase(it);
                    }
                }
            }
            continue;
        }
        std::optional<state_info> s;
        if (parsed) {
            s = parse_status(*parsed);
        }
        if (key.starts_with("status-connector-")) {
            std::string name = key.substr(17);
            if (s) {
                out.connector_status[name] = *s;
            } else {
                out.connector_status.erase(name);
            }
        } else if (key.starts_with("status-task-")) {
            if (auto id = split_task_key(std::string_view(key).substr(12))) {
                if (s) {
                    out.task_status[*id] = *s;
                } else {
                    out.task_status.erase(*id);
                }
            }
        }
    }
    logger()->info("read {} connector(s) from {} ({} records) and {} status records",
                   out.connectors.size(), worker_.config_topic, configs->size(), statuses->size());
    return out;
}

status kafka_state_store::put_connector(const std::string& name, const config_map& config) {
    return write(worker_.config_topic, "connector-" + name, properties_json(config));
}

status kafka_state_store::remove_connector(const std::string& name) {
    if (auto s = write(worker_.config_topic, "connector-" + name, std::nullopt); !s) {
        return s;
    }
    if (auto s = write(worker_.config_topic, "target-state-" + name, std::nullopt); !s) {
        return s;
    }
    return write(worker_.status_topic, "status-connector-" + name, std::nullopt);
}

status kafka_state_store::put_tasks(const std::string& name, const std::vector<config_map>& tasks) {
    for (size_t i = 0; i < tasks.size(); ++i) {
        if (auto s = write(worker_.config_topic, fmt::format("task-{}-{}", name, i),
                           properties_json(tasks[i]));
            !s) {
            return s;
        }
    }
    return write(worker_.config_topic, "commit-" + name,
                 fmt::format("{{\"tasks\":{}}}", tasks.size()));
}

status kafka_state_store::put_target_state(const std::string& name, target_state t) {
    // Connect 3.5+ writes STOPPED as "state.v2", with "PAUSED" in "state"
    // for older workers.
    const char* v1 = t == target_state::started ? "STARTED" : "PAUSED";
    return write(worker_.config_topic, "target-state-" + name,
                 fmt::format("{{\"state\":\"{}\",\"state.v2\":\"{}\"}}", v1, target_state_name(t)));
}

status kafka_state_store::put_connector_status(const std::string& name, const state_info& s) {
    return write(worker_.status_topic, "status-connector-" + name, status_json(s));
}

status kafka_state_store::put_task_status(const std::string& name, int task,
                                          const std::optional<state_info>& s) {
    return write(worker_.status_topic, fmt::format("status-task-{}-{}", name, task),
                 s ? std::optional<std::string>(status_json(*s)) : std::nullopt);
}

status kafka_state_store::put_active_topic(const topic_status& t) {
    return write(worker_.status_topic, topic_status_key(t.connector, t.topic),
                 topic_status_json(t));
}

status kafka_state_store::remove_active_topic(const std::string& connector,
                                              const std::string& topic) {
    return write(worker_.status_topic, topic_status_key(connector, topic), std::nullopt);
}

}  // namespace cs::connect
