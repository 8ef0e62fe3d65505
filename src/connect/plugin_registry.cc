#include "connect/plugin_registry.h"

#include <algorithm>

namespace cs::connect {
namespace {

std::string_view simple_name(std::string_view class_name) {
    size_t dot = class_name.rfind('.');
    return dot == std::string_view::npos ? class_name : class_name.substr(dot + 1);
}

// The entry whose class name or alias is name; nullptr when none or when
// the alias is shared by several classes (Connect refuses ambiguous aliases).
template <class Map, class AliasFn>
const typename Map::mapped_type* lookup(const Map& m, std::string_view name, AliasFn aliases) {
    if (auto it = m.find(name); it != m.end()) {
        return &it->second;
    }
    const typename Map::mapped_type* found = nullptr;
    for (const auto& [cls, entry] : m) {
        for (std::string_view a : aliases(cls)) {
            if (a == name) {
                if (found != nullptr && found != &entry) {
                    return nullptr;
                }
                found = &entry;
            }
        }
    }
    return found;
}

std::vector<std::string_view> connector_aliases(std::string_view cls) {
    std::string_view simple = simple_name(cls);
    std::vector<std::string_view> out{simple};
    if (simple.size() > 9 && simple.ends_with("Connector")) {
        out.push_back(simple.substr(0, simple.size() - 9));
    }
    return out;
}

std::vector<std::string_view> simple_alias(std::string_view cls) {
    return {simple_name(cls)};
}

}  // namespace

const char* plugin_type_name(plugin_type t) {
    switch (t) {
        case plugin_type::sink:
            return "sink";
        case plugin_type::source:
            return "source";
        case plugin_type::transformation:
            return "transformation";
        case plugin_type::predicate:
            return "predicate";
        case plugin_type::converter:
            return "converter";
    }
    return "unknown";
}

void plugin_registry::add_connector(std::shared_ptr<const connector_plugin> plugin) {
    std::string name = plugin->class_name();
    connectors_[name] = std::move(plugin);
}

void plugin_registry::add_transformation(std::string class_name, std::string version,
                                         transformation_factory factory, plugin_type type) {
    transform_entry e{{class_name, type, std::move(version)}, std::move(factory)};
    transforms_[std::move(class_name)] = std::move(e);
}

void plugin_registry::add_converter(std::string class_name, std::string version) {
    plugin_info info{class_name, plugin_type::converter, std::move(version)};
    converters_[std::move(class_name)] = std::move(info);
}

std::shared_ptr<const connector_plugin> plugin_registry::find_connector(
    std::string_view name) const {
    const auto* p = lookup(connectors_, name, connector_aliases);
    return p == nullptr ? nullptr : *p;
}

const transformation_factory* plugin_registry::find_transformation(std::string_view name,
                                                                   plugin_type type) const {
    const auto* e = lookup(transforms_, name, simple_alias);
    if (e == nullptr || e->info.type != type) {
        return nullptr;
    }
    return &e->factory;
}

bool plugin_registry::has_converter(std::string_view name) const {
    return lookup(converters_, name, simple_alias) != nullptr;
}

std::vector<plugin_info> plugin_registry::connectors() const {
    std::vector<plugin_info> out;
    for (const auto& [cls, p] : connectors_) {
        out.push_back({cls, p->type(), p->version()});
    }
    return out;
}

std::vector<plugin_info> plugin_registry::all() const {
    std::vector<plugin_info> out = connectors();
    for (const auto& [cls, e] : transforms_) {
        out.push_back(e.info);
    }
    for (const auto& [cls, info] : converters_) {
        out.push_back(info);
    }
    return out;
}

}  // namespace cs::connect
