#include "connect/worker_config.h"

#include <array>
#include <charconv>

#include <fmt/format.h>
#include <unistd.h>

#include "config/resolved_config.h"
#include "http/listener.h"

// The table below names only the fields a property uses (designated
// initializers); the rest keep their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs::connect {
namespace {

using enum config::value_type;
using config::single_node;

const char* const json_converter = "org.apache.kafka.connect.json.JsonConverter";
const char* const built_in =
    "plugins are built into clickstream; there is no plugin class path to scan";
const char* const one_worker = "clickstream runs one worker per group; there is no rebalance";

std::vector<config::property_def> worker_properties() {
    return {
        {.name = "bootstrap.servers",
         .type = list,
         .default_value = "localhost:9092",
         .doc = "Kafka brokers the worker and its tasks connect to."},
        {.name = "group.id",
         .type = string,
         .default_value = "connect-cluster",
         .doc = "The Connect cluster this worker belongs to. Must not clash with a consumer "
                "group name."},
        {.name = "listeners",
         .type = list,
         .doc = "REST listeners, http://host:port (an empty host or 0.0.0.0: every "
                "interface). Unset: rest.host.name and rest.port, else http://:8083."},
        {.name = "rest.host.name",
         .type = string,
         .doc = "Legacy: the REST host when listeners is unset."},
        {.name = "rest.port",
         .type = int32,
         .default_value = "8083",
         .min = 0,
         .max = 65535,
         .doc = "Legacy: the REST port when listeners is unset."},
        {.name = "rest.advertised.host.name",
         .type = string,
         .doc = "The host name in worker_id of status responses."},
        {.name = "rest.advertised.port",
         .type = int32,
         .min = 0,
         .max = 65535,
         .doc = "The port in worker_id of status responses."},
        {.name = "rest.advertised.listener",
         .type = string,
         .valid_values = {"http"},
         .doc = "The listener protocol advertised (http only)."},
        {.name = "key.converter",
         .type = class_name,
         .default_value = json_converter,
         .doc = "Converter of record keys; its settings are key.converter.<setting>."},
        {.name = "value.converter",
         .type = class_name,
         .default_value = json_converter,
         .doc = "Converter of record values; its settings are value.converter.<setting>."},
        {.name = "header.converter",
         .type = class_name,
         .default_value = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
         .doc = "Converter of record headers."},
        {.name = "offset.flush.interval.ms",
         .type = int64,
         .default_value = "60000",
         .min = 0,
         .doc = "How often tasks commit offsets."},
        {.name = "offset.flush.timeout.ms",
         .type = int64,
         .default_value = "5000",
         .min = 0,
         .doc = "How long a source task waits for outstanding records at a flush."},
        {.name = "config.storage.topic",
         .type = string,
         .default_value = "connect-configs",
         .doc = "Compacted one-partition topic holding connector and task configs and "
                "target states."},
        {.name = "config.storage.replication.factor",
         .type = int32,
         .default_value = "-1",
         .min = -1,
         .doc = "Replication factor of the config topic; -1: the broker's default."},
        {.name = "offset.storage.topic",
         .type = string,
         .default_value = "connect-offsets",
         .doc = "Compacted topic holding source connector offsets."},
        {.name = "offset.storage.replication.factor",
         .type = int32,
         .default_value = "-1",
         .min = -1,
         .doc = "Replication factor of the offset topic; -1: the broker's default."},
        {.name = "offset.storage.partitions",
         .type = int32,
         .default_value = "25",
         .min = -1,
         .doc = "Partitions of the offset topic; -1: the broker's default."},
        {.name = "status.storage.topic",
         .type = string,
         .default_value = "connect-status",
         .doc = "Compacted topic holding connector and task states."},
        {.name = "status.storage.replication.factor",
         .type = int32,
         .default_value = "-1",
         .min = -1,
         .doc = "Replication factor of the status topic; -1: the broker's default."},
        {.name = "status.storage.partitions",
         .type = int32,
         .default_value = "5",
         .min = -1,
         .doc = "Partitions of the status topic; -1: the broker's default."},
        {.name = "client.id", .type = string, .doc = "Client id prefix of the worker's clients."},
        {.name = "security.protocol",
         .type = string,
         .default_value = "PLAINTEXT",
         .doc = "Protocol to reach the brokers; handed to every client."},
        {.name = "plugin.path",
         .type = list,
         .doc = "Where Connect looks for plugin jars.",
         .on_single_node = single_node::ignored,
         .single_node_note = built_in},
        {.name = "topic.tracking.enable",
         .type = boolean,
         .default_value = "true",
         .doc = "Record the topics each connector uses (GET /connectors/{name}/topics)."},
        {.name = "topic.tracking.allow.reset",
         .type = boolean,
         .default_value = "true",
         .doc = "Allow PUT /connectors/{name}/topics/reset."},
        {.name = "plugin.discovery",
         .type = string,
         .doc = "How Connect discovers plugins.",
         .on_single_node = single_node::ignored,
         .single_node_note = built_in},
        {.name = "offset.storage.file.filename",
         .type = string,
         .doc = "Standalone mode's source offset file.",
         .on_single_node = single_node::ignored,
         .single_node_note = "source offsets are kept in offset.storage.topic"},
        {.name = "session.timeout.ms",
         .type = int32,
         .default_value = "10000",
         .doc = "Worker group session timeout.",
         .on_single_node = single_node::ignored,
         .single_node_note = one_worker},
        {.name = "heartbeat.interval.ms",
         .type = int32,
         .default_value = "3000",
         .doc = "Worker group heartbeat interval.",
         .on_single_node = single_node::ignored,
         .single_node_note = one_worker},
        {.name = "rebalance.timeout.ms",
         .type = int32,
         .default_value = "60000",
         .doc = "Worker group rebalance timeout.",
         .on_single_node = single_node::ignored,
         .single_node_note = one_worker},
        {.name = "scheduled.rebalance.max.delay.ms",
         .type = int32,
         .default_value = "300000",
         .doc = "Delay before reassigning a departed worker's connectors.",
         .on_single_node = single_node::ignored,
         .single_node_note = one_worker},
        {.name = "connect.protocol",
         .type = string,
         .default_value = "sessioned",
         .doc = "Worker group protocol.",
         .on_single_node = single_node::ignored,
         .single_node_note = one_worker},
        {.name = "task.shutdown.graceful.timeout.ms",
         .type = int64,
         .default_value = "5000",
         .doc = "How long a stopping task may take."},
        {.name = "topic.creation.enable",
         .type = boolean,
         .default_value = "true",
         .doc = "Whether source connectors may create their topics."},
        {.name = "connector.client.config.override.policy",
         .type = string,
         .default_value = "All",
         .valid_values = {"All", "None", "Principal"},
         .doc = "Which client overrides connectors may set."},
        {.name = "access.control.allow.origin",
         .type = string,
         .default_value = "",
         .doc = "CORS origins.",
         .on_single_node = single_node::ignored,
         .single_node_note = "the REST server sends no CORS headers"},
    };
}

// Key prefixes that are not registry keys: client overrides, converter
// settings and the security keys every client takes.
enum class prefix_kind {
    none,
    consumer,
    producer,
    admin,
    key_conv,
    value_conv,
    header_conv,
    client
};

prefix_kind classify(std::string_view key, std::string_view& rest) {
    static const std::array<std::pair<std::string_view, prefix_kind>, 6> prefixes{{
        {"consumer.", prefix_kind::consumer},
        {"producer.", prefix_kind::producer},
        {"admin.", prefix_kind::admin},
        {"key.converter.", prefix_kind::key_conv},
        {"value.converter.", prefix_kind::value_conv},
        {"header.converter.", prefix_kind::header_conv},
    }};
    for (const auto& [p, kind] : prefixes) {
        if (key.size() > p.size() && key.substr(0, p.size()) == p) {
            rest = key.substr(p.size());
            return kind;
        }
    }
    if (key.starts_with("ssl.") || key.starts_with("sasl.")) {
        rest = key;
        return prefix_kind::client;
    }
    return prefix_kind::none;
}

std::string local_host_name() {
    std::array<char, 256> buf{};
    if (::gethostname(buf.data(), buf.size() - 1) != 0) {
        return "localhost";
    }
    return std::string(buf.data());
}

}  // namespace

