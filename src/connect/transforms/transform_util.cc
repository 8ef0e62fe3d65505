#include "connect/transforms/transform_util.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::connect::smt {

namespace {

const char* java_class_of(const data& v) {
    if (v.is_null()) {
        return "null";
    }
    if (v.is_bool()) {
        return "java.lang.Boolean";
    }
    if (v.is_int()) {
        return "java.lang.Long";
    }
    if (v.is_double()) {
        return "java.lang.Double";
    }
    if (v.is_string()) {
        return "java.lang.String";
    }
    if (v.is_bytes()) {
        return "[B";
    }
    if (v.is_list()) {
        return "java.util.ArrayList";
    }
    if (v.is_map()) {
        return "java.util.HashMap";
    }
    return "org.apache.kafka.connect.data.Struct";
}

std::string trim(std::string_view s) {
    return std::string(trim_java(s));
}

}  // namespace

error data_error(std::string message) {
    return error{errc::invalid_argument, std::move(message)};
}

error config_error(std::string key, std::string value, std::string message) {
    return error{errc::invalid_argument,
                 fmt::format("Invalid value {} for configuration {}: {}", value, key, message)};
}

status require_struct(const schema_ptr& s, const data& v, std::string_view purpose) {
    if (!s || s->type != schema_type::struct_) {
        return data_error(fmt::format("Only Struct objects supported for [{}], found: {}", purpose,
                                      java_class_of(v)));
    }
    if (!v.is_struct()) {
        return data_error(fmt::format("Only Struct objects supported for [{}], found: {}", purpose,
                                      java_class_of(v)));
    }
    return {};
}

status require_map(const data& v, std::string_view purpose) {
    if (!v.is_map()) {
        return data_error(
            fmt::format("Only Map objects supported in absence of schema for [{}], found: {}",
                        purpose, java_class_of(v)));
    }
    return {};
}

std::shared_ptr<schema> copy_schema_basics(const schema& s) {
    auto out = std::make_shared<schema>();
    out->type = s.type;
    out->optional = s.optional;
    out->name = s.name;
    out->version = s.version;
    out->doc = s.doc;
    out->parameters = s.parameters;
    out->key_schema = s.key_schema;
    out->value_schema = s.value_schema;
    return out;
}

schema_ptr make_schema(schema_type t, bool optional, std::string name) {
    auto s = std::make_shared<schema>();
    s->type = t;
    s->optional = optional;
    s->name = std::move(name);
    if (!s->name.empty()) {
        s->version = 1;
    }
    return s;
}

std::string get_or(const config_map& c, const std::string& key, std::string def) {
    auto it = c.find(key);
    return it == c.end() ? def : it->second;
}

std::vector<std::string> get_list(const config_map& c, const std::string& key) {
    std::vector<std::string> out;
    auto it = c.find(key);
    if (it == c.end()) {
        return out;
    }
    std::string_view s = it->second;
    while (!s.empty()) {
        size_t comma = s.find(',');
        std::string item = trim(s.substr(0, comma));
        if (!item.empty()) {
            out.push_back(std::move(item));
        }
        if (comma == std::string_view::npos) {
            break;
        }
        s.remove_prefix(comma + 1);
    }
    return out;
}

result<std::string> get_required(const config_map& c, const std::string& key) {
    auto it = c.find(key);
    if (it == c.end() || trim(it->second).empty()) {
        return error{
            errc::invalid_argument,
            fmt::format("Missing required configuration \"{}\" which has no default value.", key)};
    }
    return it->second;
}

result<std::vector<std::string>> get_required_list(const config_map& c, const std::string& key) {
    if (auto raw = get_required(c, key); !raw) {
        return raw.take_error();
    }
    auto items = get_list(c, key);
    if (items.empty()) {
        return config_error(key, "[]", "Empty list");
    }
    return items;
}

result<bool> get_bool(const config_map& c, const std::string& key, bool def) {
    auto it = c.find(key);
    if (it == c.end()) {
        return def;
    }
    if (auto b = parse_config_boolean(it->second)) {
        return *b;
    }
    return config_error(key, it->second, "Expected value to be either true or false");
}

const data* map_get(const data_map& m, std::string_view key) {
    for (const auto& [k, v] : m) {
        if (k.is_string() && k.as_string() == key) {
            return &v;
        }
    }
    return nullptr;
}

}  // namespace cs::connect::smt
