#include "connect/herder.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include <fmt/format.h>

#include "base/log.h"
#include "base/thread_name.h"

namespace cs::connect {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    return log::get("connect");
}

error not_found(const std::string& name) {
    return error{errc::not_found, fmt::format("Connector {} not found", name)};
}

std::string type_name_of(const connector_plugin* p) {
    return p == nullptr ? "unknown" : plugin_type_name(p->type());
}

int tasks_max(const config_map& config) {
    auto it = config.find("tasks.max");
    if (it == config.end()) {
        return 1;
    }
    try {
        return std::max(1, std::stoi(it->second));
    } catch (const std::exception&) {
        return 1;
    }
}

// Connect prints a config map as Java's AbstractMap.toString does.
std::string java_map_text(const config_map& m) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : m) {
        out += fmt::format("{}{}={}", first ? "" : ", ", k, v);
        first = false;
    }
    return out + "}";
}

}  // namespace

// ---- runtime_task_host ----

result<std::unique_ptr<task_runner>> runtime_task_host::start_task(const connector_plugin& plugin,
                                                                   task_spec spec,
                                                                   task_state_listener on_state) {
    if (plugin.type() == plugin_type::sink) {
        auto task = plugin.make_sink_task();
        if (!task) {
            return error{errc::unsupported,
                         fmt::format("{} does not make sink tasks", plugin.class_name())};
        }
        return task_runner::start_sink_task(settings_, std::move(spec), std::move(task),
                                            std::move(on_state));
    }
    auto task = plugin.make_source_task();
    if (!task) {
        return error{errc::unsupported,
                     fmt::format("{} does not make source tasks", plugin.class_name())};
    }
    return task_runner::start_source_task(settings_, std::move(spec), std::move(task),
                                          std::move(on_state));
}

result<std::vector<connector_offset>> runtime_task_host::read_offsets(
    plugin_type type, const std::string& connector) {
    return type == plugin_type::sink ? read_sink_offsets(settings_, connector)
                                     : read_source_offsets(settings_, connector);
}

status runtime_task_host::alter_offsets(plugin_type type, const std::string& connector,
                                        const std::vector<connector_offset>& offsets) {
    return type == plugin_type::sink ? alter_sink_offsets(settings_, connector, offsets)
                                     : alter_source_offsets(settings_, connector, offsets);
}

status runtime_task_host::reset_offsets(plugin_type type, const std::string& connector) {
    return type == plugin_type::sink ? reset_sink_offsets(settings_, connector)
                                     : reset_source_offsets(settings_, connector);
}

// ---- herder ----

herder::herder(const plugin_registry& plugins, state_store& store, task_host& tasks,
               std::string worker_id)
    : plugins_(plugins), store_(store), host_(tasks), worker_id_(std::move(worker_id)) {
    events_thread_ = std::thread([this] { event_loop(); });
}

herder::~herder() {
    stop();
    {
        std::lock_guard lock(events_mu_);
        events_stop_ = true;
    }
    events_cv_.notify_all();
    events_thread_.join();
}

status herder::start() {
    auto stored = store_.load();
    if (!stored) {
        return stored.take_error();
    }
    std::lock_guard lock(mu_);
    started_ = true;
    active_topics_ = stored->active_topics;
    for (const auto& [name, config] : stored->connectors) {
        connector_rt c;
        c.config = config;
        if (auto t = stored->targets.find(name); t != stored->targets.end()) {
            c.target = t->second;
        }
        auto cls = config.find("connector.class");
        c.plugin = cls == config.end() ? nullptr : plugins_.find_connector(cls->second);
        auto [it, inserted] = connectors_.emplace(name, std::move(c));
        auto tasks = stored->tasks.find(name);
        logger()->info("resuming connector {} (target state {})", name,
                       target_state_name(it->second.target));
        start_connector(name, it->second, tasks == stored->tasks.end() ? nullptr : &tasks->second);
    }
    return {};
}

