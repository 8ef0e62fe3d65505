#include "connect/connector_state.h"

namespace cs::connect {

const char* run_state_name(run_state s) {
    switch (s) {
        case run_state::unassigned:
            return "UNASSIGNED";
        case run_state::running:
            return "RUNNING";
        case run_state::paused:
            return "PAUSED";
        case run_state::stopped:
            return "STOPPED";
        case run_state::failed:
            return "FAILED";
        case run_state::restarting:
            return "RESTARTING";
    }
    return "UNASSIGNED";
}

std::optional<run_state> parse_run_state(std::string_view s) {
    for (auto st : {run_state::unassigned, run_state::running, run_state::paused,
                    run_state::stopped, run_state::failed, run_state::restarting}) {
        if (s == run_state_name(st)) {
            return st;
        }
    }
    return std::nullopt;
}

const char* target_state_name(target_state s) {
    switch (s) {
        case target_state::started:
            return "STARTED";
        case target_state::paused:
            return "PAUSED";
        case target_state::stopped:
            return "STOPPED";
    }
    return "STARTED";
}

status memory_state_store::put_connector(const std::string& name, const config_map& config) {
    state_.connectors[name] = config;
    return {};
}

status memory_state_store::remove_connector(const std::string& name) {
    state_.connectors.erase(name);
    state_.targets.erase(name);
    state_.tasks.erase(name);
    return {};
}

status memory_state_store::put_tasks(const std::string& name,
                                     const std::vector<config_map>& tasks) {
    state_.tasks[name] = tasks;
    return {};
}

status memory_state_store::put_target_state(const std::string& name, target_state t) {
    state_.targets[name] = t;
    return {};
}

status memory_state_store::put_connector_status(const std::string& name, const state_info& s) {
    state_.connector_status[name] = s;
    return {};
}

status memory_state_store::put_task_status(const std::string& name, int task,
                                           const std::optional<state_info>& s) {
    if (s) {
        state_.task_status[{name, task}] = *s;
    } else {
        state_.task_status.erase({name, task});
    }
    return {};
}

status memory_state_store::put_active_topic(const topic_status& t) {
    state_.active_topics[t.connector][t.topic] = t;
    return {};
}

status memory_state_store::remove_active_topic(const std::string& connector,
                                               const std::string& topic) {
    if (auto it = state_.active_topics.find(connector); it != state_.active_topics.end()) {
        it->second.erase(topic);
        if (it->second.empty()) {
            state_.active_topics.erase(it);
        }
    }
    return {};
}

}  // namespace cs::connect
