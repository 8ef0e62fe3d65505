// JsonConverter, StringConverter and ByteArrayConverter, and the factory
// that picks one by Connect class name.

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"
#include "connect/converters/converter.h"
#include "connect/converters/json_codec.h"

namespace cs::connect {

namespace {

error data_error(std::string msg) {
    return error{errc::invalid_argument, std::move(msg)};
}

result<bool> bool_setting(const config_map& cfg, const std::string& key, bool def) {
    auto it = cfg.find(key);
    if (it == cfg.end()) {
        return def;
    }
    if (auto b = parse_config_boolean(it->second)) {
        return *b;
    }
    return data_error(
        fmt::format("Invalid value {} for configuration {}: Expected value to be "
                    "either true or false",
                    it->second, key));
}

schema_ptr optional_schema(schema_type t) {
    auto s = std::make_shared<schema>();
    s->type = t;
    s->optional = true;
    return s;
}

class json_converter final : public converter {
  public:
    status configure(const config_map& cfg) {
        auto se = bool_setting(cfg, "schemas.enable", true);
        if (!se) {
            return se.take_error();
        }
        schemas_enabled_ = *se;
        auto rn = bool_setting(cfg, "replace.null.with.default", true);
        if (!rn) {
            return rn.take_error();
        }
        opt_.replace_null_with_default = *rn;
        if (auto it = cfg.find("decimal.format"); it != cfg.end()) {
            std::string f = ascii_lower(it->second);
            if (f == "base64") {
                opt_.decimals = json_codec::decimal_format::base64;
            } else if (f == "numeric") {
                opt_.decimals = json_codec::decimal_format::numeric;
            } else {
                return data_error(fmt::format(
                    "Invalid value {} for configuration decimal.format: String must be one of "
                    "(case insensitive): BASE64, NUMERIC",
                    it->second));
            }
        }
        return {};
    }

    result<schema_and_value> to_connect(std::string_view topic,
                                        std::optional<std::string_view> bytes) override {
        if (!bytes || bytes->empty()) {
            return schema_and_value{};
        }
        buffer_ = simdjson::padded_string(*bytes);
        simdjson::dom::element root;
        if (auto e = parser_.parse(buffer_).get(root); e != simdjson::SUCCESS) {
            return data_error(
                fmt::format("Converting byte[] to Kafka Connect data failed due to "
                            "serialization error of topic {}: {}",
                            topic, simdjson::error_message(e)));
        }
        if (!schemas_enabled_) {
            auto v = json_codec::read_value(nullptr, &root, opt_);
            if (!v) {
                return v.take_error();
            }
            return schema_and_value{nullptr, std::move(v).value()};
        }
        simdjson::dom::object obj;
        simdjson::dom::element schema_node;
        simdjson::dom::element payload;
        if (root.get_object().get(obj) != simdjson::SUCCESS || obj.size() != 2 ||
            obj.at_key("schema").get(schema_node) != simdjson::SUCCESS ||
            obj.at_key("payload").get(payload) != simdjson::SUCCESS) {
            return data_error(
                "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and "
                "may not contain additional fields. If you are trying to deserialize plain JSON "
                "data, set schemas.enable=false in your converter configuration.");
        }
        auto s = json_codec::read_schema(schema_node, opt_);
        if (!s) {
            return s.take_error();
        }
        auto v = json_codec::read_value(*s, &payload, opt_);
        if (!v) {
            return v.take_error();
        }
        return schema_and_value{std::move(s).value(), std::move(v).value()};
    }

    result<std::optional<std::string>> from_connect(std::string_view, const schema_ptr& s,
                                                    const data& value) override {
        if (!s && value.is_null()) {
            return std::optional<std::string>();
        }
        std::string out;
        if (schemas_enabled_) {
            out += "{\"schema\":";
            if (s) {
                json_codec::write_schema(out, *s, opt_);
            } else {
                out += "null";
            }
            out += ",\"payload\":";
        }
        if (auto st = json_codec::write_value(out, s, value, opt_); !st) {
            return st.err();
        }
        if (schemas_enabled_) {
            out += '}';
        }
        return std::optional<std::string>(std::move(out));
    }