void herder::stop() {
    std::lock_guard lock(mu_);
    if (!started_) {
        return;
    }
    started_ = false;
    for (auto& [name, c] : connectors_) {
        stop_tasks(name, c, false);
        for (auto& t : c.tasks) {
            set_task_state(name, t, run_state::unassigned);
        }
        set_connector_state(name, c, run_state::unassigned);
    }
    record_active_topics();
    connectors_.clear();
}

std::string herder::cluster_id() {
    std::lock_guard lock(mu_);
    return store_.cluster_id();
}

herder::connector_rt* herder::find(const std::string& name) {
    auto it = connectors_.find(name);
    return it == connectors_.end() ? nullptr : &it->second;
}

const herder::connector_rt* herder::find(const std::string& name) const {
    auto it = connectors_.find(name);
    return it == connectors_.end() ? nullptr : &it->second;
}

std::vector<std::string> herder::connector_names() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [name, c] : connectors_) {
        out.push_back(name);
    }
    return out;
}

connector_info herder::info_of(const std::string& name, const connector_rt& c) const {
    connector_info out{
        name, hide_secrets(c.config, c.plugin.get()), {}, type_name_of(c.plugin.get())};
    for (const auto& t : c.tasks) {
        out.tasks.push_back(t.id);
    }
    return out;
}

connector_status_info herder::status_of(const std::string& name, const connector_rt& c) const {
    connector_status_info out{name, c.status, {}, type_name_of(c.plugin.get())};
    for (const auto& t : c.tasks) {
        out.tasks.push_back({t.id, t.status});
    }
    return out;
}

result<connector_info> herder::info(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    return info_of(name, *c);
}

result<config_map> herder::config(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    return hide_secrets(c->config, c->plugin.get());
}

result<connector_status_info> herder::connector_status(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    return status_of(name, *c);
}

result<task_info> herder::task_status(const std::string& name, int task) const {
    std::lock_guard lock(mu_);
    const auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    for (const auto& t : c->tasks) {
        if (t.id == task) {
            return task_info{t.id, t.status};
        }
    }
    return error{errc::not_found, fmt::format("No status found for task {}-{}", name, task)};
}

result<std::vector<task_config_info>> herder::task_configs(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    std::vector<task_config_info> out;
    for (const auto& t : c->tasks) {
        out.push_back({t.id, hide_secrets(t.config, c->plugin.get())});
    }
    return out;
}

config_infos herder::validate(const config_map& config) const {
    auto cls = config.find("connector.class");
    auto plugin = cls == config.end() ? nullptr : plugins_.find_connector(cls->second);
    return validate_connector_config(plugins_, config, plugin.get());
}

config_map herder::restore_hidden(const config_map& incoming, const config_map* stored,
                                  const connector_plugin* plugin) const {
    config_map out = incoming;
    if (stored == nullptr) {
        return out;
    }
    for (auto& [k, v] : out) {
        if (v == hidden_value && is_secret_key(k, plugin)) {
            if (auto it = stored->find(k); it != stored->end()) {
                v = it->second;
            }
        }
    }
    return out;
}

result<put_result> herder::put_config(const std::string& name, config_map config,
                                      std::optional<target_state> initial, bool allow_update) {
    if (auto n = config.find("name"); n != config.end() && n->second != name) {
        return error{errc::invalid_argument,
                     fmt::format("Connector name configuration ({}) doesn't match connector name "
                                 "in the URL ({})",
                                 n->second, name)};
    }
    config["name"] = name;
    auto cls = config.find("connector.class");
    if (cls == config.end() || cls->second.empty()) {
        return error{errc::invalid_argument,
                     fmt::format("Connector config {} contains no connector type",
                                 java_map_text(hide_secrets(config, nullptr)))};
    }
    const std::string class_name = cls->second;  // config is reassigned below
    auto plugin = plugins_.find_connector(class_name);

    std::lock_guard lock(mu_);
    connector_rt* existing = find(name);
    if (existing != nullptr && !allow_update) {
        return error{errc::already_exists, fmt::format("Connector {} already exists", name)};
    }
    config = restore_hidden(config, existing ? &existing->config : nullptr, plugin.get());
    auto infos = validate_connector_config(plugins_, config, plugin.get());
    if (infos.error_count > 0) {
        std::string msg = fmt::format(
            "Connector configuration is invalid and contains the following {} error(s):",
            infos.error_count);
        for (const auto& e : infos.all_errors()) {
            msg += "\n" + e;
        }
        msg +=
            "\nYou can also find the above list of errors at the endpoint "
            "`/connector-plugins/{connectorType}/config/validate`";
        return error{errc::invalid_argument, std::move(msg)};
    }

    bool created = existing == nullptr;
    if (created) {
        connector_rt c;
        c.target = initial.value_or(target_state::started);
        if (auto s = store_.put_target_state(name, c.target); !s) {
            return s.err();
        }
        existing = &connectors_.emplace(name, std::move(c)).first->second;
    } else {
        stop_tasks(name, *existing, true);
    }
    existing->config = config;
    existing->plugin = plugin;
    if (auto s = store_.put_connector(name, config); !s) {
        return s.err();
    }
    logger()->info("{} connector {} ({}) with config {}", created ? "created" : "reconfigured",
                   name, class_name, java_map_text(hide_secrets(config, plugin.get())));
    start_connector(name, *existing, nullptr);
    return put_result{created, info_of(name, *existing)};
}

