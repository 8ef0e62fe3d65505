#pragma once

// Validation of a connector config as Connect's AbstractHerder does it:
// the worker's own connector keys (name, connector.class, tasks.max,
// converters, transforms, errors.*, and topics / topics.regex for sinks),
// each transformation's type, then the plugin's ConfigDef (required keys,
// types, recommended values) and its validate(). The result has the shape of
// PUT /connector-plugins/{class}/config/validate (ConfigInfos).
//
// Also what counts as a secret: values of keys ending in .password, .secret
// or .key (plus password, secret), and keys the plugin declares PASSWORD,
// are shown as [hidden] in every response and log line.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/plugin.h"
#include "connect/plugin_registry.h"

namespace cs::connect {

struct config_value_info {
    std::string name;
    std::optional<std::string> value;
    std::vector<std::string> recommended_values;
    std::vector<std::string> errors;
    bool visible = true;
};

struct config_info {
    config_key definition;
    int order = -1;
    config_value_info value;
};

struct config_infos {
    std::string name;  // the connector class
    int error_count = 0;
    std::vector<std::string> groups;
    std::vector<config_info> configs;

    std::vector<std::string> all_errors() const;
};

// plugin may be null when connector.class names no known plugin (the
// result then carries that error on connector.class).
config_infos validate_connector_config(const plugin_registry& plugins, const config_map& config,
                                       const connector_plugin* plugin);

// The keys every connector has (ConnectorConfig, SinkConnectorConfig or
// SourceConnectorConfig), as GET /connector-plugins/{class}/config does not
// list them but validate does.
std::vector<config_key> worker_connector_keys(plugin_type type);

bool is_secret_key(std::string_view key, const connector_plugin* plugin);
// config with every secret value replaced by "[hidden]".
config_map hide_secrets(const config_map& config, const connector_plugin* plugin);

inline constexpr std::string_view hidden_value = "[hidden]";

}  // namespace cs::connect
