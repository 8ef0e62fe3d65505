// io.debezium.transforms.ExtractNewRecordState: turns a Debezium change
// event envelope {before, after, source, op, ts_ms} into the row it
// describes (the "after" state), as Debezium's SMT does:
//
// - An envelope is a record whose value schema name ends with ".Envelope".
//   Deviation: a schemaless value (JsonConverter schemas.enable=false) that
//   is a map with "op" and "after"/"before" keys is flattened too; Debezium
//   passes it through. Every other record passes through unchanged.
// - Tombstones (null value) are handled before the envelope check: dropped
//   unless delete.tombstone.handling.mode=rewrite-with-tombstone (or, with
//   the pre-2.5 settings, drop.tombstones=false).
// - Deletes (after = null): delete.tombstone.handling.mode tombstone (the
//   default) gives a null value with the after schema (a JDBC delete), drop
//   drops them, rewrite[-with-tombstone] gives "before" plus __deleted="true"
//   (updates then carry __deleted="false"), delete-to-tombstone a null value
//   with no schema. The pre-2.5 delete.handling.mode=drop|none|rewrite is
//   honoured when the new key is absent and an old key is set.
// - Truncate events (op "t") are dropped.
// - add.fields / add.headers copy envelope or source fields ("op",
//   "source.ts_ms", "table") into the row / headers, named with the
//   add.fields.prefix / add.headers.prefix ("__") and '.' -> '_'.
// The key is never touched.

#include <fmt/format.h>

#include "connect/converters/json_codec.h"
#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::smt {

namespace {

enum class mode { drop, tombstone, rewrite, rewrite_with_tombstone, delete_to_tombstone };

struct found_field {
    schema_ptr schema;  // null when schemaless
    data value;
};

class extract_new_record_state final : public transformation {
  public:
    status configure(const config_map& c) override {
        auto it = c.find("delete.tombstone.handling.mode");
        if (it != c.end()) {
            const std::string& m = it->second;
            if (m == "drop") {
                mode_ = mode::drop;
            } else if (m == "tombstone") {
                mode_ = mode::tombstone;
            } else if (m == "rewrite") {
                mode_ = mode::rewrite;
            } else if (m == "rewrite-with-tombstone") {
                mode_ = mode::rewrite_with_tombstone;
            } else if (m == "delete-to-tombstone") {
                mode_ = mode::delete_to_tombstone;
            } else {
                return config_error("delete.tombstone.handling.mode", m,
                                    "The value must be one of drop, tombstone, rewrite, "
                                    "rewrite-with-tombstone, delete-to-tombstone");
            }
            keep_tombstones_ = mode_ == mode::rewrite_with_tombstone;
        } else if (c.contains("drop.tombstones") || c.contains("delete.handling.mode")) {
            auto drop = get_bool(c, "drop.tombstones", true);
            if (!drop) {
                return drop.take_error();
            }
            keep_tombstones_ = !*drop;
            std::string m = get_or(c, "delete.handling.mode", "drop");
            if (m == "drop") {
                mode_ = mode::drop;
            } else if (m == "none") {
                mode_ = mode::tombstone;  // after (null) with the after schema
            } else if (m == "rewrite") {
                mode_ = mode::rewrite;
            } else {
                return config_error("delete.handling.mode", m,
                                    "The value must be one of drop, none, rewrite");
            }
        }
        add_fields_ = get_list(c, "add.fields");
        add_headers_ = get_list(c, "add.headers");
        fields_prefix_ = get_or(c, "add.fields.prefix", "__");
        headers_prefix_ = get_or(c, "add.headers.prefix", "__");
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        if (r.value.is_null()) {
            if (keep_tombstones_) {
                return std::optional<record>(std::move(r));
            }
            return std::optional<record>();
        }
        bool schemaful = r.value_schema && r.value_schema->type == schema_type::struct_ &&
                         r.value_schema->name.ends_with(".Envelope") && r.value.is_struct();
        bool schemaless = !r.value_schema && r.value.is_map() &&
                          map_get(r.value.as_map(), "op") != nullptr &&
                          (map_get(r.value.as_map(), "after") != nullptr ||
                           map_get(r.value.as_map(), "before") != nullptr);
        if (!schemaful && !schemaless) {
            return std::optional<record>(std::move(r));
        }
        found_field op = get(r, "op");
        if (op.value.is_string() && op.value.as_string() == "t") {
            return std::optional<record>();
        }
        found_field after = get(r, "after");
        std::vector<std::pair<std::string, found_field>> extras;
        for (const auto& f : add_fields_) {
            extras.emplace_back(fields_prefix_ + dotted_name(f), reference(r, f));
        }
        for (const auto& h : add_headers_) {
            found_field ff = reference(r, h);
            r.headers.push_back(header{headers_prefix_ + dotted_name(h), header_text(ff)});
        }
        bool rewrite = mode_ == mode::rewrite || mode_ == mode::rewrite_with_tombstone;
        if (after.value.is_null()) {  // a delete
            switch (mode_) {
                case mode::drop:
                    return std::optional<record>();
                case mode::tombstone:
                    r.value_schema = schemaful ? after.schema : nullptr;
                    r.value = data();
                    return std::optional<record>(std::move(r));
                case mode::delete_to_tombstone:
                    r.value_schema = nullptr;
                    r.value = data();
                    return std::optional<record>(std::move(r));
                case mode::rewrite:
                case mode::rewrite_with_tombstone: {
                    found_field before = get(r, "before");
                    extras.emplace_back("__deleted", found_field{string_schema(), data("true")});
                    return finish(std::move(r), before, extras);
                }
            }
        }
        if (rewrite) {
            extras.emplace_back("__deleted", found_field{string_schema(), data("false")});
        }
        return finish(std::move(r), after, extras);
    }

