// Cast$Key / Cast$Value (org.apache.kafka.connect.transforms.Cast): casts
// fields, or the whole key/value, to a primitive type. Numbers narrow the
// way Java's Number.byteValue()... do (truncation, then two's complement
// wrap), booleans cast to 1/0 and from "true"/non-zero, strings parse.

#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"
#include "connect/converters/encoding.h"
#include "connect/converters/json_codec.h"
#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::smt {

namespace {

result<schema_type> parse_cast_type(std::string t, const std::string& spec) {
    t = ascii_lower(t);
    static const std::map<std::string, schema_type> types = {
        {"int8", schema_type::int8},       {"int16", schema_type::int16},
        {"int32", schema_type::int32},     {"int64", schema_type::int64},
        {"float32", schema_type::float32}, {"float64", schema_type::float64},
        {"boolean", schema_type::boolean}, {"string", schema_type::string},
    };
    auto it = types.find(t);
    if (it == types.end()) {
        return config_error("spec", spec, "Invalid type found in casting spec: " + t);
    }
    return it->second;
}

int64_t narrow(int64_t v, schema_type t) {
    switch (t) {
        case schema_type::int8:
            return static_cast<int8_t>(static_cast<uint8_t>(static_cast<uint64_t>(v) & 0xff));
        case schema_type::int16:
            return static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint64_t>(v) & 0xffff));
        case schema_type::int32:
            return static_cast<int32_t>(
                static_cast<uint32_t>(static_cast<uint64_t>(v) & 0xffffffffu));
        default:
            return v;
    }
}

// Java's (long) cast of a double: truncation, NaN -> 0, saturating.
int64_t java_long(double d) {
    if (std::isnan(d)) {
        return 0;
    }
    if (d >= 9.223372036854775807e18) {
        return INT64_MAX;
    }
    if (d <= -9.223372036854775808e18) {
        return INT64_MIN;
    }
    return static_cast<int64_t>(d);
}

// The value as a number (Decimals through their text), for numeric casts.
result<data> logical_to_plain(const schema_ptr& s, const data& v) {
    if (s && s->name == decimal_logical && v.is_bytes()) {
        int32_t scale = 0;
        if (auto it = s->parameters.find("scale"); it != s->parameters.end()) {
            std::from_chars(it->second.data(), it->second.data() + it->second.size(), scale);
        }
        return data(std::string(decimal_to_text(v.as_bytes().data, scale)));
    }
    return v;
}

result<data> cast_value(const schema_ptr& s, const data& in, schema_type target) {
    if (in.is_null()) {
        return data();
    }
    auto plain = logical_to_plain(s, in);
    if (!plain) {
        return plain;
    }
    const data& v = *plain;
    bool decimal_text = s && s->name == decimal_logical;
    switch (target) {
        case schema_type::int8:
        case schema_type::int16:
        case schema_type::int32:
        case schema_type::int64: {
            if (v.is_int()) {
                return data(narrow(v.as_int(), target));
            }
            if (v.is_double()) {
                return data(narrow(java_long(v.as_double()), target));
            }
            if (v.is_bool()) {
                return data(int64_t{v.as_bool() ? 1 : 0});
            }
            if (v.is_string()) {
                std::string t(trim_blanks(v.as_string()));
                if (decimal_text) {
                    return data(narrow(java_long(std::strtod(t.c_str(), nullptr)), target));
                }
                int64_t out = 0;
                auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
                if (ec != std::errc() || p != t.data() + t.size() || t.empty() ||
                    narrow(out, target) != out) {
                    return data_error(fmt::format("Value '{}' cannot be cast to {}: not a number",
                                                  v.as_string(), schema_type_name(target)));
                }
                return data(out);
            }
            break;
        }
        case schema_type::float32:
        case schema_type::float64: {
            double d = 0;
            if (v.is_int()) {
                d = static_cast<double>(v.as_int());
            } else if (v.is_double()) {
                d = v.as_double();
            } else if (v.is_bool()) {
                d = v.as_bool() ? 1 : 0;
            } else if (v.is_string()) {
                std::string t(trim_blanks(v.as_string()));
                char* end = nullptr;
                d = std::strtod(t.c_str(), &end);
                if (t.empty() || end != t.c_str() + t.size()) {
                    return data_error(fmt::format("Value '{}' cannot be cast to {}: not a number",
                                                  v.as_string(), schema_type_name(target)));
                }
            } else {
                break;
            }
            if (target == schema_type::float32) {
                d = static_cast<double>(static_cast<float>(d));
            }
            return data(d);
        }
        case schema_type::boolean:
            if (v.is_int()) {
                return data(v.as_int() != 0);
            }
            if (v.is_double()) {
                return data(java_long(v.as_double()) != 0);
            }
            if (v.is_bool()) {
                return v;
            }
            if (v.is_string()) {
                return data(ascii_iequals(v.as_string(), "true"));  // Boolean.parseBoolean
            }
            break;
        case schema_type::string: {
            if (v.is_string()) {
                return v;
            }
            if (v.is_bytes()) {
                return data(base64_encode(v.as_bytes().data));
            }
            std::string out;
            if (v.is_double() && s && s->type == schema_type::float32) {
                out = fmt::format("{}", static_cast<float>(v.as_double()));
                if (out.find_first_of(".e") == std::string::npos) {
                    out += ".0";
                }
                return data(std::move(out));
            }
            // Numbers and booleans as Java prints them; complex values as
            // JSON (what Connect's Values.convertToString gives).
            json_codec::options opt;
            if (auto st = json_codec::write_value(out, v.is_struct() ? s : nullptr, v, opt); !st) {
                return st.err();
            }
            return data(std::move(out));
        }
        default:
            break;
    }
    return data_error(fmt::format("Unexpected type in Cast transformation: cannot cast {} to {}",
                                  s ? schema_type_name(s->type) : "schemaless value",
                                  schema_type_name(target)));
}