result<connector_info> herder::patch_config(const std::string& name, const config_map& updates,
                                            const std::vector<std::string>& removals) {
    config_map merged;
    {
        std::lock_guard lock(mu_);
        const auto* c = find(name);
        if (c == nullptr) {
            return not_found(name);
        }
        merged = c->config;
    }
    for (const auto& [k, v] : updates) {
        merged[k] = v;
    }
    for (const auto& k : removals) {
        merged.erase(k);
    }
    auto r = put_config(name, std::move(merged), std::nullopt, true);
    if (!r) {
        return r.take_error();
    }
    return std::move(r->info);
}

void herder::set_connector_state(const std::string& name, connector_rt& c, run_state s,
                                 std::string trace) {
    state_info next{s, std::move(trace), worker_id_, status_generation_};
    if (c.status == next) {
        return;
    }
    c.status = std::move(next);
    logger()->info("connector {} is {}{}", name, run_state_name(s),
                   c.status.trace.empty() ? "" : ": " + c.status.trace);
    if (auto st = store_.put_connector_status(name, c.status); !st) {
        logger()->warn("cannot write the status of connector {}: {}", name, st.message());
    }
}

void herder::set_task_state(const std::string& name, task_rt& t, run_state s, std::string trace) {
    state_info next{s, std::move(trace), worker_id_, status_generation_};
    if (t.status == next) {
        return;
    }
    t.status = std::move(next);
    logger()->info("task {}-{} is {}{}", name, t.id, run_state_name(s),
                   t.status.trace.empty() ? "" : ": " + t.status.trace);
    if (auto st = store_.put_task_status(name, t.id, t.status); !st) {
        logger()->warn("cannot write the status of task {}-{}: {}", name, t.id, st.message());
    }
}

void herder::start_connector(const std::string& name, connector_rt& c,
                             const std::vector<config_map>* stored_tasks) {
    ++status_generation_;
    if (c.target == target_state::stopped) {
        stop_tasks(name, c, true);
        if (stored_tasks == nullptr || !stored_tasks->empty()) {
            if (auto s = store_.put_tasks(name, {}); !s) {
                logger()->warn("cannot write task configs of {}: {}", name, s.message());
            }
        }
        set_connector_state(name, c, run_state::stopped);
        return;
    }
    if (!c.plugin) {
        auto cls = c.config.find("connector.class");
        set_connector_state(
            name, c, run_state::failed,
            fmt::format("Failed to find any class that implements Connector and which name "
                        "matches {}",
                        cls == c.config.end() ? "" : cls->second));
        return;
    }
    std::vector<config_map> configs;
    try {
        configs = c.plugin->task_configs(c.config, tasks_max(c.config));
    } catch (const std::exception& e) {
        set_connector_state(
            name, c, run_state::failed,
            fmt::format("{}.taskConfigs failed: {}", c.plugin->class_name(), e.what()));
        return;
    }
    if (stored_tasks == nullptr || *stored_tasks != configs) {
        if (auto s = store_.put_tasks(name, configs); !s) {
            set_connector_state(name, c, run_state::failed,
                                fmt::format("cannot store task configs: {}", s.message()));
            return;
        }
    }
    set_connector_state(name, c,
                        c.target == target_state::paused ? run_state::paused : run_state::running);
    stop_tasks(name, c, true);
    for (size_t i = 0; i < configs.size(); ++i) {
        task_rt t;
        t.id = static_cast<int>(i);
        t.config = std::move(configs[i]);
        c.tasks.push_back(std::move(t));
    }
    for (auto& t : c.tasks) {
        start_task(name, c, t);
    }
}

