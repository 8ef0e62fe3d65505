#include "cli/connect_worker.h"

#include <atomic>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/log.h"
#include "config/properties.h"
#include "connect/connectors/jdbc/jdbc_sink_connector.h"
#include "connect/connectors/jdbc/jdbc_source_connector.h"
#include "connect/connectors/s3/s3_sink_connector.h"
#include "connect/kafka_state_store.h"
#include "connect/plugin_registry.h"
#include "connect/rest/json.h"
#include "connect/rest/rest_api.h"
#include "connect/transforms/transforms.h"
#include "http/server.h"

namespace cs::cli {

result<connector_file> read_connector_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{errc::io, fmt::format("{}: cannot read the file", path)};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_connector_text(ss.str(), path);
}

result<connector_file> parse_connector_text(const std::string& text, const std::string& path) {
    size_t first = text.find_first_not_of(" \t\r\n");
    connector_file out;
    if (first != std::string::npos && text[first] == '{') {
        auto v = connect::rest::parse_json(text);
        if (!v) {
            return error{errc::invalid_argument,
                         fmt::format("{}: not valid JSON: {}", path, v.err().message)};
        }
        const connect::data* cfg = connect::rest::find_member(*v, "config");
        const connect::data* name = connect::rest::find_member(*v, "name");
        auto map = connect::rest::to_config_map(cfg != nullptr ? *cfg : *v);
        if (!map) {
            return error{errc::invalid_argument, fmt::format("{}: {}", path, map.err().message)};
        }
        out.config = std::move(*map);
        if (name != nullptr && name->is_string()) {
            out.name = name->as_string();
        }
        if (const connect::data* init = connect::rest::find_member(*v, "initial_state");
            init != nullptr && init->is_string()) {
            if (init->as_string() == "PAUSED") {
                out.initial = connect::target_state::paused;
            } else if (init->as_string() == "STOPPED") {
                out.initial = connect::target_state::stopped;
            } else if (init->as_string() == "RUNNING") {
                out.initial = connect::target_state::started;
            } else {
                return error{errc::invalid_argument,
                             fmt::format("{}: invalid initial_state {}", path, init->as_string())};
            }
        }
    } else {
        config::diagnostics diags;
        auto props = config::parse_properties(text, path, diags);
        diags.log();
        if (diags.has_errors()) {
            return error{errc::invalid_argument, fmt::format("{}: malformed properties", path)};
        }
        for (const auto& e : props.entries()) {
            out.config[e.key] = e.value;
        }
    }
    if (out.name.empty()) {
        if (auto it = out.config.find("name"); it != out.config.end()) {
            out.name = it->second;
        }
    }
    if (out.name.empty()) {
        return error{errc::invalid_argument, fmt::format("{}: the connector has no name", path)};
    }
    return out;
}

void register_builtin_plugins(connect::plugin_registry& r) {
    // The converters of the task runtime (connect/converters).
    for (const char* c : {"org.apache.kafka.connect.json.JsonConverter",
                          "org.apache.kafka.connect.storage.StringConverter",
                          "org.apache.kafka.connect.converters.ByteArrayConverter"}) {
        r.add_converter(c, CLICKSTREAM_VERSION);
    }
    for (const auto& cls : connect::transformation_class_names()) {
        r.add_transformation(cls, CLICKSTREAM_VERSION,
                             [cls] { return connect::make_transformation(cls); });
    }
    // Predicates are instantiated by the task runtime (make_predicate); the
    // registry knows their names for validation and listing.
    for (const auto& cls : connect::predicate_class_names()) {
        r.add_transformation(cls, CLICKSTREAM_VERSION, {}, connect::plugin_type::predicate);
    }
    r.add_connector(connect::jdbc::make_jdbc_sink_connector());
    r.add_connector(connect::jdbc::make_jdbc_source_connector());
    connect::s3::register_s3_connectors(r);
}

result<std::unique_ptr<connect_worker>> connect_worker::start(
    const connect::worker_config& worker, const std::vector<connector_file>& files) {
    auto logger = log::get("connect");
    std::unique_ptr<connect_worker> w(new connect_worker());
    w->plugins_ = std::make_unique<connect::plugin_registry>();
    register_builtin_plugins(*w->plugins_);

    config::diagnostics client_diags;
    auto store = connect::kafka_state_store::create(worker, client_diags);
    client_diags.log();
    if (!store) {
        return error{store.err().code,
                     fmt::format("cannot use the Kafka cluster at {}: {}",
                                 worker.settings.common.find("bootstrap.servers")->value,
                                 store.err().message)};
    }
    w->store_ = std::move(*store);
    w->tasks_ = std::make_unique<connect::runtime_task_host>(worker.settings);
    w->herder_ = std::make_unique<connect::herder>(*w->plugins_, *w->store_, *w->tasks_,
                                                   worker.settings.worker_id);
    w->herder_->set_topic_tracking(worker.topic_tracking, worker.topic_tracking_allow_reset);
    // REST listens before any connector starts: a port in use (a second
    // worker on the same machine) fails here, before this worker joins
    // its connectors' consumer groups. Until the state is read, requests
    // get 503.
    w->api_ = std::make_unique<connect::rest::rest_api>(*w->herder_, CLICKSTREAM_VERSION);
    auto* api = w->api_.get();
    auto ready = std::make_shared<std::atomic<bool>>(false);
    auto server = http::server::start(
        {.host = worker.rest_host, .port = worker.rest_port, .threads = 4, .limits = {}},
        [api, ready](const http::request& req) {
            if (!ready->load(std::memory_order_acquire)) {
                return http::response::json(
                    503, R"({"error_code":503,"message":"the worker is starting: it is )"
                         R"(reading its connectors' state from Kafka"})");
            }
            return api->handle(req);
        });
    if (!server) {
        w->stop();
        return error{server.err().code,
                     fmt::format("Connect REST listener {}:{}: {}", worker.rest_host,
                                 worker.rest_port, server.err().message)};
    }
    if (auto s = w->herder_->start(); !s) {
        (*server)->stop();
        return error{s.code(), "cannot read the worker's state: " + s.message()};
    }
    for (const auto& f : files) {
        auto r = w->herder_->put_config(f.name, f.config, f.initial, true);
        if (!r) {
            (*server)->stop();
            w->stop();
            return error{r.err().code, fmt::format("connector {}: {}", f.name, r.err().message)};
        }
        logger->info("connector {} {}", f.name, r->created ? "created" : "updated");
    }
    ready->store(true, std::memory_order_release);
    w->server_ = std::move(*server);
    logger->info("Connect worker {} (group {}) serving REST on http://{}:{}",
                 worker.settings.worker_id, worker.group_id, worker.rest_host, w->server_->port());
    return w;
}

connect_worker::~connect_worker() {
    stop();
}

void connect_worker::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    if (server_) {
        server_->stop();
    }
    if (herder_) {
        herder_->stop();
    }
}

uint16_t connect_worker::rest_port() const {
    return server_ ? server_->port() : 0;
}

}  // namespace cs::cli
