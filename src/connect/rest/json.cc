#include "connect/rest/json.h"

#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "connect/converters/json_codec.h"
#include "connect/data_json.h"
#include "formats/json_writer.h"

namespace cs::connect::rest {

result<data> parse_json(std::string_view text) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    auto err = parser.parse(text.data(), text.size(), true).get(root);
    if (err != simdjson::SUCCESS) {
        return error{errc::invalid_argument, simdjson::error_message(err)};
    }
    // Schemaless, as JsonConverter reads a body without a schema envelope.
    return json_codec::read_value(nullptr, &root, {});
}

void append_json(std::string& out, const data& value) {
    append_plain_json(out, value);
}

std::string to_json(const data& value) {
    std::string out;
    append_json(out, value);
    return out;
}

void append_json(std::string& out, const config_map& config) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : config) {
        if (!first) {
            out += ',';
        }
        first = false;
        formats::append_json_string(out, k);
        out += ':';
        formats::append_json_string(out, v);
    }
    out += '}';
}

const data* find_member(const data& v, std::string_view key) {
    if (!v.is_map()) {
        return nullptr;
    }
    for (const auto& [k, val] : v.as_map()) {
        if (k.is_string() && k.as_string() == key) {
            return &val;
        }
    }
    return nullptr;
}

result<config_map> to_config_map(const data& v, std::vector<std::string>* nulls) {
    if (!v.is_map()) {
        return error{errc::invalid_argument, "expected a JSON object of configuration values"};
    }
    config_map out;
    for (const auto& [k, val] : v.as_map()) {
        const std::string& key = k.as_string();
        if (val.is_null()) {
            if (nulls != nullptr) {
                nulls->push_back(key);
            }
        } else if (val.is_string()) {
            out[key] = val.as_string();
        } else if (val.is_bool() || val.is_int() || val.is_double()) {
            out[key] = to_json(val);
        } else {
            return error{errc::invalid_argument,
                         fmt::format("configuration value of {} must be a string", key)};
        }
    }
    return out;
}

}  // namespace cs::connect::rest
