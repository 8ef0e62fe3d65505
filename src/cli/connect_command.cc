#include "cli/connect_command.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <pthread.h>
#include <signal.h>

#include "base/log.h"
#include "config/properties.h"
#include "connect/connectors/jdbc/jdbc_sink_connector.h"
#include "connect/connectors/jdbc/jdbc_source_connector.h"
#include "connect/connectors/s3/s3_sink_connector.h"
#include "connect/herder.h"
#include "connect/http/server.h"
#include "connect/kafka_state_store.h"
#include "connect/plugin_registry.h"
#include "connect/rest/json.h"
#include "connect/rest/rest_api.h"
#include "connect/transforms/transforms.h"
#include "connect/worker_config.h"

namespace cs::cli {
namespace {

struct connect_options {
    std::string worker_file;
    std::vector<std::string> connector_files;
};

struct connector_file {
    std::string name;
    connect::config_map config;
    std::optional<connect::target_state> initial;
};

// A connector file: the POST /connectors body ({"name", "config"}), a flat
// JSON map of the config (with "name"), or a .properties file as
// connect-standalone.sh reads them.
result<connector_file> read_connector_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{errc::io, fmt::format("{}: cannot read the file", path)};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
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

int run_connect(const connect_options& opts) {
    // Every thread started from here on inherits the blocked signals, so
    // SIGINT/SIGTERM reach only the sigwait below.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto logger = log::get("connect");
    config::diagnostics diags;
    auto worker = connect::load_worker_config(opts.worker_file, diags);
    diags.log();
    if (!worker) {
        logger->error("{}", worker.err().message);
        return 2;
    }
    std::vector<connector_file> files;
    for (const auto& f : opts.connector_files) {
        auto c = read_connector_file(f);
        if (!c) {
            logger->error("{}", c.err().message);
            return 2;
        }
        files.push_back(std::move(*c));
    }

    connect::plugin_registry plugins;
    register_builtin_plugins(plugins);

    config::diagnostics client_diags;
    auto store = connect::kafka_state_store::create(*worker, client_diags);
    client_diags.log();
    if (!store) {
        logger->error("cannot use the Kafka cluster at {}: {}",
                      worker->settings.common.find("bootstrap.servers")->value,
                      store.err().message);
        return 1;
    }
    connect::runtime_task_host tasks(worker->settings);
    connect::herder herder(plugins, **store, tasks, worker->settings.worker_id);
    if (auto s = herder.start(); !s) {
        logger->error("cannot read the worker's state: {}", s.message());
        return 1;
    }
    for (auto& f : files) {
        auto r = herder.put_config(f.name, f.config, f.initial, true);
        if (!r) {
            logger->error("connector {}: {}", f.name, r.err().message);
            herder.stop();
            return 1;
        }
        logger->info("connector {} {} from the command line", f.name,
                     r->created ? "created" : "updated");
    }

    connect::rest::rest_api api(herder, CLICKSTREAM_VERSION);
    auto server = connect::http::server::start(
        {.host = worker->rest_host, .port = worker->rest_port, .threads = 4, .limits = {}},
        [&api](const connect::http::request& req) { return api.handle(req); });
    if (!server) {
        logger->error("{}", server.err().message);
        herder.stop();
        return 1;
    }
    logger->info("Connect worker {} (group {}) serving REST on http://{}:{}",
                 worker->settings.worker_id, worker->group_id, worker->rest_host,
                 (*server)->port());

    int sig = 0;
    sigwait(&stop_signals, &sig);
    logger->info("received signal {}; stopping", sig);
    (*server)->stop();
    herder.stop();
    logger->info("Connect worker stopped");
    return 0;
}

}  // namespace

void register_connect_command(CLI::App& app) {
    auto opts = std::make_shared<connect_options>();
    auto* cmd = app.add_subcommand("connect",
                                   "Run a Kafka Connect-compatible worker with Connect's REST API");
    cmd->add_option("--worker", opts->worker_file, "worker.properties to read")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("connectors", opts->connector_files,
                    "connector configs to create or update at start (JSON as POSTed to "
                    "/connectors, a flat JSON map, or .properties)")
        ->check(CLI::ExistingFile);
    cmd->callback([opts] {
        if (int code = run_connect(*opts); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
