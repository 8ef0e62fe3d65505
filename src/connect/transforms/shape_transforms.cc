// HoistField, MaskField and Flatten ($Key / $Value), as Kafka's
// org.apache.kafka.connect.transforms classes of those names behave on
// schema'd Struct records and schemaless Map records.

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::smt {

namespace {

constexpr std::string_view prefix = "org.apache.kafka.connect.transforms.";

// HoistField: wraps the key or value in a Struct (a Map without schema)
// with one field, `field`.
class hoist_field final : public single_field_transform {
  public:
    using single_field_transform::single_field_transform;

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        data v = operating_value(r, side_);
        if (!s) {
            set_operating(r, side_, nullptr, data::map({{data(field_), std::move(v)}}));
            return std::optional<record>(std::move(r));
        }
        auto ns = std::make_shared<schema>();
        ns->type = schema_type::struct_;
        ns->fields.push_back(field{field_, 0, s});
        schema_ptr nsp = ns;
        set_operating(r, side_, nsp, data::struct_(struct_data{nsp, {std::move(v)}}));
        return std::optional<record>(std::move(r));
    }
};

// MaskField: the listed fields become their type's "zero" (false, 0, "",
// empty list/map, the epoch for Date/Time/Timestamp) or, with
// `replacement`, that text (numbers parsed from it).
class mask_field final : public transformation {
  public:
    explicit mask_field(side s) : side_(s) {}

    status configure(const config_map& c) override {
        auto fields = get_required_list(c, "fields");
        if (!fields) {
            return fields.take_error();
        }
        fields_ = std::set<std::string>(fields->begin(), fields->end());
        if (auto it = c.find("replacement"); it != c.end()) {
            if (it->second.empty()) {
                return config_error("replacement", "", "String must be non-empty");
            }
            replacement_ = it->second;
        }
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        const data& v = operating_value(r, side_);
        if (!s) {
            if (auto st = require_map(v, "mask fields"); !st) {
                return st.err();
            }
            data_map m = v.as_map();
            for (const auto& name : fields_) {
                auto it = std::find_if(m.begin(), m.end(), [&](const auto& kv) {
                    return kv.first.is_string() && kv.first.as_string() == name;
                });
                if (it == m.end()) {  // Java's HashMap.put(field, masked(null))
                    m.emplace_back(data(name), data());
                    continue;
                }
                auto masked_value = masked(it->second);
                if (!masked_value) {
                    return masked_value.take_error();
                }
                it->second = std::move(*masked_value);
            }
            set_operating(r, side_, nullptr, data::map(std::move(m)));
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(s, v, "mask fields"); !st) {
            return st.err();
        }
        std::vector<data> values = v.as_struct().values;
        for (const auto& f : s->fields) {
            if (!fields_.contains(f.name)) {
                continue;
            }
            auto& value = values.at(static_cast<size_t>(f.index));
            auto masked_value = masked(value);
            if (!masked_value) {
                return masked_value.take_error();
            }
            value = std::move(*masked_value);
        }
        set_operating(r, side_, s, data::struct_(struct_data{s, std::move(values)}));
        return std::optional<record>(std::move(r));
    }

  private:
    result<data> masked(const data& v) const {
        if (v.is_null()) {
            return data();
        }
        if (!replacement_) {
            if (v.is_bool()) {
                return data(false);
            }
            if (v.is_int()) {
                return data(int64_t{0});
            }
            if (v.is_double()) {
                return data(0.0);
            }
            if (v.is_string()) {
                return data(std::string());
            }
            if (v.is_list()) {
                return data::list({});
            }
            if (v.is_map()) {
                return data::map({});
            }
            return data_error("Cannot mask value of type: " + value_type(v));
        }
        const std::string& text = *replacement_;
        if (v.is_string()) {
            return data(text);
        }
        if (v.is_int()) {
            int64_t n = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (ec == std::errc{} && p == text.data() + text.size()) {
                return data(n);
            }
        } else if (v.is_double()) {
            try {
                size_t used = 0;
                double d = std::stod(text, &used);
                if (used == text.size()) {
                    return data(d);
                }
            } catch (const std::exception&) {
            }
        } else {
            return data_error(fmt::format("Cannot mask value of type {} with custom replacement.",
                                          value_type(v)));
        }
        return data_error(
            fmt::format("Unable to convert {} (class java.lang.String) to number", text));
    }

    static std::string value_type(const data& v) {
        if (v.is_bool()) {
            return "class java.lang.Boolean";
        }
        if (v.is_bytes()) {
            return "class [B";
        }
        if (v.is_struct()) {
            return "class org.apache.kafka.connect.data.Struct";
        }
        if (v.is_list()) {
            return "class java.util.ArrayList";
        }
        if (v.is_map()) {
            return "class java.util.HashMap";
        }
        return "class java.lang.Object";
    }

    side side_;
    std::set<std::string> fields_;
    std::optional<std::string> replacement_;
};

// Flatten: nested Structs (Maps without schema) become top-level fields
// named by their path joined with `delimiter`; arrays and (with a schema)
// maps are kept as they are. A nested optional struct makes its fields
// optional; a null nested struct leaves its fields null.
class flatten final : public transformation {
  public:
    explicit flatten(side s) : side_(s) {}

    status configure(const config_map& c) override {
        delimiter_ = get_or(c, "delimiter", ".");
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        const data& v = operating_value(r, side_);
        if (!s) {
            if (v.is_null()) {
                return std::optional<record>(std::move(r));
            }
            if (auto st = require_map(v, "flattening"); !st) {
                return st.err();
            }
            data_map out;
            if (auto st = flatten_map(v.as_map(), "", out); !st) {
                return st.err();
            }
            set_operating(r, side_, nullptr, data::map(std::move(out)));
            return std::optional<record>(std::move(r));
        }
        if (!v.is_null()) {
            if (auto st = require_struct(s, v, "flattening"); !st) {
                return st.err();
            }
        } else if (s->type != schema_type::struct_) {
            return data_error("Only Struct objects supported for [flattening], found: null");
        }
        auto ns = copy_schema_basics(*s);
        flatten_schema(*s, "", s->optional, *ns);
        schema_ptr nsp = ns;
        if (v.is_null()) {
            set_operating(r, side_, nsp, data());
            return std::optional<record>(std::move(r));
        }
        std::vector<data> values;
        flatten_struct(*s, &v.as_struct(), values);
        set_operating(r, side_, nsp, data::struct_(struct_data{nsp, std::move(values)}));
        return std::optional<record>(std::move(r));
    }

  private:
    std::string name_of(const std::string& prefix_name, const std::string& name) const {
        return prefix_name.empty() ? name : prefix_name + delimiter_ + name;
    }

    status flatten_map(const data_map& m, const std::string& at, data_map& out) const {
        for (const auto& [k, value] : m) {
            const std::string name = name_of(at, k.is_string() ? k.as_string() : plain_key(k));
            if (value.is_map()) {
                if (auto st = flatten_map(value.as_map(), name, out); !st) {
                    return st;
                }
            } else if (value.is_struct()) {
                return data_error(fmt::format(
                    "Flatten transformation does not support class "
                    "org.apache.kafka.connect.data.Struct for record without schemas (for field "
                    "{}).",
                    name));
            } else {
                out.emplace_back(data(name), value);
            }
        }
        return {};
    }

    static std::string plain_key(const data& k) {
        if (k.is_int()) {
            return std::to_string(k.as_int());
        }
        if (k.is_bool()) {
            return k.as_bool() ? "true" : "false";
        }
        return "null";
    }

    void flatten_schema(const schema& s, const std::string& at, bool optional, schema& out) const {
        for (const auto& f : s.fields) {
            const std::string name = name_of(at, f.name);
            const bool opt = optional || f.schema->optional;
            if (f.schema->type == schema_type::struct_) {
                flatten_schema(*f.schema, name, opt, out);
                continue;
            }
            schema_ptr fs = f.schema;
            if (opt && !fs->optional) {
                auto copy = std::make_shared<schema>(*fs);
                copy->optional = true;
                fs = copy;
            }
            out.fields.push_back(field{name, static_cast<int32_t>(out.fields.size()), fs});
        }
    }

    static void flatten_struct(const schema& s, const struct_data* v, std::vector<data>& out) {
        for (const auto& f : s.fields) {
            const data* value = v ? &v->values.at(static_cast<size_t>(f.index)) : nullptr;
            if (f.schema->type == schema_type::struct_) {
                flatten_struct(*f.schema,
                               value && value->is_struct() ? &value->as_struct() : nullptr, out);
            } else {
                out.push_back(value ? *value : data());
            }
        }
    }

    side side_;
    std::string delimiter_ = ".";
};

}  // namespace

std::unique_ptr<transformation> make_shape_transform(std::string_view cls) {
    if (!cls.starts_with(prefix)) {
        return nullptr;
    }
    std::string_view rest = cls.substr(prefix.size());
    side s = side::value;
    if (rest.ends_with("$Key")) {
        s = side::key;
    } else if (!rest.ends_with("$Value")) {
        return nullptr;
    }
    rest = rest.substr(0, rest.find('$'));
    if (rest == "HoistField") {
        return std::make_unique<hoist_field>(s);
    }
    if (rest == "MaskField") {
        return std::make_unique<mask_field>(s);
    }
    if (rest == "Flatten") {
        return std::make_unique<flatten>(s);
    }
    return nullptr;
}

}  // namespace cs::connect::smt
