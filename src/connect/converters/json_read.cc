// Reading Connect schemas and values from JSON (the sink direction of
// JsonConverter). Error messages follow Connect's DataException texts where
// Connect has one, so users searching them find the same explanations.

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "connect/converters/encoding.h"
#include "connect/converters/json_codec.h"

namespace cs::connect::json_codec {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

error data_error(std::string msg) {
    return error{errc::invalid_argument, std::move(msg)};
}

const char* node_type(const element& e) {
    switch (e.type()) {
        case element_type::ARRAY:
            return "ARRAY";
        case element_type::OBJECT:
            return "OBJECT";
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE:
            return "NUMBER";
        case element_type::STRING:
            return "STRING";
        case element_type::BOOL:
            return "BOOLEAN";
        case element_type::NULL_VALUE:
            return "NULL";
    }
    return "UNKNOWN";
}

result<schema_type> parse_type(std::string_view t) {
    static constexpr std::pair<std::string_view, schema_type> names[] = {
        {"int8", schema_type::int8},       {"int16", schema_type::int16},
        {"int32", schema_type::int32},     {"int64", schema_type::int64},
        {"float", schema_type::float32},   {"double", schema_type::float64},
        {"boolean", schema_type::boolean}, {"string", schema_type::string},
        {"bytes", schema_type::bytes},     {"array", schema_type::array},
        {"map", schema_type::map},         {"struct", schema_type::struct_},
    };
    for (const auto& [name, type] : names) {
        if (name == t) {
            return type;
        }
    }
    return data_error(fmt::format("Unknown schema type: {}", t));
}

result<int64_t> integral(const element& e, schema_type t) {
    int64_t v = 0;
    if (e.is_int64()) {
        v = e.get_int64().value_unsafe();
    } else if (e.is_double()) {
        double d = e.get_double().value_unsafe();
        if (std::trunc(d) != d || std::fabs(d) > 9.2e18) {
            return data_error(fmt::format("Invalid value {} for {} field: not an integer", d,
                                          schema_type_name(t)));
        }
        v = static_cast<int64_t>(d);
    } else if (e.is_uint64()) {
        return data_error(
            fmt::format("Invalid value for {} field: out of range", schema_type_name(t)));
    } else {
        return data_error(fmt::format("Invalid type for {}: expected a number but found {}",
                                      schema_type_name(t), node_type(e)));
    }
    int64_t lo = std::numeric_limits<int64_t>::min();
    int64_t hi = std::numeric_limits<int64_t>::max();
    if (t == schema_type::int8) {
        lo = -128, hi = 127;
    } else if (t == schema_type::int16) {
        lo = -32768, hi = 32767;
    } else if (t == schema_type::int32) {
        lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    }
    if (v < lo || v > hi) {
        return data_error(
            fmt::format("Invalid value {} for {} field: out of range", v, schema_type_name(t)));
    }
    return v;
}

// The number as decimal text: exact for integers, shortest round-trip text
// for doubles (simdjson keeps no source text; Decimals written as JSON
// numbers with more than ~15 significant digits may lose precision).
std::string number_text(const element& e) {
    if (e.is_int64()) {
        return std::to_string(e.get_int64().value_unsafe());
    }
    if (e.is_uint64()) {
        return std::to_string(e.get_uint64().value_unsafe());
    }
    std::string s;
    append_double(s, e.get_double().value_unsafe());
    return s;
}

result<data> read_logical(const schema& s, const element& e) {
    if (s.name == decimal_logical) {
        int32_t scale = 0;
        auto it = s.parameters.find("scale");
        if (it != s.parameters.end()) {
            auto [p, ec] =
                std::from_chars(it->second.data(), it->second.data() + it->second.size(), scale);
            if (ec != std::errc() || p != it->second.data() + it->second.size()) {
                return data_error(
                    fmt::format("Invalid scale parameter '{}' for Decimal", it->second));
            }
        }
        if (e.is_number()) {
            auto b = decimal_from_text(number_text(e), scale);
            if (!b) {
                return b.take_error();
            }
            return data(bytes_data{std::move(b).value()});
        }
        if (e.is_string()) {
            auto b = base64_decode(e.get_string().value_unsafe());
            if (!b) {
                return data_error("Invalid bytes for Decimal field: " + b.err().message);
            }
            return data(bytes_data{std::move(b).value()});
        }
        return data_error(fmt::format(
            "Invalid type for Decimal, underlying representation should be numeric or bytes but "
            "was {}",
            node_type(e)));
    }
    const char* what = s.name == date_logical   ? "Date"
                       : s.name == time_logical ? "Time"
                                                : "Timestamp";
    if (!e.is_int64()) {
        return data_error(
            fmt::format("Invalid type for {}, underlying representation should be {} but was {}",
                        what, s.name == timestamp_logical ? "integral" : "integer", node_type(e)));
    }
    int64_t v = e.get_int64().value_unsafe();
    if (s.name != timestamp_logical &&
        (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
        return data_error(fmt::format("Invalid value {} for {}: out of int32 range", v, what));
    }
    if (s.name == time_logical && (v < 0 || v >= 86'400'000)) {
        return data_error(
            fmt::format("Time values must use number of milliseconds greater than 0 and less than "
                        "86400000, got {}",
                        v));
    }
    return data(v);
}

bool is_logical(const schema& s) {
    return s.name == decimal_logical || s.name == date_logical || s.name == time_logical ||
           s.name == timestamp_logical;
}

result<data> read_schemaless(const element& e) {
    switch (e.type()) {
        case element_type::NULL_VALUE:
            return data();
        case element_type::BOOL:
            return data(e.get_bool().value_unsafe());
        case element_type::INT64:
            return data(e.get_int64().value_unsafe());
        case element_type::UINT64:
            // Jackson would read a BigInteger and truncate it; refuse instead.
            return data_error(
                fmt::format("Integer {} is out of the int64 range", e.get_uint64().value_unsafe()));
        case element_type::DOUBLE:
            return data(e.get_double().value_unsafe());
        case element_type::STRING:
            return data(std::string(e.get_string().value_unsafe()));
        case element_type::ARRAY: {
            data_list items;
            simdjson::dom::array arr;
            if (e.get_array().get(arr) != simdjson::SUCCESS) {
                return data_error("unexpected JSON node");
            }
            for (element item : arr) {
                auto v = read_schemaless(item);
                if (!v) {
                    return v;
                }
                items.push_back(std::move(v).value());
            }
            return data::list(std::move(items));
        }
        case element_type::OBJECT: {
            data_map entries;
            simdjson::dom::object obj;
            if (e.get_object().get(obj) != simdjson::SUCCESS) {
                return data_error("unexpected JSON node");
            }
            for (auto [k, v] : obj) {
                auto value = read_schemaless(v);
                if (!value) {
                    return value;
                }
                entries.emplace_back(data(std::string(k)), std::move(value).value());
            }
            return data::map(std::move(entries));
        }
    }
    return data_error("unknown JSON node type");
}

}  // namespace

result<schema_ptr> read_schema(element e, const options& opt) {
    if (e.is_null()) {
        return schema_ptr();
    }
    if (!e.is_object()) {
        return data_error(fmt::format("Schema must be a JSON object but was {}", node_type(e)));
    }
    auto s = std::make_shared<schema>();
    std::string_view type_name;
    if (e["type"].get_string().get(type_name) != simdjson::SUCCESS) {
        return data_error("Schema must contain 'type' field");
    }
    auto type = parse_type(type_name);
    if (!type) {
        return type.take_error();
    }
    s->type = *type;
    bool optional = false;
    if (auto o = e["optional"]; o.error() == simdjson::SUCCESS) {
        if (o.get_bool().get(optional) != simdjson::SUCCESS) {
            return data_error("Schema's 'optional' field must be a boolean");
        }
    }
    s->optional = optional;
    std::string_view sv;
    if (e["name"].get_string().get(sv) == simdjson::SUCCESS) {
        s->name = std::string(sv);
    }
    if (int64_t ver = 0; e["version"].get_int64().get(ver) == simdjson::SUCCESS) {
        s->version = static_cast<int32_t>(ver);
    }
    if (e["doc"].get_string().get(sv) == simdjson::SUCCESS) {
        s->doc = std::string(sv);
    }
    if (simdjson::dom::object params;
        e["parameters"].get_object().get(params) == simdjson::SUCCESS) {
        for (auto [k, v] : params) {
            if (!v.is_string()) {
                return data_error("Schema parameters must have string values.");
            }
            s->parameters.emplace(std::string(k), std::string(v.get_string().value_unsafe()));
        }
    }
    switch (s->type) {
        case schema_type::struct_: {
            simdjson::dom::array fields;
            if (e["fields"].get_array().get(fields) != simdjson::SUCCESS) {
                return data_error("Struct schema's \"fields\" argument is not an array.");
            }
            int32_t index = 0;
            for (element f : fields) {
                std::string_view fname;
                if (f["field"].get_string().get(fname) != simdjson::SUCCESS) {
                    return data_error("Struct schema's field name not specified properly");
                }
                auto fs = read_schema(f, opt);
                if (!fs) {
                    return fs;
                }
                s->fields.push_back(field{std::string(fname), index++, std::move(fs).value()});
            }
            break;
        }
        case schema_type::array: {
            element items;
            if (e["items"].get(items) != simdjson::SUCCESS) {
                return data_error("Array schema did not specify the element type");
            }
            auto is = read_schema(items, opt);
            if (!is) {
                return is;
            }
            s->value_schema = std::move(is).value();
            break;
        }
        case schema_type::map: {
            element keys;
            element values;
            if (e["keys"].get(keys) != simdjson::SUCCESS ||
                e["values"].get(values) != simdjson::SUCCESS) {
                return data_error("Map schema did not specify the key and value types");
            }
            auto ks = read_schema(keys, opt);
            if (!ks) {
                return ks;
            }
            auto vs = read_schema(values, opt);
            if (!vs) {
                return vs;
            }
            s->key_schema = std::move(ks).value();
            s->value_schema = std::move(vs).value();
            break;
        }
        default:
            break;
    }
    if (element def; e["default"].get(def) == simdjson::SUCCESS && !def.is_null()) {
        auto dv = read_value(s, &def, opt);
        if (!dv) {
            return data_error("Invalid default value: " + dv.err().message);
        }
        s->default_value = std::make_shared<const data>(std::move(dv).value());
    }
    return schema_ptr(std::move(s));
}

result<data> read_value(const schema_ptr& sp, const element* value, const options& opt) {
    if (!sp) {
        return value ? read_schemaless(*value) : data();
    }
    const schema& s = *sp;
    if (value == nullptr || value->is_null()) {
        if (s.default_value && opt.replace_null_with_default) {
            return *s.default_value;
        }
        if (s.optional) {
            return data();
        }
        return data_error(
            fmt::format("Invalid null value for required {} field", schema_type_name(s.type)));
    }
    const element& e = *value;
    if (is_logical(s)) {
        return read_logical(s, e);
    }
    switch (s.type) {
        case schema_type::boolean:
            if (!e.is_bool()) {
                return data_error(fmt::format("Invalid type for boolean: found {}", node_type(e)));
            }
            return data(e.get_bool().value_unsafe());
        case schema_type::int8:
        case schema_type::int16:
        case schema_type::int32:
        case schema_type::int64: {
            auto v = integral(e, s.type);
            if (!v) {
                return v.take_error();
            }
            return data(*v);
        }
        case schema_type::float32:
        case schema_type::float64:
            if (!e.is_number()) {
                return data_error(fmt::format("Invalid type for {}: found {}",
                                              schema_type_name(s.type), node_type(e)));
            }
            if (s.type == schema_type::float32) {
                return data(static_cast<double>(static_cast<float>(e.get_double().value_unsafe())));
            }
            return data(e.get_double().value_unsafe());
        case schema_type::string:
            if (!e.is_string()) {
                return data_error(fmt::format("Invalid type for string: found {}", node_type(e)));
            }
            return data(std::string(e.get_string().value_unsafe()));
        case schema_type::bytes: {
            if (!e.is_string()) {
                return data_error(fmt::format(
                    "Invalid type for bytes: expected base64 text but found {}", node_type(e)));
            }
            auto b = base64_decode(e.get_string().value_unsafe());
            if (!b) {
                return data_error("Invalid bytes field: " + b.err().message);
            }
            return data(bytes_data{std::move(b).value()});
        }
        case schema_type::array: {
            if (!e.is_array()) {
                return data_error(fmt::format(
                    "Arrays should be encoded as JSON arrays, but found {}", node_type(e)));
            }
            if (!s.value_schema) {
                return data_error("Array schema did not specify the element type");
            }
            data_list items;
            simdjson::dom::array arr;
            if (e.get_array().get(arr) != simdjson::SUCCESS) {
                return data_error("unexpected JSON node");
            }
            for (element item : arr) {
                auto v = read_value(s.value_schema, &item, opt);
                if (!v) {
                    return v;
                }
                items.push_back(std::move(v).value());
            }
            return data::list(std::move(items));
        }
        case schema_type::map: {
            data_map entries;
            if (s.key_schema && s.key_schema->type == schema_type::string &&
                !is_logical(*s.key_schema)) {
                if (!e.is_object()) {
                    return data_error(fmt::format(
                        "Maps with string fields should be encoded as JSON objects, but found {}",
                        node_type(e)));
                }
                simdjson::dom::object obj;
                if (e.get_object().get(obj) != simdjson::SUCCESS) {
                    return data_error("unexpected JSON node");
                }
                for (auto [k, v] : obj) {
                    auto value_data = read_value(s.value_schema, &v, opt);
                    if (!value_data) {
                        return value_data;
                    }
                    entries.emplace_back(data(std::string(k)), std::move(value_data).value());
                }
            } else {
                if (!e.is_array()) {
                    return data_error(fmt::format(
                        "Maps with non-string fields should be encoded as JSON array of tuples, "
                        "but found {}",
                        node_type(e)));
                }
                simdjson::dom::array arr;
                if (e.get_array().get(arr) != simdjson::SUCCESS) {
                    return data_error("unexpected JSON node");
                }
                for (element entry : arr) {
                    simdjson::dom::array pair;
                    if (entry.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2) {
                        return data_error(
                            fmt::format("Found invalid map entry instead of array tuple: {}",
                                        node_type(entry)));
                    }
                    element k = pair.at(0).value_unsafe();
                    element v = pair.at(1).value_unsafe();
                    auto kd = read_value(s.key_schema, &k, opt);
                    if (!kd) {
                        return kd;
                    }
                    auto vd = read_value(s.value_schema, &v, opt);
                    if (!vd) {
                        return vd;
                    }
                    entries.emplace_back(std::move(kd).value(), std::move(vd).value());
                }
            }
            return data::map(std::move(entries));
        }
        case schema_type::struct_: {
            if (!e.is_object()) {
                return data_error(fmt::format(
                    "Structs should be encoded as JSON objects, but found {}", node_type(e)));
            }
            struct_data st{sp, {}};
            st.values.reserve(s.fields.size());
            simdjson::dom::object obj;
            if (e.get_object().get(obj) != simdjson::SUCCESS) {
                return data_error("unexpected JSON node");
            }
            for (const auto& f : s.fields) {
                element fv;
                bool present = obj.at_key(f.name).get(fv) == simdjson::SUCCESS;
                auto v = read_value(f.schema, present ? &fv : nullptr, opt);
                if (!v) {
                    return data_error(fmt::format("field '{}': {}", f.name, v.err().message));
                }
                st.values.push_back(std::move(v).value());
            }
            return data::struct_(std::move(st));
        }
    }
    return data_error("unknown schema type");
}

}  // namespace cs::connect::json_codec
