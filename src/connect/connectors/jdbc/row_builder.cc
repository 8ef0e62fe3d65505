#include "connect/connectors/jdbc/row_builder.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/civil_time.h"
#include "connect/connectors/jdbc/value_text.h"

namespace cs::connect::jdbc {

namespace {

col_type type_of_schema(const schema& s) {
    if (s.name == decimal_logical) {
        return col_type::decimal;
    }
    if (s.name == date_logical) {
        return col_type::date;
    }
    if (s.name == time_logical) {
        return col_type::time;
    }
    if (s.name == timestamp_logical) {
        return col_type::timestamp;
    }
    switch (s.type) {
        case schema_type::int8:
        case schema_type::int16:
            return col_type::int16;
        case schema_type::int32:
            return col_type::int32;
        case schema_type::int64:
            return col_type::int64;
        case schema_type::float32:
            return col_type::float32;
        case schema_type::float64:
            return col_type::float64;
        case schema_type::boolean:
            return col_type::boolean;
        case schema_type::string:
            return col_type::text;
        case schema_type::bytes:
            return col_type::bytes;
        case schema_type::array:
        case schema_type::map:
        case schema_type::struct_:
            return col_type::json;
    }
    return col_type::text;
}

col_type infer_type(const data& d) {
    if (d.is_null()) {
        return col_type::unknown;
    }
    if (d.is_bool()) {
        return col_type::boolean;
    }
    if (d.is_int()) {
        return col_type::int64;
    }
    if (d.is_double()) {
        return col_type::float64;
    }
    if (d.is_string()) {
        return col_type::text;
    }
    if (d.is_bytes()) {
        return col_type::bytes;
    }
    return col_type::json;
}

// Milliseconds since the epoch shifted to db.timezone's wall clock, as the
// JDBC driver renders a value bound with a Calendar in that zone.
int64_t local_ms(const time_zone& zone, int64_t ms) {
    return ms + int64_t{zone.offset_at(civil::floor_div(ms, 1000))} * 1000;
}

// The value bound for a column. Errors name the field. Date, Time and
// Timestamp values are written as the civil date/time in db.timezone, as
// Confluent's sink binds them (setDate/setTime/setTimestamp with a Calendar
// of that zone): a Date is its UTC midnight seen in the zone, a Time its
// instant on 1970-01-01 UTC seen in the zone.
result<sql_param> to_param(const std::string& name, col_type t, const schema* s, const data& d,
                           const time_zone& zone) {
    if (d.is_null()) {
        return sql_param{};
    }
    auto mismatch = [&](const char* want) -> error {
        return error{errc::invalid_argument,
                     fmt::format("field '{}' should hold {} but holds another type", name, want)};
    };
    switch (t) {
        case col_type::int16:
        case col_type::int32:
        case col_type::int64:
            if (d.is_int()) {
                return sql_param{d.as_int()};
            }
            return mismatch("an integer");
        case col_type::float32:
        case col_type::float64:
            if (d.is_double()) {
                return sql_param{d.as_double()};
            }
            if (d.is_int()) {
                return sql_param{static_cast<double>(d.as_int())};
            }
            return mismatch("a number");
        case col_type::boolean:
            if (d.is_bool()) {
                return sql_param{d.as_bool()};
            }
            return mismatch("a boolean");
        case col_type::text:
        case col_type::unknown:
            if (d.is_string()) {
                return sql_param{d.as_string()};
            }
            return sql_param{json_text(d)};
        case col_type::bytes:
            if (d.is_bytes()) {
                return sql_param{blob{d.as_bytes().data}};
            }
            return mismatch("bytes");
        case col_type::decimal: {
            if (d.is_bytes()) {
                int scale = 0;
                if (s) {
                    auto it = s->parameters.find("scale");
                    if (it != s->parameters.end()) {
                        scale = std::atoi(it->second.c_str());
                    }
                }
                return sql_param{decimal_text(d.as_bytes().data, scale)};
            }
            if (d.is_int() || d.is_double()) {
                return sql_param{json_text(d)};
            }
            return mismatch("a Decimal");
        }
        case col_type::date:
            if (d.is_int()) {
                constexpr int64_t ms_per_day = 86'400'000;
                return sql_param{date_text(
                    civil::floor_div(local_ms(zone, d.as_int() * ms_per_day), ms_per_day))};
            }
            return mismatch("a Date (days since epoch)");
        case col_type::time:
            if (d.is_int()) {
                return sql_param{
                    time_text(civil::floor_mod(local_ms(zone, d.as_int()), 86'400'000))};
            }
            return mismatch("a Time (ms of day)");
        case col_type::timestamp:
            if (d.is_int()) {
                return sql_param{timestamp_text(local_ms(zone, d.as_int()))};
            }
            return mismatch("a Timestamp (ms since epoch)");
        case col_type::json:
            return sql_param{json_text(d)};
    }
    return sql_param{};
}

// A named field of a struct or string-keyed map, with its schema if any.
struct field_value {
    std::string name;
    const schema* s = nullptr;  // null: schemaless
    const data* value = nullptr;
};

// The fields of a value or key that is a Struct or a map with string keys.
result<std::vector<field_value>> fields_of(const schema_ptr& s, const data& d, const char* what) {
    std::vector<field_value> out;
    if (d.is_struct()) {
        const auto& st = d.as_struct();
        if (!st.schema) {
            return error{errc::invalid_argument, fmt::format("{} struct has no schema", what)};
        }
        for (const auto& f : st.schema->fields) {
            out.push_back({f.name, f.schema.get(), &st.values.at(static_cast<size_t>(f.index))});
        }
        return out;
    }
    if (d.is_map()) {
        const schema* value_schema = s && s->value_schema ? s->value_schema.get() : nullptr;
        for (const auto& [k, v] : d.as_map()) {
            if (!k.is_string()) {
                return error{errc::invalid_argument,
                             fmt::format("{} is a map with non-string keys", what)};
            }
            out.push_back({k.as_string(), value_schema, &v});
        }
        return out;
    }
    return error{errc::invalid_argument, fmt::format("{} is not a struct or a map", what)};
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) {
        out += out.empty() ? s : ", " + s;
    }
    return out;
}

struct builder {
    const sink_config& c;
    row out;