bool castable_source(const schema& s, schema_type target) {
    switch (s.type) {
        case schema_type::array:
        case schema_type::map:
        case schema_type::struct_:
        case schema_type::bytes:
            return target == schema_type::string || s.name == decimal_logical;
        default:
            return true;
    }
}

class cast final : public transformation {
  public:
    explicit cast(side s) : side_(s) {}

    status configure(const config_map& c) override {
        auto raw = get_required(c, "spec");
        if (!raw) {
            return raw.take_error();
        }
        auto items = get_list(c, "spec");
        for (const auto& item : items) {
            size_t colon = item.find(':');
            if (colon == std::string::npos) {
                auto t = parse_cast_type(item, *raw);
                if (!t) {
                    return t.take_error();
                }
                whole_ = *t;
            } else {
                auto t = parse_cast_type(std::string(trim_blanks(item.substr(colon + 1))), *raw);
                if (!t) {
                    return t.take_error();
                }
                casts_.emplace_back(std::string(trim_blanks(item.substr(0, colon))), *t);
            }
        }
        if (whole_ && items.size() != 1) {
            return config_error("spec", *raw,
                                "Cast transformations that specify a type to cast the entire "
                                "value to may ony specify a single cast in their spec");
        }
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        const data& v = operating_value(r, side_);
        if (whole_) {
            auto out = cast_value(s, v, *whole_);
            if (!out) {
                return out.take_error();
            }
            schema_ptr ns = s ? make_schema(*whole_, s->optional) : nullptr;
            set_operating(r, side_, ns, std::move(out).value());
            return std::optional<record>(std::move(r));
        }
        if (v.is_null()) {
            return std::optional<record>(std::move(r));
        }
        if (!s) {
            if (auto st = require_map(v, "cast types"); !st) {
                return st.err();
            }
            data_map m = v.as_map();
            for (auto& [k, val] : m) {
                if (const auto* t = target_for(k.is_string() ? k.as_string() : "")) {
                    auto out = cast_value(nullptr, val, *t);
                    if (!out) {
                        return out.take_error();
                    }
                    val = std::move(out).value();
                }
            }
            set_operating(r, side_, nullptr, data::map(std::move(m)));
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(s, v, "cast types"); !st) {
            return st.err();
        }
        auto ns = copy_schema_basics(*s);
        std::vector<data> values = v.as_struct().values;
        for (const auto& f : s->fields) {
            const auto* t = target_for(f.name);
            if (!t) {
                ns->fields.push_back(f);
                continue;
            }
            if (!castable_source(*f.schema, *t)) {
                return data_error(
                    fmt::format("Cast transformation does not support casting to/from "
                                "{} (field {})",
                                schema_type_name(f.schema->type), f.name));
            }
            auto fs = std::make_shared<schema>();
            fs->type = *t;
            fs->optional = f.schema->optional;
            if (f.schema->default_value) {
                auto d = cast_value(f.schema, *f.schema->default_value, *t);
                if (d) {
                    fs->default_value = std::make_shared<const data>(std::move(d).value());
                }
            }
            auto out = cast_value(f.schema, values.at(static_cast<size_t>(f.index)), *t);
            if (!out) {
                return error{out.err().code, "field " + f.name + ": " + out.err().message};
            }
            values[static_cast<size_t>(f.index)] = std::move(out).value();
            ns->fields.push_back(field{f.name, f.index, fs});
        }
        schema_ptr nsp = ns;
        set_operating(r, side_, nsp, data::struct_(struct_data{nsp, std::move(values)}));
        return std::optional<record>(std::move(r));
    }

  private:
    const schema_type* target_for(const std::string& name) const {
        for (const auto& [n, t] : casts_) {
            if (n == name) {
                return &t;
            }
        }
        return nullptr;
    }
    side side_;
    std::optional<schema_type> whole_;
    std::vector<std::pair<std::string, schema_type>> casts_;
};

}  // namespace

std::unique_ptr<transformation> make_cast(std::string_view cls) {
    if (cls == "org.apache.kafka.connect.transforms.Cast$Value") {
        return std::make_unique<cast>(side::value);
    }
    if (cls == "org.apache.kafka.connect.transforms.Cast$Key") {
        return std::make_unique<cast>(side::key);
    }
    return nullptr;
}

}  // namespace cs::connect::smt
