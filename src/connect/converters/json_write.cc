// Writing Connect schemas and values as JSON (the source direction of
// JsonConverter), in Connect's key order: type, fields/items/keys+values,
// optional, name, version, doc, parameters, default.

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "connect/converters/encoding.h"
#include "connect/converters/json_codec.h"
#include "formats/json_writer.h"

namespace cs::connect::json_codec {

namespace {

error data_error(std::string msg) {
    return error{errc::invalid_argument, std::move(msg)};
}

void append_float(std::string& out, float f) {
    if (!std::isfinite(f)) {
        append_double(out, static_cast<double>(f));
        return;
    }
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, f);
    std::string_view s(buf, static_cast<size_t>(p - buf));
    out += s;
    if (s.find_first_of(".eE") == std::string_view::npos) {
        out += ".0";
    }
}

const char* kind_of(const data& v) {
    if (v.is_bool()) {
        return "boolean";
    }
    if (v.is_int()) {
        return "integer";
    }
    if (v.is_double()) {
        return "floating point";
    }
    if (v.is_string()) {
        return "string";
    }
    if (v.is_bytes()) {
        return "bytes";
    }
    if (v.is_list()) {
        return "list";
    }
    if (v.is_map()) {
        return "map";
    }
    return "struct";
}

error mismatch(const schema& s, const data& v) {
    return data_error(fmt::format("Invalid Java object for schema type {}: {} value",
                                  schema_type_name(s.type), kind_of(v)));
}

status write_schemaless(std::string& out, const data& v, const options& opt) {
    if (v.is_null()) {
        out += "null";
    } else if (v.is_bool()) {
        out += v.as_bool() ? "true" : "false";
    } else if (v.is_int()) {
        out += std::to_string(v.as_int());
    } else if (v.is_double()) {
        append_double(out, v.as_double());
    } else if (v.is_string()) {
        formats::append_json_string(out, v.as_string());
    } else if (v.is_bytes()) {
        out += '"';
        out += base64_encode(v.as_bytes().data);
        out += '"';
    } else if (v.is_list()) {
        out += '[';
        bool first = true;
        for (const auto& item : v.as_list()) {
            if (!first) {
                out += ',';
            }
            first = false;
            if (auto st = write_schemaless(out, item, opt); !st) {
                return st;
            }
        }
        out += ']';
    } else if (v.is_map()) {
        bool object_mode = true;
        for (const auto& [k, _] : v.as_map()) {
            object_mode = object_mode && k.is_string();
        }
        out += object_mode ? '{' : '[';
        bool first = true;
        for (const auto& [k, val] : v.as_map()) {
            if (!first) {
                out += ',';
            }
            first = false;
            if (object_mode) {
                formats::append_json_string(out, k.as_string());
                out += ':';
            } else {
                out += '[';
                if (auto st = write_schemaless(out, k, opt); !st) {
                    return st;
                }
                out += ',';
            }
            if (auto st = write_schemaless(out, val, opt); !st) {
                return st;
            }
            if (!object_mode) {
                out += ']';
            }
        }
        out += object_mode ? '}' : ']';
    } else {
        // A Struct carries its own schema; Connect would insist on a matching
        // schema, but writing it is the useful reading of "no schema given".
        const auto& st = v.as_struct();
        return write_value(out, st.schema, v, opt);
    }
    return {};
}

int32_t decimal_scale(const schema& s) {
    auto it = s.parameters.find("scale");
    int32_t scale = 0;
    if (it != s.parameters.end()) {
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), scale);
    }
    return scale;
}

}  // namespace

void append_double(std::string& out, double d) {
    if (std::isnan(d)) {
        out += "\"NaN\"";
        return;
    }
    if (std::isinf(d)) {
        out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        return;
    }
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view s(buf, static_cast<size_t>(p - buf));
    out += s;
    if (s.find_first_of(".eE") == std::string_view::npos) {
        out += ".0";
    }
}