void herder::start_task(const std::string& name, connector_rt& c, task_rt& t) {
    t.generation = next_generation_++;
    task_spec spec{name, t.id, t.config, c.config};
    uint64_t gen = t.generation;
    auto listener = [this, gen](const task_spec& s, const connect::task_status& st) {
        {
            std::lock_guard lock(events_mu_);
            events_.push_back({s.connector, s.task_id, gen, st});
        }
        events_cv_.notify_all();
    };
    auto runner = host_.start_task(*c.plugin, std::move(spec), listener);
    if (!runner) {
        set_task_state(name, t, run_state::failed, runner.err().message);
        return;
    }
    t.runner = std::move(runner).value();
    if (c.target == target_state::paused) {
        t.runner->pause();
        set_task_state(name, t, run_state::paused);
    } else {
        set_task_state(name, t, run_state::running);
    }
}

void herder::stop_task(task_rt& t) {
    if (t.runner) {
        t.runner->stop();
        record_active_topics(t);
        t.runner.reset();
    }
    t.generation = 0;  // late events of the old runner are ignored
}

void herder::stop_tasks(const std::string& name, connector_rt& c, bool forget) {
    for (auto& t : c.tasks) {
        stop_task(t);
    }
    if (forget) {
        for (const auto& t : c.tasks) {
            if (auto s = store_.put_task_status(name, t.id, std::nullopt); !s) {
                logger()->warn("cannot remove the status of task {}-{}: {}", name, t.id,
                               s.message());
            }
        }
        c.tasks.clear();
    }
}

status herder::pause(const std::string& name) {
    return move_to(name, target_state::paused);
}

status herder::resume(const std::string& name) {
    return move_to(name, target_state::started);
}

// PUT /pause and /resume: a stopped connector starts again in the new target
// state; running tasks are paused or resumed in place (failed ones stay failed
// until restarted, as in Connect).
status herder::move_to(const std::string& name, target_state target) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    if (c->target == target) {
        return {};
    }
    bool was_stopped = c->target == target_state::stopped;
    c->target = target;
    if (auto s = store_.put_target_state(name, c->target); !s) {
        return s;
    }
    if (was_stopped) {
        start_connector(name, *c, nullptr);
        return {};
    }
    bool pausing = target == target_state::paused;
    run_state shown = pausing ? run_state::paused : run_state::running;
    for (auto& t : c->tasks) {
        if (t.runner && t.status.state != run_state::failed) {
            if (pausing) {
                t.runner->pause();
            } else {
                t.runner->resume();
            }
            set_task_state(name, t, shown);
        }
    }
    if (c->status.state != run_state::failed) {
        set_connector_state(name, *c, shown);
    }
    return {};
}

status herder::stop_connector(const std::string& name) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    c->target = target_state::stopped;
    if (auto s = store_.put_target_state(name, c->target); !s) {
        return s;
    }
    start_connector(name, *c, nullptr);
    return {};
}