    status add(const std::string& name, const schema* s, const data& d, bool key, int key_pos = 0) {
        column_spec spec;
        spec.name = name;
        spec.key = key;
        spec.key_pos = key_pos;
        if (s) {
            spec.type = type_of_schema(*s);
            spec.optional = s->optional || s->default_value != nullptr;
        } else {
            spec.type = infer_type(d);
            spec.optional = true;
        }
        if (key) {
            spec.optional = false;
        }
        auto p = to_param(name, spec.type, s, d, c.db_timezone);
        if (!p.ok()) {
            return p.take_error();
        }
        if (key && std::holds_alternative<std::monostate>(*p)) {
            return error{errc::invalid_argument,
                         fmt::format("primary key field '{}' is null", name)};
        }
        out.columns.push_back(std::move(spec));
        out.values.push_back(std::move(*p));
        return {};
    }
};

}  // namespace

table_id table_for_topic(const sink_config& c, const std::string& topic) {
    std::string name = c.table_name_format;
    for (size_t pos = 0; (pos = name.find("${topic}", pos)) != std::string::npos;) {
        name.replace(pos, 8, topic);
        pos += topic.size();
    }
    table_id id;
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1) {
        parts.push_back(name.substr(start, dot - start));
    }
    parts.push_back(name.substr(start));
    id.table = parts.back();
    if (parts.size() >= 2) {
        id.schema = parts[parts.size() - 2];
    }
    return id;
}