const config::registry& worker_registry() {
    static const config::registry reg("worker", worker_properties());
    return reg;
}

worker_config resolve_worker_config(const config::properties& props, config::diagnostics& diags) {
    const auto& reg = worker_registry();
    worker_config out;
    config::properties known;
    for (const auto& e : props.entries()) {
        std::string_view rest;
        std::string origin = fmt::format("{}:{}", e.file, e.line);
        switch (classify(e.key, rest)) {
            case prefix_kind::consumer:
                out.settings.consumer.set(std::string(rest), e.value, e.file, e.line);
                continue;
            case prefix_kind::producer:
                out.settings.producer.set(std::string(rest), e.value, e.file, e.line);
                continue;
            case prefix_kind::admin:
                out.settings.admin.set(std::string(rest), e.value, e.file, e.line);
                continue;
            case prefix_kind::key_conv:
                out.settings.key_converter.config[std::string(rest)] = e.value;
                continue;
            case prefix_kind::value_conv:
                out.settings.value_converter.config[std::string(rest)] = e.value;
                continue;
            case prefix_kind::header_conv:
                out.settings.header_converter.config[std::string(rest)] = e.value;
                continue;
            case prefix_kind::client:
                out.settings.common.set(e.key, e.value, e.file, e.line);
                continue;
            case prefix_kind::none:
                break;
        }
        if (reg.find(e.key) == nullptr) {
            std::string msg = fmt::format("unknown worker property {}", e.key);
            if (auto near = reg.suggest(e.key)) {
                msg += fmt::format(" (did you mean {}?)", *near);
            }
            diags.error(e.file, e.line, msg);
            continue;
        }
        known.set(e);
    }
    auto rc = config::resolve(reg, known, diags);

    const auto& bs = rc.entry("bootstrap.servers");
    std::string bootstrap;
    for (const auto& s : rc.get_list("bootstrap.servers")) {
        bootstrap += (bootstrap.empty() ? "" : ",") + s;
    }
    out.settings.common.set("bootstrap.servers", bootstrap, bs.is_set() ? bs.file : "default",
                            bs.line);
    if (rc.is_set("security.protocol")) {
        const auto& sp = rc.entry("security.protocol");
        out.settings.common.set("security.protocol", *rc.get_string("security.protocol"), sp.file,
                                sp.line);
    }
    if (auto id = rc.get_string("client.id")) {
        const auto& ci = rc.entry("client.id");
        out.settings.common.set("client.id", *id, ci.file, ci.line);
    }

    out.group_id = rc.get_string("group.id").value_or("connect-cluster");
    if (rc.is_set("listeners")) {
        const auto& le = rc.entry("listeners");
        auto list = rc.get_list("listeners");
        bool found = false;
        for (const auto& l : list) {
            auto parsed = http::parse_http_listener(l);
            if (!parsed) {
                diags.error(le.file, le.line, fmt::format("listeners: {}", parsed.err().message));
                continue;
            }
            if (found) {
                diags.warning(le.file, le.line,
                              fmt::format("listeners: {} ignored; the REST server listens on "
                                          "the first listener only",
                                          l));
                continue;
            }
            found = true;
            out.rest_host = parsed->host.empty() ? "0.0.0.0" : parsed->host;
            out.rest_port = parsed->port;
        }
        if (rc.is_set("rest.port") || rc.is_set("rest.host.name")) {
            diags.info(le.file, le.line,
                       "rest.host.name / rest.port are ignored: listeners is set");
        }
    } else {
        out.rest_port = static_cast<uint16_t>(rc.get_int("rest.port"));
        auto host = rc.get_string("rest.host.name");
        out.rest_host = host && !host->empty() ? *host : "0.0.0.0";
    }

    auto conv = [&](const char* key, converter_spec& spec) {
        spec.class_name = rc.get_string(key).value_or(spec.class_name);
    };
    conv("key.converter", out.settings.key_converter);
    conv("value.converter", out.settings.value_converter);
    conv("header.converter", out.settings.header_converter);

    out.settings.offset_flush_interval_ms = rc.get_long("offset.flush.interval.ms");
    out.settings.offset_storage_topic = *rc.get_string("offset.storage.topic");
    out.settings.offset_storage_partitions = rc.get_int("offset.storage.partitions");
    out.settings.offset_storage_replication_factor =
        rc.get_int("offset.storage.replication.factor");
    out.config_topic = *rc.get_string("config.storage.topic");
    out.config_replication_factor = rc.get_int("config.storage.replication.factor");
    out.status_topic = *rc.get_string("status.storage.topic");
    out.status_partitions = rc.get_int("status.storage.partitions");
    out.status_replication_factor = rc.get_int("status.storage.replication.factor");
    out.topic_tracking = rc.get_bool("topic.tracking.enable");
    out.topic_tracking_allow_reset = rc.get_bool("topic.tracking.allow.reset");
    for (const char* t : {"config.storage.topic", "offset.storage.topic", "status.storage.topic"}) {
        if (rc.get_string(t)->empty()) {
            const auto& e = rc.entry(t);
            diags.error(e.file, e.line, fmt::format("{} must not be empty", t));
        }
    }

    std::string adv_host = rc.get_string("rest.advertised.host.name").value_or("");
    if (adv_host.empty()) {
        adv_host =
            out.rest_host == "0.0.0.0" || out.rest_host == "::" ? local_host_name() : out.rest_host;
    }
    int adv_port =
        rc.is_null("rest.advertised.port") ? out.rest_port : rc.get_int("rest.advertised.port");
    out.settings.worker_id = fmt::format("{}:{}", adv_host, adv_port);
    return out;
}

result<worker_config> load_worker_config(const std::filesystem::path& path,
                                         config::diagnostics& diags,
                                         const config::env_lookup& env) {
    auto props = config::load_properties(path, diags);
    if (!props) {
        return props.take_error();
    }
    config::substitute_env(*props, env, diags);
    worker_config out = resolve_worker_config(*props, diags);
    if (diags.has_errors()) {
        return error{errc::invalid_argument,
                     fmt::format("{}: {} error(s) in the worker configuration", path.string(),
                                 diags.count(config::severity::error))};
    }
    return out;
}

}  // namespace cs::connect
