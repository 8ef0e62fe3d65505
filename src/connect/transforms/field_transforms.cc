// InsertField, ReplaceField, ValueToKey and ExtractField, as Kafka's
// org.apache.kafka.connect.transforms classes of those names behave
// (schema'd Struct records and schemaless Map records; a null operating
// value passes through unchanged).

#include <map>
#include <set>

#include <fmt/format.h>

#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::smt {

namespace {

constexpr std::string_view prefix = "org.apache.kafka.connect.transforms.";

// "name" / "name!" (required) / "name?" (optional, the default).
struct insert_spec {
    std::string name;
    bool optional = true;
    static std::optional<insert_spec> parse(const std::string& v) {
        if (v.empty()) {
            return std::nullopt;
        }
        if (v.back() == '!') {
            return insert_spec{v.substr(0, v.size() - 1), false};
        }
        if (v.back() == '?') {
            return insert_spec{v.substr(0, v.size() - 1), true};
        }
        return insert_spec{v, true};
    }
};

class insert_field final : public transformation {
  public:
    explicit insert_field(side s) : side_(s) {}

    status configure(const config_map& c) override {
        topic_ = insert_spec::parse(get_or(c, "topic.field"));
        partition_ = insert_spec::parse(get_or(c, "partition.field"));
        offset_ = insert_spec::parse(get_or(c, "offset.field"));
        timestamp_ = insert_spec::parse(get_or(c, "timestamp.field"));
        static_ = insert_spec::parse(get_or(c, "static.field"));
        static_value_ = get_or(c, "static.value");
        if (!topic_ && !partition_ && !offset_ && !timestamp_ && !static_) {
            return data_error(
                "InsertField needs at least one of topic.field, partition.field, "
                "offset.field, timestamp.field, static.field");
        }
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const data& v = operating_value(r, side_);
        if (v.is_null()) {
            return std::optional<record>(std::move(r));
        }
        if (offset_ && r.kafka_offset < 0) {
            return data_error(
                "Offset insertion is only supported for sink connectors, record is of type: "
                "SourceRecord");
        }
        const schema_ptr& s = operating_schema(r, side_);
        if (!s) {
            if (auto st = require_map(v, "field insertion"); !st) {
                return st.err();
            }
            data_map m = v.as_map();
            auto put = [&](const std::optional<insert_spec>& f, data d) {
                if (f) {
                    m.emplace_back(data(f->name), std::move(d));
                }
            };
            put(topic_, data(r.topic));
            put(partition_, r.partition ? data(*r.partition) : data());
            put(offset_, data(r.kafka_offset));
            put(timestamp_, r.timestamp ? data(*r.timestamp) : data());
            put(static_, data(static_value_));
            set_operating(r, side_, nullptr, data::map(std::move(m)));
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(s, v, "field insertion"); !st) {
            return st.err();
        }
        auto ns = copy_schema_basics(*s);
        ns->fields = s->fields;
        std::vector<data> values = v.as_struct().values;
        auto add = [&](const std::optional<insert_spec>& f, schema_type t, const char* logical,
                       data d) {
            if (!f) {
                return;
            }
            ns->fields.push_back(field{f->name, static_cast<int32_t>(ns->fields.size()),
                                       make_schema(t, f->optional, logical ? logical : "")});
            values.push_back(std::move(d));
        };
        add(topic_, schema_type::string, nullptr, data(r.topic));
        add(partition_, schema_type::int32, nullptr, r.partition ? data(*r.partition) : data());
        add(offset_, schema_type::int64, nullptr, data(r.kafka_offset));
        add(timestamp_, schema_type::int64, timestamp_logical,
            r.timestamp ? data(*r.timestamp) : data());
        add(static_, schema_type::string, nullptr, data(static_value_));
        for (size_t i = 0; i < ns->fields.size(); ++i) {
            if (values[i].is_null() && !ns->fields[i].schema->optional) {
                return data_error(fmt::format("Invalid value: null used for required field: \"{}\"",
                                              ns->fields[i].name));
            }
        }
        schema_ptr nsp = ns;
        set_operating(r, side_, nsp, data::struct_(struct_data{nsp, std::move(values)}));
        return std::optional<record>(std::move(r));
    }

  private:
    side side_;
    std::optional<insert_spec> topic_, partition_, offset_, timestamp_, static_;
    std::string static_value_;
};

class replace_field final : public transformation {
  public:
    explicit replace_field(side s) : side_(s) {}