result<row> build_row(const sink_config& c, const record& r) {
    builder b{c, {}};
    b.out.table = table_for_topic(c, r.topic);
    const bool tombstone = r.value.is_null();
    if (tombstone && !c.delete_enabled) {
        return error{errc::invalid_argument,
                     "record value is null (a tombstone) and delete.enabled=false: nothing to "
                     "write"};
    }

    // Key columns.
    std::vector<field_value> key_fields;
    if (c.pk == pk_mode::kafka) {
        auto names = c.pk_fields.empty()
                         ? std::vector<std::string>{"__connect_topic", "__connect_partition",
                                                    "__connect_offset"}
                         : c.pk_fields;
        if (r.kafka_offset < 0 || !r.partition) {
            return error{errc::invalid_argument,
                         "pk.mode=kafka needs the record's Kafka partition and offset"};
        }
        b.out.columns.push_back({names[0], col_type::text, false, true, 0});
        b.out.values.emplace_back(r.topic);
        b.out.columns.push_back({names[1], col_type::int32, false, true, 1});
        b.out.values.emplace_back(int64_t{*r.partition});
        b.out.columns.push_back({names[2], col_type::int64, false, true, 2});
        b.out.values.emplace_back(r.kafka_offset);
    } else if (c.pk == pk_mode::record_key) {
        if (r.key.is_null()) {
            return error{errc::invalid_argument,
                         fmt::format("pk.mode=record_key requires records with a non-null key "
                                     "(pk.fields: [{}]); this record's key is null",
                                     join(c.pk_fields))};
        }
        if (r.key.is_struct() || r.key.is_map()) {
            auto all = fields_of(r.key_schema, r.key, "record key");
            if (!all.ok()) {
                return all.take_error();
            }
            if (c.pk_fields.empty()) {
                key_fields = std::move(*all);
            } else {
                for (const auto& name : c.pk_fields) {
                    auto it = std::find_if(all->begin(), all->end(),
                                           [&](const field_value& f) { return f.name == name; });
                    if (it == all->end()) {
                        std::vector<std::string> have;
                        for (const auto& f : *all) {
                            have.push_back(f.name);
                        }
                        return error{errc::invalid_argument,
                                     fmt::format("pk.mode=record_key with pk.fields [{}], but the "
                                                 "record key does not contain field '{}' (key "
                                                 "fields: [{}])",
                                                 join(c.pk_fields), name, join(have))};
                    }
                    key_fields.push_back(*it);
                }
            }
        } else {
            if (c.pk_fields.size() != 1) {
                return error{
                    errc::invalid_argument,
                    fmt::format("Need exactly one PK column defined since the key is a primitive "
                                "value, defined columns are: [{}]; use a JSON object key (or "
                                "ValueToKey) holding those fields",
                                join(c.pk_fields))};
            }
            key_fields.push_back({c.pk_fields[0], r.key_schema.get(), &r.key});
        }
    }

    if (tombstone) {  // delete: key columns only
        b.out.op = row_op::remove;
        for (size_t i = 0; i < key_fields.size(); ++i) {
            const auto& f = key_fields[i];
            if (auto st = b.add(f.name, f.s, *f.value, true, static_cast<int>(i)); !st.ok()) {
                return st.err();
            }
        }
        return std::move(b.out);
    }

    auto value_fields = fields_of(r.value_schema, r.value, "record value");
    if (!value_fields.ok()) {
        return error{errc::invalid_argument,
                     value_fields.err().message +
                         ": the JDBC sink writes records whose value is a Struct (schema'd) or a "
                         "JSON object (schemaless)"};
    }
    std::vector<bool> value_is_key(value_fields->size(), false);
    std::vector<int> value_key_pos(value_fields->size(), 0);
    if (c.pk == pk_mode::record_value) {
        if (c.pk_fields.empty()) {
            value_is_key.assign(value_fields->size(), true);
            for (size_t i = 0; i < value_key_pos.size(); ++i) {
                value_key_pos[i] = static_cast<int>(i);
            }
        } else {
            for (size_t pk_i = 0; pk_i < c.pk_fields.size(); ++pk_i) {
                const auto& name = c.pk_fields[pk_i];
                auto it = std::find_if(value_fields->begin(), value_fields->end(),
                                       [&](const field_value& f) { return f.name == name; });
                if (it == value_fields->end()) {
                    return error{errc::invalid_argument,
                                 fmt::format("pk.mode=record_value with pk.fields [{}], but the "
                                             "record value does not contain field '{}'",
                                             join(c.pk_fields), name)};
                }
                value_is_key[static_cast<size_t>(it - value_fields->begin())] = true;
                value_key_pos[static_cast<size_t>(it - value_fields->begin())] =
                    static_cast<int>(pk_i);
            }
        }
    }
    auto included = [&](const std::string& name) {
        return c.fields_include.empty() ||
               std::find(c.fields_include.begin(), c.fields_include.end(), name) !=
                   c.fields_include.end();
    };
    // Value order; a value field named like a key field takes the key's
    // place (the key wins), then key-only fields sorted by name.
    std::vector<bool> key_used(key_fields.size(), false);
    for (size_t i = 0; i < value_fields->size(); ++i) {
        const auto& f = (*value_fields)[i];
        auto kit = std::find_if(key_fields.begin(), key_fields.end(),
                                [&](const field_value& k) { return k.name == f.name; });
        if (kit != key_fields.end()) {
            auto pos = static_cast<size_t>(kit - key_fields.begin());
            key_used[pos] = true;
            if (auto st = b.add(kit->name, kit->s, *kit->value, true, static_cast<int>(pos));
                !st.ok()) {
                return st.err();
            }
            continue;
        }
        if (c.pk == pk_mode::kafka &&
            std::any_of(b.out.columns.begin(), b.out.columns.begin() + 3,
                        [&](const column_spec& k) { return k.name == f.name; })) {
            continue;
        }
        if (!value_is_key[i] && !included(f.name)) {
            continue;
        }
        if (auto st = b.add(f.name, f.s, *f.value, value_is_key[i], value_key_pos[i]); !st.ok()) {
            return st.err();
        }
    }
    std::vector<size_t> rest;
    for (size_t i = 0; i < key_fields.size(); ++i) {
        if (!key_used[i]) {
            rest.push_back(i);
        }
    }
    std::sort(rest.begin(), rest.end(),
              [&](size_t a, size_t x) { return key_fields[a].name < key_fields[x].name; });
    for (size_t i : rest) {
        const auto& k = key_fields[i];
        if (auto st = b.add(k.name, k.s, *k.value, true, static_cast<int>(i)); !st.ok()) {
            return st.err();
        }
    }
    if (b.out.columns.empty()) {
        return error{errc::invalid_argument, "the record has no fields to write"};
    }
    return std::move(b.out);
}

}  // namespace cs::connect::jdbc
