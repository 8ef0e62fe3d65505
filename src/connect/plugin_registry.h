#pragma once

// The plugins a worker knows, by class name: connectors (JDBC sink/source,
// S3 sink, ...), transformations and predicates. Built-in code registers
// itself at start-up (the connect command calls each module's register
// function); tests register fixtures into their own registry.
//
// Look-ups accept Connect's plugin aliases: the simple class name
// ("JdbcSinkConnector") and, for connectors, the simple name without the
// "Connector" suffix ("JdbcSink"), when no other plugin has the same alias.
//
// Thread-safety: fill the registry before the herder starts; afterwards it
// is only read (from any thread).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/plugin.h"

namespace cs::connect {

using transformation_factory = std::function<std::unique_ptr<transformation>()>;

struct plugin_info {
    std::string class_name;
    plugin_type type = plugin_type::sink;
    std::string version;
};

// "sink", "source", "transformation", "predicate", "converter" (as Connect's
// PluginType prints itself in REST responses).
const char* plugin_type_name(plugin_type t);

class plugin_registry {
  public:
    void add_connector(std::shared_ptr<const connector_plugin> plugin);
    // type is transformation or predicate. A predicate's factory may be
    // empty: the task runtime makes predicates itself (transforms.h); the
    // registry knows their names for validation and listing.
    void add_transformation(std::string class_name, std::string version,
                            transformation_factory factory,
                            plugin_type type = plugin_type::transformation);
    // Converters are implemented by the runtime; listed here so validation
    // and GET /connector-plugins?connectorsOnly=false know them.
    void add_converter(std::string class_name, std::string version);

    // By class name or alias; nullptr when unknown or ambiguous.
    std::shared_ptr<const connector_plugin> find_connector(std::string_view name) const;
    const transformation_factory* find_transformation(std::string_view name,
                                                      plugin_type type) const;
    bool has_converter(std::string_view name) const;

    // Sorted by class name.
    std::vector<plugin_info> connectors() const;
    std::vector<plugin_info> all() const;  // connectors first, then the rest

  private:
    struct transform_entry {
        plugin_info info;
        transformation_factory factory;
    };
    std::map<std::string, std::shared_ptr<const connector_plugin>, std::less<>> connectors_;
    std::map<std::string, transform_entry, std::less<>> transforms_;
    std::map<std::string, plugin_info, std::less<>> converters_;
};

}  // namespace cs::connect