void write_schema(std::string& out, const schema& s, const options& opt) {
    out += "{\"type\":\"";
    out += schema_type_name(s.type);
    out += '"';
    if (s.type == schema_type::struct_) {
        out += ",\"fields\":[";
        bool first = true;
        for (const auto& f : s.fields) {
            if (!first) {
                out += ',';
            }
            first = false;
            std::string fs;
            write_schema(fs, *f.schema, opt);
            fs.pop_back();  // reopen the object to append "field"
            out += fs;
            out += ",\"field\":";
            formats::append_json_string(out, f.name);
            out += '}';
        }
        out += ']';
    } else if (s.type == schema_type::array && s.value_schema) {
        out += ",\"items\":";
        write_schema(out, *s.value_schema, opt);
    } else if (s.type == schema_type::map && s.key_schema && s.value_schema) {
        out += ",\"keys\":";
        write_schema(out, *s.key_schema, opt);
        out += ",\"values\":";
        write_schema(out, *s.value_schema, opt);
    }
    out += s.optional ? ",\"optional\":true" : ",\"optional\":false";
    if (!s.name.empty()) {
        out += ",\"name\":";
        formats::append_json_string(out, s.name);
    }
    if (s.version) {
        out += ",\"version\":";
        out += std::to_string(*s.version);
    }
    if (s.doc) {
        out += ",\"doc\":";
        formats::append_json_string(out, *s.doc);
    }
    if (!s.parameters.empty()) {
        out += ",\"parameters\":{";
        bool first = true;
        for (const auto& [k, v] : s.parameters) {
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
    if (s.default_value) {
        std::string def;
        auto self = std::make_shared<schema>(s);
        self->default_value.reset();
        if (write_value(def, self, *s.default_value, opt)) {
            out += ",\"default\":";
            out += def;
        }
    }
    out += '}';
}

status write_value(std::string& out, const schema_ptr& sp, const data& v, const options& opt) {
    if (!sp) {
        return write_schemaless(out, v, opt);
    }
    const schema& s = *sp;
    if (v.is_null()) {
        if (s.default_value && opt.replace_null_with_default) {
            return write_value(out, sp, *s.default_value, opt);
        }
        if (s.optional) {
            out += "null";
            return {};
        }
        return data_error(
            "Conversion error: null value for field that is required and has no default value");
    }
    if (s.name == decimal_logical) {
        if (!v.is_bytes()) {
            return data_error("Invalid type for Decimal, expected unscaled bytes");
        }
        if (opt.decimals == decimal_format::numeric) {
            out += decimal_to_text(v.as_bytes().data, decimal_scale(s));
        } else {
            out += '"';
            out += base64_encode(v.as_bytes().data);
            out += '"';
        }
        return {};
    }
    switch (s.type) {
        case schema_type::boolean:
            if (!v.is_bool()) {
                return mismatch(s, v);
            }
            out += v.as_bool() ? "true" : "false";
            return {};
        case schema_type::int8:
        case schema_type::int16:
        case schema_type::int32:
        case schema_type::int64:
            if (!v.is_int()) {
                return mismatch(s, v);
            }
            out += std::to_string(v.as_int());
            return {};
        case schema_type::float32:
        case schema_type::float64: {
            double d = 0;
            if (v.is_double()) {
                d = v.as_double();
            } else if (v.is_int()) {
                d = static_cast<double>(v.as_int());
            } else {
                return mismatch(s, v);
            }
            if (s.type == schema_type::float32) {
                append_float(out, static_cast<float>(d));
            } else {
                append_double(out, d);
            }
            return {};
        }
        case schema_type::string:
            if (!v.is_string()) {
                return mismatch(s, v);
            }
            formats::append_json_string(out, v.as_string());
            return {};
        case schema_type::bytes:
            if (!v.is_bytes()) {
                return mismatch(s, v);
            }
            out += '"';
            out += base64_encode(v.as_bytes().data);
            out += '"';
            return {};
        case schema_type::array: {
            if (!v.is_list()) {
                return mismatch(s, v);
            }
            out += '[';
            bool first = true;
            for (const auto& item : v.as_list()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                if (auto st = write_value(out, s.value_schema, item, opt); !st) {
                    return st;
                }
            }
            out += ']';
            return {};
        }
        case schema_type::map: {
            if (!v.is_map()) {
                return mismatch(s, v);
            }
            bool object_mode = s.key_schema && s.key_schema->type == schema_type::string;
            out += object_mode ? '{' : '[';
            bool first = true;
            for (const auto& [k, val] : v.as_map()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                if (object_mode) {
                    if (!k.is_string()) {
                        return mismatch(*s.key_schema, k);
                    }
                    formats::append_json_string(out, k.as_string());
                    out += ':';
                } else {
                    out += '[';
                    if (auto st = write_value(out, s.key_schema, k, opt); !st) {
                        return st;
                    }
                    out += ',';
                }
                if (auto st = write_value(out, s.value_schema, val, opt); !st) {
                    return st;
                }
                if (!object_mode) {
                    out += ']';
                }
            }
            out += object_mode ? '}' : ']';
            return {};
        }
        case schema_type::struct_: {
            if (!v.is_struct()) {
                return mismatch(s, v);
            }
            const auto& st = v.as_struct();
            out += '{';
            for (size_t i = 0; i < s.fields.size(); ++i) {
                const auto& f = s.fields[i];
                if (i > 0) {
                    out += ',';
                }
                formats::append_json_string(out, f.name);
                out += ':';
                const data* fv = st.get(f.name);
                data null_value;
                if (auto r = write_value(out, f.schema, fv ? *fv : null_value, opt); !r) {
                    return data_error(fmt::format("field '{}': {}", f.name, r.message()));
                }
            }
            out += '}';
            return {};
        }
    }
    return data_error("unknown schema type");
}

}  // namespace cs::connect::json_codec
