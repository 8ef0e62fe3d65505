#include "connect/config_validation.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"

namespace cs::connect {
namespace {

std::string trimmed(std::string_view s) {
    return std::string(trim_blanks(s));
}

template <class T>
bool parses_as(std::string_view s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// ConfigDef.parseType's messages, for the value as written.
std::optional<std::string> type_error(const config_key& k, const std::string& raw) {
    std::string v = trimmed(raw);
    auto bad = [&](std::string_view what) {
        return fmt::format("Invalid value {} for configuration {}: {}", raw, k.name, what);
    };
    if (k.type == "INT" && !parses_as<int32_t>(v)) {
        return bad("Not a number of type INT");
    }
    if (k.type == "SHORT" && !parses_as<int16_t>(v)) {
        return bad("Not a number of type SHORT");
    }
    if (k.type == "LONG" && !parses_as<int64_t>(v)) {
        return bad("Not a number of type LONG");
    }
    if (k.type == "DOUBLE" && !parses_as<double>(v)) {
        return bad("Not a number of type DOUBLE");
    }
    if (k.type == "BOOLEAN" && !parse_config_boolean(v)) {
        return bad("Expected value to be either true or false");
    }
    return std::nullopt;
}

class builder {
  public:
    builder(const config_map& config, const connector_plugin* plugin)
        : config_(config), plugin_(plugin) {}

    config_info& add(const config_key& k) {
        if (auto it = index_.find(k.name); it != index_.end()) {
            return out_.configs[it->second];
        }
        if (std::find(out_.groups.begin(), out_.groups.end(), k.group) == out_.groups.end() &&
            !k.group.empty()) {
            out_.groups.push_back(k.group);
        }
        config_info info;
        info.definition = k;
        info.order = k.group.empty() ? -1 : ++group_order_[k.group];
        info.value.name = k.name;
        info.value.recommended_values = k.recommended_values;
        auto it = config_.find(k.name);
        bool secret = k.type == "PASSWORD" || is_secret_key(k.name, plugin_);
        if (it != config_.end()) {
            info.value.value = secret ? std::string(hidden_value) : it->second;
            if (auto e = type_error(k, it->second)) {
                info.value.errors.push_back(*e);
            }
        } else if (k.default_value) {
            info.value.value =
                secret && !k.default_value->empty() ? std::string(hidden_value) : *k.default_value;
        } else {
            info.value.errors.push_back(fmt::format(
                "Missing required configuration \"{}\" which has no default value.", k.name));
        }
        index_[k.name] = out_.configs.size();
        out_.configs.push_back(std::move(info));
        return out_.configs.back();
    }

    void error(const std::string& key_name, std::string message) {
        auto it = index_.find(key_name);
        if (it == index_.end()) {
            add(make_config_key(key_name, "STRING", std::string(), "MEDIUM", "", ""));
            it = index_.find(key_name);
        }
        auto& errors = out_.configs[it->second].value.errors;
        if (!errors.empty() && config_.find(key_name) == config_.end()) {
            return;  // a missing key is one error, as Connect reports it
        }
        errors.push_back(std::move(message));
    }

    bool has_errors(const std::string& key_name) const {
        auto it = index_.find(key_name);
        return it != index_.end() && !out_.configs[it->second].value.errors.empty();
    }

    config_infos finish(std::string name) {
        out_.name = std::move(name);
        out_.error_count = 0;
        for (const auto& c : out_.configs) {
            out_.error_count += static_cast<int>(c.value.errors.size());
        }
        return std::move(out_);
    }

  private:
    const config_map& config_;
    const connector_plugin* plugin_;
    config_infos out_;
    std::map<std::string, size_t> index_;
    std::map<std::string, int> group_order_;
};

std::string value_or(const config_map& c, const std::string& k, std::string def = "") {
    auto it = c.find(k);
    return it == c.end() ? def : it->second;
}

}  // namespace

std::vector<std::string> config_infos::all_errors() const {
    std::vector<std::string> out;
    for (const auto& c : configs) {
        out.insert(out.end(), c.value.errors.begin(), c.value.errors.end());
    }
    return out;
}

std::vector<config_key> worker_connector_keys(plugin_type type) {
    const std::string common = "Common";
    const std::string errors = "Error Handling";
    std::vector<config_key> keys{
        make_config_key("name", "STRING", std::nullopt, "HIGH", common,
                        "Globally unique name to use for this connector."),
        make_config_key("connector.class", "STRING", std::nullopt, "HIGH", common,
                        "Name or alias of the class for this connector."),
        make_config_key("tasks.max", "INT", "1", "HIGH", common,
                        "Maximum number of tasks to use for this connector."),
        make_config_key("key.converter", "CLASS", std::string(), "LOW", common,
                        "Converter class for record keys; overrides the worker's."),
        make_config_key("value.converter", "CLASS", std::string(), "LOW", common,
                        "Converter class for record values; overrides the worker's."),
        make_config_key("header.converter", "CLASS", std::string(), "LOW", common,
                        "Converter class for record headers; overrides the worker's."),
        make_config_key("config.action.reload", "STRING", "restart", "LOW", common,
                        "What to do when external configuration providers change a value.",
                        {"none", "restart"}),
        make_config_key("transforms", "LIST", "", "LOW", "Transforms",
                        "Aliases for the transformations applied to records."),
        make_config_key("predicates", "LIST", "", "LOW", "Predicates",
                        "Aliases for the predicates used by transformations."),
        make_config_key("errors.retry.timeout", "LONG", "0", "MEDIUM", errors,
                        "Maximum duration in ms a failed operation is retried; -1: forever."),
        make_config_key("errors.retry.delay.max.ms", "LONG", "60000", "MEDIUM", errors,
                        "Maximum delay in ms between retries."),
        make_config_key("errors.tolerance", "STRING", "none", "MEDIUM", errors,
                        "none: an error fails the task; all: problematic records are skipped.",
                        {"none", "all"}),
        make_config_key("errors.log.enable", "BOOLEAN", "false", "MEDIUM", errors,
                        "Whether to log errors and failed operations."),
        make_config_key("errors.log.include.messages", "BOOLEAN", "false", "MEDIUM", errors,
                        "Whether to include the failed record in the log."),
    };
    if (type == plugin_type::sink) {
        keys.push_back(make_config_key("topics", "LIST", "", "HIGH", common,
                                       "Topics to consume; either this or topics.regex."));
        keys.push_back(
            make_config_key("topics.regex", "STRING", "", "HIGH", common,
                            "Regular expression of topics to consume; either this or topics."));
        keys.push_back(make_config_key("errors.deadletterqueue.topic.name", "STRING", "", "MEDIUM",
                                       errors,
                                       "Topic receiving records that failed to be processed."));
        keys.push_back(make_config_key("errors.deadletterqueue.topic.replication.factor", "SHORT",
                                       "3", "MEDIUM", errors,
                                       "Replication factor of the dead letter topic."));
        keys.push_back(make_config_key(
            "errors.deadletterqueue.context.headers.enable", "BOOLEAN", "false", "MEDIUM", errors,
            "Whether to add __connect.errors.* headers to dead letter records."));
    } else if (type == plugin_type::source) {
        keys.push_back(
            make_config_key("topic.creation.groups", "LIST", "", "LOW", "Topic Creation",
                            "Groups of configurations for topics created by source connectors."));
        keys.push_back(make_config_key("offsets.storage.topic", "STRING", std::string(), "LOW",
                                       common, "A separate offsets topic for this connector."));
    }
    return keys;
}

config_infos validate_connector_config(const plugin_registry& plugins, const config_map& config,
                                       const connector_plugin* plugin) {
    builder b(config, plugin);
    plugin_type type = plugin != nullptr ? plugin->type() : plugin_type::sink;
    for (const auto& k : worker_connector_keys(type)) {
        b.add(k);
    }
    std::string cls = value_or(config, "connector.class");
    if (plugin == nullptr && !b.has_errors("connector.class")) {
        std::vector<std::string> names;
        for (const auto& p : plugins.connectors()) {
            names.push_back(p.class_name);
        }
        b.error("connector.class",
                fmt::format("Failed to find any class that implements Connector and which name "
                            "matches {}, available connectors are: {}",
                            cls, fmt::join(names, ", ")));
    }
    if (auto n = config.find("name"); n != config.end() && trimmed(n->second).empty()) {
        b.error("name", "Invalid value for configuration name: Connector name must not be empty");
    }
    if (auto t = config.find("tasks.max");
        t != config.end() && !b.has_errors("tasks.max") && std::stol(trimmed(t->second)) < 1) {
        b.error(
            "tasks.max",
            fmt::format("Invalid value {} for configuration tasks.max: Value must be at least 1",
                        t->second));
    }
    if (auto t = config.find("errors.tolerance");
        t != config.end() && t->second != "none" && t->second != "all") {
        b.error("errors.tolerance",
                fmt::format("Invalid value {} for configuration errors.tolerance: String must be "
                            "one of: none, all",
                            t->second));
    }
    bool know_converters = false;
    for (const auto& p : plugins.all()) {
        know_converters = know_converters || p.type == plugin_type::converter;
    }
    for (const char* conv : {"key.converter", "value.converter", "header.converter"}) {
        std::string c = value_or(config, conv);
        if (know_converters && !c.empty() && !plugins.has_converter(c)) {
            b.error(conv, fmt::format("Invalid value {} for configuration {}: Class {} could not "
                                      "be found.",
                                      c, conv, c));
        }
    }

    if (type == plugin_type::sink) {
        bool has_topics = !trimmed(value_or(config, "topics")).empty();
        bool has_regex = !trimmed(value_or(config, "topics.regex")).empty();
        if (has_topics && has_regex) {
            std::string msg =
                "topics and topics.regex are mutually exclusive options, but both are set.";
            b.error("topics", msg);
            b.error("topics.regex", msg);
        } else if (!has_topics && !has_regex) {
            std::string msg = "Must configure one of topics or topics.regex";
            b.error("topics", msg);
            b.error("topics.regex", msg);
        }
        std::string dlq = trimmed(value_or(config, "errors.deadletterqueue.topic.name"));
        if (!dlq.empty()) {
            auto topics = split_list(value_or(config, "topics"));
            if (std::find(topics.begin(), topics.end(), dlq) != topics.end()) {
                b.error("errors.deadletterqueue.topic.name",
                        fmt::format("The DLQ topic '{}' may not be included in the list of "
                                    "topics ('topics=...') consumed by the connector",
                                    dlq));
            }
        }
    }

    // Transformations and predicates: each alias needs a known type.
    auto aliases_of = [&](const char* list_key, const char* prefix, plugin_type kind,
                          const char* group_prefix) {
        std::set<std::string> seen;
        for (const auto& alias : split_list(value_or(config, list_key))) {
            if (!seen.insert(alias).second) {
                b.error(list_key, fmt::format("Invalid value {} for configuration {}: Duplicate "
                                              "alias provided.",
                                              value_or(config, list_key), list_key));
                continue;
            }
            std::string type_key = fmt::format("{}.{}.type", prefix, alias);
            auto& info = b.add(make_config_key(
                type_key, "CLASS", std::nullopt, "HIGH", fmt::format("{}{}", group_prefix, alias),
                "Class for the '" + alias + "' " + plugin_type_name(kind) + "."));
            auto it = config.find(type_key);
            if (it != config.end() && plugins.find_transformation(it->second, kind) == nullptr) {
                info.value.errors.push_back(fmt::format(
                    "Invalid value {} for configuration {}: Class {} could not be found.",
                    it->second, type_key, it->second));
            }
        }
        return seen;
    };
    aliases_of("transforms", "transforms", plugin_type::transformation, "Transforms: ");
    auto predicates =
        aliases_of("predicates", "predicates", plugin_type::predicate, "Predicates: ");
    for (const auto& alias : split_list(value_or(config, "transforms"))) {
        std::string pk = fmt::format("transforms.{}.predicate", alias);
        if (auto it = config.find(pk); it != config.end() && !it->second.empty() &&
                                       predicates.count(trimmed(it->second)) == 0) {
            b.error(pk, fmt::format("Invalid value {} for configuration {}: Predicate '{}' not "
                                    "found in predicates",
                                    it->second, pk, it->second));
        }
    }

    if (plugin != nullptr) {
        for (const auto& k : plugin->config_keys()) {
            b.add(k);
        }
        for (const auto& p : plugin->validate(config)) {
            b.error(p.key, p.message);
        }
    }
    return b.finish(plugin != nullptr ? plugin->class_name() : cls);
}

bool is_secret_key(std::string_view key, const connector_plugin* plugin) {
    if (key.ends_with(".password") || key.ends_with(".secret") || key.ends_with(".key") ||
        key == "password" || key == "secret") {
        return true;
    }
    if (plugin != nullptr) {
        for (const auto& k : plugin->config_keys()) {
            if (k.name == key) {
                return k.type == "PASSWORD";
            }
        }
    }
    return false;
}

config_map hide_secrets(const config_map& config, const connector_plugin* plugin) {
    config_map out = config;
    for (auto& [k, v] : out) {
        if (is_secret_key(k, plugin)) {
            v = std::string(hidden_value);
        }
    }
    return out;
}

}  // namespace cs::connect