  private:
    static schema_ptr string_schema() { return make_schema(schema_type::string, true); }

    static std::string dotted_name(const std::string& f) {
        std::string out = f;
        for (auto& c : out) {
            if (c == '.') {
                c = '_';
            }
        }
        return out;
    }

    // A top-level envelope field.
    static found_field get(const record& r, std::string_view name) {
        if (r.value_schema) {
            const field* f = r.value_schema->find_field(name);
            if (!f) {
                return {};
            }
            return {f->schema, r.value.as_struct().values.at(static_cast<size_t>(f->index))};
        }
        const data* d = map_get(r.value.as_map(), name);
        return {nullptr, d ? *d : data()};
    }

    static found_field child(const found_field& parent, std::string_view name) {
        if (parent.value.is_struct()) {
            const auto& st = parent.value.as_struct();
            const field* f = st.schema ? st.schema->find_field(name) : nullptr;
            if (f) {
                return {f->schema, st.values.at(static_cast<size_t>(f->index))};
            }
        } else if (parent.value.is_map()) {
            const data* d = map_get(parent.value.as_map(), name);
            if (d) {
                return {nullptr, *d};
            }
        }
        return {};
    }

    // "source.ts_ms": a field of a struct; "op", "ts_ms": the envelope's
    // own field when it has one, else the source block's ("table", "db").
    static found_field reference(const record& r, const std::string& spec) {
        size_t dot = spec.find('.');
        if (dot != std::string::npos) {
            return child(get(r, spec.substr(0, dot)), spec.substr(dot + 1));
        }
        found_field own = get(r, spec);
        if (own.schema || !own.value.is_null()) {
            return own;
        }
        return child(get(r, "source"), spec);
    }

    static std::optional<std::string> header_text(const found_field& f) {
        if (f.value.is_null()) {
            return std::nullopt;
        }
        if (f.value.is_string()) {
            return f.value.as_string();
        }
        std::string out;
        json_codec::options opt;
        if (!json_codec::write_value(out, nullptr, f.value, opt)) {
            return std::nullopt;
        }
        return out;
    }

    static result<std::optional<record>> finish(
        record r, const found_field& row,
        const std::vector<std::pair<std::string, found_field>>& extras) {
        if (!r.value_schema) {
            if (row.value.is_null()) {
                r.value = data();
                return std::optional<record>(std::move(r));
            }
            if (!row.value.is_map()) {
                return data_error("Expected the envelope's row to be an object");
            }
            data_map m = row.value.as_map();
            for (const auto& [name, f] : extras) {
                m.emplace_back(data(name), f.value);
            }
            r.value = data::map(std::move(m));
            return std::optional<record>(std::move(r));
        }
        if (!row.schema || row.schema->type != schema_type::struct_ ||
            (!row.value.is_null() && !row.value.is_struct())) {
            return data_error("Expected the envelope's before/after to be a Struct");
        }
        if (extras.empty()) {
            r.value_schema = row.schema;
            r.value = row.value;
            return std::optional<record>(std::move(r));
        }
        auto ns = copy_schema_basics(*row.schema);
        ns->fields = row.schema->fields;
        std::vector<data> values = row.value.as_struct().values;
        for (const auto& [name, f] : extras) {
            schema_ptr fs = f.schema;
            if (!fs) {
                fs = string_schema();
            } else if (!fs->optional) {
                auto copy = std::make_shared<schema>(*fs);
                copy->optional = true;
                fs = copy;
            }
            ns->fields.push_back(field{name, static_cast<int32_t>(ns->fields.size()), fs});
            values.push_back(f.value);
        }
        schema_ptr nsp = ns;
        r.value_schema = nsp;
        r.value = data::struct_(struct_data{nsp, std::move(values)});
        return std::optional<record>(std::move(r));
    }

    mode mode_ = mode::tombstone;
    bool keep_tombstones_ = false;
    std::vector<std::string> add_fields_;
    std::vector<std::string> add_headers_;
    std::string fields_prefix_ = "__";
    std::string headers_prefix_ = "__";
};

}  // namespace

std::unique_ptr<transformation> make_extract_new_record_state() {
    return std::make_unique<extract_new_record_state>();
}

}  // namespace cs::connect::smt