  private:
    bool schemas_enabled_ = true;
    json_codec::options opt_;
    simdjson::dom::parser parser_;
    simdjson::padded_string buffer_;
};

// Java's toString() of a Connect value, which StringConverter writes.
void java_string(std::string& out, const data& v) {
    if (v.is_null()) {
        out += "null";
    } else if (v.is_bool()) {
        out += v.as_bool() ? "true" : "false";
    } else if (v.is_int()) {
        out += std::to_string(v.as_int());
    } else if (v.is_double()) {
        json_codec::append_double(out, v.as_double());
    } else if (v.is_string()) {
        out += v.as_string();
    } else if (v.is_bytes()) {
        out += v.as_bytes().data;
    } else if (v.is_list()) {
        out += '[';
        bool first = true;
        for (const auto& item : v.as_list()) {
            out += first ? "" : ", ";
            first = false;
            java_string(out, item);
        }
        out += ']';
    } else if (v.is_map()) {
        out += '{';
        bool first = true;
        for (const auto& [k, val] : v.as_map()) {
            out += first ? "" : ", ";
            first = false;
            java_string(out, k);
            out += '=';
            java_string(out, val);
        }
        out += '}';
    } else {
        // Struct.toString(): "Struct{a=1,b=x}", null fields left out.
        const auto& st = v.as_struct();
        out += "Struct{";
        bool first = true;
        for (size_t i = 0; st.schema && i < st.schema->fields.size(); ++i) {
            if (st.values[i].is_null()) {
                continue;
            }
            out += first ? "" : ",";
            first = false;
            out += st.schema->fields[i].name;
            out += '=';
            java_string(out, st.values[i]);
        }
        out += '}';
    }
}

class string_converter final : public converter {
  public:
    status configure(const config_map& cfg) {
        auto it = cfg.find("converter.encoding");
        if (it != cfg.end()) {
            std::string enc = ascii_lower(it->second);
            if (enc != "utf8" && enc != "utf-8") {
                return error{
                    errc::unsupported,
                    fmt::format("converter.encoding={} is not supported (only UTF8)", it->second)};
            }
        }
        return {};
    }
    result<schema_and_value> to_connect(std::string_view,
                                        std::optional<std::string_view> bytes) override {
        if (!bytes) {
            return schema_and_value{optional_schema(schema_type::string), data()};
        }
        return schema_and_value{optional_schema(schema_type::string), data(std::string(*bytes))};
    }
    result<std::optional<std::string>> from_connect(std::string_view, const schema_ptr&,
                                                    const data& value) override {
        if (value.is_null()) {
            return std::optional<std::string>();
        }
        std::string out;
        java_string(out, value);
        return std::optional<std::string>(std::move(out));
    }
};

class byte_array_converter final : public converter {
  public:
    result<schema_and_value> to_connect(std::string_view,
                                        std::optional<std::string_view> bytes) override {
        if (!bytes) {
            return schema_and_value{optional_schema(schema_type::bytes), data()};
        }
        return schema_and_value{optional_schema(schema_type::bytes),
                                data(bytes_data{std::string(*bytes)})};
    }
    result<std::optional<std::string>> from_connect(std::string_view, const schema_ptr& s,
                                                    const data& value) override {
        if (s && s->type != schema_type::bytes) {
            return data_error(fmt::format("Invalid schema type for ByteArrayConverter: {}",
                                          schema_type_name(s->type)));
        }
        if (value.is_null()) {
            return std::optional<std::string>();
        }
        if (!value.is_bytes()) {
            return data_error("ByteArrayConverter is not compatible with objects of this type");
        }
        return std::optional<std::string>(value.as_bytes().data);
    }
};

}  // namespace

result<std::unique_ptr<converter>> make_converter(const converter_spec& spec, bool) {
    if (spec.class_name == json_converter_class) {
        auto c = std::make_unique<json_converter>();
        if (auto st = c->configure(spec.config); !st) {
            return st.err();
        }
        return std::unique_ptr<converter>(std::move(c));
    }
    if (spec.class_name == string_converter_class) {
        auto c = std::make_unique<string_converter>();
        if (auto st = c->configure(spec.config); !st) {
            return st.err();
        }
        return std::unique_ptr<converter>(std::move(c));
    }
    if (spec.class_name == byte_array_converter_class) {
        return std::unique_ptr<converter>(std::make_unique<byte_array_converter>());
    }
    return error{
        errc::not_found,
        fmt::format("Converter class {} was not found (supported: {}, {}, {})", spec.class_name,
                    json_converter_class, string_converter_class, byte_array_converter_class)};
}

}  // namespace cs::connect