    status configure(const config_map& c) override {
        // "whitelist"/"blacklist" are the names before Kafka 3.0 (KIP-629).
        auto include = get_list(c, "include");
        if (include.empty()) {
            include = get_list(c, "whitelist");
        }
        auto exclude = get_list(c, "exclude");
        if (exclude.empty()) {
            exclude = get_list(c, "blacklist");
        }
        include_ = {include.begin(), include.end()};
        exclude_ = {exclude.begin(), exclude.end()};
        for (const auto& pair : get_list(c, "renames")) {
            size_t colon = pair.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == pair.size() ||
                pair.find(':', colon + 1) != std::string::npos) {
                return config_error("renames", get_or(c, "renames"),
                                    "Invalid rename mapping: " + pair);
            }
            renames_[pair.substr(0, colon)] = pair.substr(colon + 1);
        }
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const data& v = operating_value(r, side_);
        if (v.is_null()) {
            return std::optional<record>(std::move(r));
        }
        const schema_ptr& s = operating_schema(r, side_);
        if (!s) {
            if (auto st = require_map(v, "field replacement"); !st) {
                return st.err();
            }
            data_map m;
            for (const auto& [k, val] : v.as_map()) {
                if (k.is_string() && keep(k.as_string())) {
                    m.emplace_back(data(renamed(k.as_string())), val);
                }
            }
            set_operating(r, side_, nullptr, data::map(std::move(m)));
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(s, v, "field replacement"); !st) {
            return st.err();
        }
        auto ns = copy_schema_basics(*s);
        std::vector<data> values;
        const auto& st = v.as_struct();
        for (const auto& f : s->fields) {
            if (keep(f.name)) {
                ns->fields.push_back(
                    field{renamed(f.name), static_cast<int32_t>(ns->fields.size()), f.schema});
                values.push_back(st.values.at(static_cast<size_t>(f.index)));
            }
        }
        schema_ptr nsp = ns;
        set_operating(r, side_, nsp, data::struct_(struct_data{nsp, std::move(values)}));
        return std::optional<record>(std::move(r));
    }

  private:
    bool keep(const std::string& n) const {
        return !exclude_.contains(n) && (include_.empty() || include_.contains(n));
    }
    std::string renamed(const std::string& n) const {
        auto it = renames_.find(n);
        return it == renames_.end() ? n : it->second;
    }
    side side_;
    std::set<std::string> include_, exclude_;
    std::map<std::string, std::string> renames_;
};

class value_to_key final : public transformation {
  public:
    status configure(const config_map& c) override {
        auto fields = get_required_list(c, "fields");
        if (!fields) {
            return fields.take_error();
        }
        fields_ = std::move(*fields);
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        if (r.value.is_null()) {
            // A tombstone has nothing to copy; Connect would fail the
            // record, which leaves a delete impossible to route by key.
            return std::optional<record>(std::move(r));
        }
        if (!r.value_schema) {
            if (auto st = require_map(r.value, "copying fields from value to key"); !st) {
                return st.err();
            }
            data_map key;
            for (const auto& f : fields_) {
                const data* d = map_get(r.value.as_map(), f);
                key.emplace_back(data(f), d ? *d : data());
            }
            r.key_schema = nullptr;
            r.key = data::map(std::move(key));
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(r.value_schema, r.value, "copying fields from value to key");
            !st) {
            return st.err();
        }
        auto ks = std::make_shared<schema>();
        ks->type = schema_type::struct_;
        std::vector<data> values;
        for (const auto& f : fields_) {
            const field* vf = r.value_schema->find_field(f);
            if (!vf) {
                return data_error("Field does not exist: " + f);
            }
            ks->fields.push_back(field{f, static_cast<int32_t>(ks->fields.size()), vf->schema});
            values.push_back(r.value.as_struct().values.at(static_cast<size_t>(vf->index)));
        }
        schema_ptr ksp = ks;
        r.key_schema = ksp;
        r.key = data::struct_(struct_data{ksp, std::move(values)});
        return std::optional<record>(std::move(r));
    }

  private:
    std::vector<std::string> fields_;
};

class extract_field final : public single_field_transform {
  public:
    using single_field_transform::single_field_transform;

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        const data& v = operating_value(r, side_);
        if (!s) {
            if (v.is_null()) {
                set_operating(r, side_, nullptr, data());
                return std::optional<record>(std::move(r));
            }
            if (auto st = require_map(v, "field extraction"); !st) {
                return st.err();
            }
            const data* d = map_get(v.as_map(), field_);
            set_operating(r, side_, nullptr, d ? *d : data());
            return std::optional<record>(std::move(r));
        }
        if (s->type != schema_type::struct_ || (!v.is_null() && !v.is_struct())) {
            return data_error("Only Struct objects supported for [field extraction], found: " +
                              std::string(schema_type_name(s->type)));
        }
        const field* f = s->find_field(field_);
        if (!f) {
            return data_error("Unknown field: " + field_);
        }
        data out = v.is_null() ? data() : v.as_struct().values.at(static_cast<size_t>(f->index));
        set_operating(r, side_, f->schema, std::move(out));
        return std::optional<record>(std::move(r));
    }
};

}  // namespace

std::unique_ptr<transformation> make_field_transform(std::string_view cls) {
    if (!cls.starts_with(prefix)) {
        return nullptr;
    }
    std::string_view n = cls.substr(prefix.size());
    if (n == "InsertField$Value") {
        return std::make_unique<insert_field>(side::value);
    }
    if (n == "InsertField$Key") {
        return std::make_unique<insert_field>(side::key);
    }
    if (n == "ReplaceField$Value") {
        return std::make_unique<replace_field>(side::value);
    }
    if (n == "ReplaceField$Key") {
        return std::make_unique<replace_field>(side::key);
    }
    if (n == "ValueToKey") {
        return std::make_unique<value_to_key>();
    }
    if (n == "ExtractField$Value") {
        return std::make_unique<extract_field>(side::value);
    }
    if (n == "ExtractField$Key") {
        return std::make_unique<extract_field>(side::key);
    }
    return nullptr;
}

}  // namespace cs::connect::smt