result<std::optional<connector_status_info>> herder::restart(const std::string& name,
                                                             bool include_tasks, bool only_failed) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    bool plain = !include_tasks && !only_failed;
    bool restart_connector = !only_failed || c->status.state == run_state::failed;
    std::vector<int> restart_tasks;
    if (include_tasks) {
        for (const auto& t : c->tasks) {
            if (!only_failed || t.status.state == run_state::failed) {
                restart_tasks.push_back(t.id);
            }
        }
    }
    std::optional<connector_status_info> answer;
    if (!plain) {
        answer = status_of(name, *c);
        if (restart_connector) {
            answer->connector.state = run_state::restarting;
            answer->connector.trace.clear();
        }
        for (auto& t : answer->tasks) {
            if (std::find(restart_tasks.begin(), restart_tasks.end(), t.id) !=
                restart_tasks.end()) {
                t.state.state = run_state::restarting;
                t.state.trace.clear();
            }
        }
    }
    if (restart_connector && c->target != target_state::stopped) {
        set_connector_state(name, *c, run_state::restarting);
        // Re-splitting may change the task configs; then every task restarts
        // with its new config (as Connect reconfigures after a restart).
        std::vector<config_map> current;
        for (const auto& t : c->tasks) {
            current.push_back(t.config);
        }
        std::vector<config_map> fresh;
        bool split_ok = c->plugin != nullptr;
        if (split_ok) {
            try {
                fresh = c->plugin->task_configs(c->config, tasks_max(c->config));
            } catch (const std::exception&) {
                split_ok = false;
            }
        }
        if (!split_ok || fresh != current || c->tasks.empty()) {
            start_connector(name, *c, &current);
            return answer;
        }
        set_connector_state(
            name, *c, c->target == target_state::paused ? run_state::paused : run_state::running);
    }
    for (auto& t : c->tasks) {
        if (std::find(restart_tasks.begin(), restart_tasks.end(), t.id) == restart_tasks.end()) {
            continue;
        }
        set_task_state(name, t, run_state::restarting);
        stop_task(t);
        start_task(name, *c, t);
    }
    return answer;
}

status herder::restart_task(const std::string& name, int task) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    for (auto& t : c->tasks) {
        if (t.id == task) {
            set_task_state(name, t, run_state::restarting);
            stop_task(t);
            start_task(name, *c, t);
            return {};
        }
    }
    return error{errc::not_found, fmt::format("Task {}-{} not found", name, task)};
}

status herder::remove(const std::string& name) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    stop_tasks(name, *c, true);
    if (auto s = store_.remove_connector(name); !s) {
        return s;
    }
    connectors_.erase(name);
    logger()->info("deleted connector {}", name);
    return {};
}

result<plugin_type> herder::connector_type(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    if (!c->plugin) {
        return error{errc::invalid_argument,
                     fmt::format("The plugin of connector {} is not available", name)};
    }
    return c->plugin->type();
}

result<std::vector<connector_offset>> herder::offsets(const std::string& name) {
    auto type = connector_type(name);
    if (!type) {
        return type.take_error();
    }
    return host_.read_offsets(*type, name);
}

status herder::alter_offsets(const std::string& name,
                             const std::vector<connector_offset>& offsets) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    if (c->target != target_state::stopped || !c->plugin) {
        return error{errc::invalid_argument,
                     fmt::format("Connectors must be in the STOPPED state before their offsets "
                                 "can be modified. This can be done for the specified connector "
                                 "by issuing a 'PUT' request to the '/connectors/{}/stop' "
                                 "endpoint",
                                 name)};
    }
    return host_.alter_offsets(c->plugin->type(), name, offsets);
}

status herder::reset_offsets(const std::string& name) {
    std::lock_guard lock(mu_);
    auto* c = find(name);
    if (c == nullptr) {
        return not_found(name);
    }
    if (c->target != target_state::stopped || !c->plugin) {
        return error{errc::invalid_argument,
                     fmt::format("Connectors must be in the STOPPED state before their offsets "
                                 "can be reset. This can be done for the specified connector by "
                                 "issuing a 'PUT' request to the '/connectors/{}/stop' endpoint",
                                 name)};
    }
    return host_.reset_offsets(c->plugin->type(), name);
}

void herder::apply(const task_event& e) {
    std::lock_guard lock(mu_);
    auto* c = find(e.connector);
    if (c == nullptr) {
        return;
    }
    for (auto& t : c->tasks) {
        if (t.id != e.task || t.generation != e.generation || t.generation == 0) {
            continue;
        }
        switch (e.status.state) {
            case task_state::failed:
                set_task_state(e.connector, t, run_state::failed, e.status.trace);
                break;
            case task_state::running:
                if (c->target == target_state::started) {
                    set_task_state(e.connector, t, run_state::running);
                }
                break;
            case task_state::paused:
                if (c->target == target_state::paused) {
                    set_task_state(e.connector, t, run_state::paused);
                }
                break;
            case task_state::stopped:
                break;  // the herder stopped it and already says what it is now
        }
    }
}

