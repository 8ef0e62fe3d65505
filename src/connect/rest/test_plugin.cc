#include "connect/rest/test_plugin.h"

namespace cs::connect::testing {

std::vector<config_key> test_plugin::config_keys() const {
    return {
        {"connection.url",
         "STRING",
         std::nullopt,
         "HIGH",
         "Connection to the store.",
         "Connection",
         {}},
        {"batch.size", "INT", "100", "MEDIUM", "Records per write.", "Writes", {}},
        {"db.password", "PASSWORD", "", "HIGH", "Password of the store.", "Connection", {}},
        {"mode", "STRING", "insert", "MEDIUM", "Write mode.", "Writes", {"insert", "upsert"}},
    };
}

std::vector<config_problem> test_plugin::validate(const config_map& config) const {
    auto it = config.find("connection.url");
    if (it != config.end() && it->second.starts_with("bad:")) {
        return {{"connection.url", "Cannot reach " + it->second}};
    }
    return {};
}

std::vector<config_map> test_plugin::task_configs(const config_map& config, int max_tasks) const {
    std::vector<config_map> out;
    for (int i = 0; i < max_tasks; ++i) {
        config_map c = config;
        c["task.index"] = std::to_string(i);
        out.push_back(std::move(c));
    }
    return out;
}

class fake_runner : public task_runner {
  public:
    fake_runner(fake_task_host& host, task_spec spec, task_state_listener on_state)
        : host_(host), spec_(std::move(spec)), on_state_(std::move(on_state)) {
        std::lock_guard lock(host_.mu_);
        host_.live_[{spec_.connector, spec_.task_id}] = this;
        ++host_.starts_;
    }
    ~fake_runner() override { stop(); }

    void report(task_state s, std::string trace = {}) {
        status_ = {s, std::move(trace)};
        if (on_state_) {
            on_state_(spec_, status_);
        }
    }
    void stop() override {
        std::lock_guard lock(host_.mu_);
        auto it = host_.live_.find({spec_.connector, spec_.task_id});
        if (it != host_.live_.end() && it->second == this) {
            host_.live_.erase(it);
        }
    }
    void pause() override { paused_ = true; }
    void resume() override { paused_ = false; }
    task_status status() const override { return status_; }
    task_counters counters() const override { return {}; }
    const task_spec& spec() const override { return spec_; }
    bool paused() const { return paused_; }
    void use_topic(const std::string& topic) {
        std::lock_guard lock(topics_mu_);
        topics_.push_back(topic);
    }
    std::vector<std::string> take_active_topics() override {
        std::lock_guard lock(topics_mu_);
        return std::exchange(topics_, {});
    }
    void forget_active_topics() override {
        std::lock_guard lock(topics_mu_);
        topics_.clear();
    }

  private:
    std::mutex topics_mu_;
    std::vector<std::string> topics_;
    fake_task_host& host_;
    task_spec spec_;
    task_state_listener on_state_;
    task_status status_;
    bool paused_ = false;
};

result<std::unique_ptr<task_runner>> fake_task_host::start_task(const connector_plugin&,
                                                                task_spec spec,
                                                                task_state_listener on_state) {
    auto r = std::make_unique<fake_runner>(*this, std::move(spec), std::move(on_state));
    r->report(task_state::running);
    return std::unique_ptr<task_runner>(std::move(r));
}

result<std::vector<connector_offset>> fake_task_host::read_offsets(plugin_type,
                                                                   const std::string& connector) {
    std::lock_guard lock(mu_);
    return offsets[connector];
}

status fake_task_host::alter_offsets(plugin_type, const std::string& connector,
                                     const std::vector<connector_offset>& o) {
    std::lock_guard lock(mu_);
    offsets[connector] = o;
    return {};
}

status fake_task_host::reset_offsets(plugin_type, const std::string& connector) {
    std::lock_guard lock(mu_);
    offsets.erase(connector);
    return {};
}

void fake_task_host::use_topic(const std::string& connector, int task, const std::string& topic) {
    std::lock_guard lock(mu_);
    if (auto it = live_.find({connector, task}); it != live_.end()) {
        it->second->use_topic(topic);
    }
}

void fake_task_host::fail(const std::string& connector, int task, const std::string& trace) {
    fake_runner* r = nullptr;
    {
        std::lock_guard lock(mu_);
        auto it = live_.find({connector, task});
        if (it != live_.end()) {
            r = it->second;
        }
    }
    if (r != nullptr) {
        r->report(task_state::failed, trace);
    }
}

int fake_task_host::starts() const {
    std::lock_guard lock(mu_);
    return starts_;
}

int fake_task_host::running() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(live_.size());
}

bool fake_task_host::paused(const std::string& connector, int task) const {
    std::lock_guard lock(mu_);
    auto it = live_.find({connector, task});
    return it != live_.end() && it->second->paused();
}

namespace {
class noop_transformation : public transformation {
  public:
    status configure(const config_map&) override { return {}; }
    result<std::optional<record>> apply(record r) const override {
        return std::optional<record>(std::move(r));
    }
};
}  // namespace

void register_test_plugins(plugin_registry& r) {
    r.add_connector(std::make_shared<test_plugin>(plugin_type::sink));
    r.add_connector(std::make_shared<test_plugin>(plugin_type::source));
    r.add_transformation("org.example.transforms.Noop", "1.0",
                         [] { return std::make_unique<noop_transformation>(); });
    r.add_transformation(
        "org.example.predicates.Always", "1.0",
        [] { return std::make_unique<noop_transformation>(); }, plugin_type::predicate);
}

}  // namespace cs::connect::testing