void herder::set_topic_tracking(bool enable, bool allow_reset) {
    std::lock_guard lock(mu_);
    track_topics_ = enable;
    allow_topic_reset_ = allow_reset;
}

std::vector<std::string> herder::active_topics(const std::string& name) {
    std::lock_guard lock(mu_);
    record_active_topics();
    std::vector<std::string> out;
    if (auto it = active_topics_.find(name); it != active_topics_.end()) {
        for (const auto& [topic, st] : it->second) {
            out.push_back(topic);
        }
    }
    return out;
}

status herder::reset_active_topics(const std::string& name) {
    std::lock_guard lock(mu_);
    if (auto* c = find(name)) {
        for (auto& t : c->tasks) {
            if (t.runner) {
                t.runner->forget_active_topics();
            }
        }
    }
    std::erase_if(unsaved_topics_, [&](const topic_status& t) { return t.connector == name; });
    auto it = active_topics_.find(name);
    if (it == active_topics_.end()) {
        return {};
    }
    for (auto t = it->second.begin(); t != it->second.end();) {
        if (auto s = store_.remove_active_topic(name, t->first); !s) {
            return s;
        }
        t = it->second.erase(t);
    }
    active_topics_.erase(it);
    logger()->info("reset the active topics of connector {}", name);
    return {};
}

void herder::record_active_topics(task_rt& t) {
    if (!track_topics_ || !t.runner) {
        return;
    }
    const std::string& connector = t.runner->spec().connector;
    auto known = active_topics_.find(connector);
    for (auto& topic : t.runner->take_active_topics()) {
        if (known == active_topics_.end() || !known->second.contains(topic)) {
            unsaved_topics_.push_back(
                topic_status{std::move(topic), connector, t.id,
                             std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count()});
        }
    }
}

void herder::record_active_topics() {
    if (!track_topics_) {
        return;
    }
    for (auto& [name, c] : connectors_) {
        for (auto& t : c.tasks) {
            record_active_topics(t);
        }
    }
    std::vector<topic_status> failed;
    for (auto& t : unsaved_topics_) {
        auto& known = active_topics_[t.connector];
        if (known.contains(t.topic)) {
            continue;
        }
        if (auto s = store_.put_active_topic(t); !s) {
            logger()->warn("cannot record topic {} as active for connector {} (will retry): {}",
                           t.topic, t.connector, s.message());
            failed.push_back(std::move(t));
            continue;
        }
        logger()->info("connector {} uses topic {} (task {})", t.connector, t.topic, t.task);
        known.emplace(t.topic, t);
    }
    unsaved_topics_ = std::move(failed);
    std::erase_if(active_topics_, [](const auto& kv) { return kv.second.empty(); });
}

void herder::event_loop() {
    set_thread_name("cs:herder");
    std::unique_lock lock(events_mu_);
    for (;;) {
        // Once a second with nothing else to do: the topics tasks reported.
        if (!events_cv_.wait_for(lock, std::chrono::seconds(1),
                                 [this] { return events_stop_ || !events_.empty(); })) {
            events_busy_ = true;
            lock.unlock();
            {
                std::lock_guard herder_lock(mu_);
                record_active_topics();
            }
            lock.lock();
            events_busy_ = false;
            events_cv_.notify_all();
            continue;
        }
        if (events_.empty() && events_stop_) {
            return;
        }
        task_event e = std::move(events_.front());
        events_.pop_front();
        events_busy_ = true;
        lock.unlock();
        apply(e);
        lock.lock();
        events_busy_ = false;
        events_cv_.notify_all();
    }
}

void herder::drain_events() {
    std::unique_lock lock(events_mu_);
    events_cv_.wait(lock, [this] { return events_.empty() && !events_busy_; });
}

}  // namespace cs::connect
