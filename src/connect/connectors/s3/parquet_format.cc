// ParquetFormat: records -> one Parquet file (formats/parquet) held in
// memory until the object is complete. The column layout comes from the
// first record's Connect STRUCT schema (typed as Confluent's AvroData +
// parquet-avro would: see column_of; structs as groups, arrays as 3-level
// LISTs, maps with primitive keys as MAPs), or, for schemaless map values,
// from the union of the fields of the file's first `sample_rows` records
// (held as values until then; see record_format.h). Each record is shredded
// into level entries per leaf column (Dremel repetition and definition
// levels) before any column takes a value.

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "connect/connectors/s3/format_impl.h"
#include "connect/connectors/s3/time_util.h"
#include "connect/data_json.h"
#include "formats/parquet/byte_sink.h"
#include "formats/parquet/file_writer.h"

namespace cs::connect::s3 {
namespace {

namespace pq = formats::parquet;

// Schemaless columns use string, int64, float64, boolean, timestamp (micros
// from ISO-8601 text) and json; the others come from Connect schemas only.
enum class kind {
    string,
    int32,  // INT8, INT16, INT32 and Date (days) values
    int64,
    float32,
    float64,
    boolean,
    timestamp,         // TIMESTAMP_MICROS from text (schemaless)
    timestamp_millis,  // Connect Timestamp (epoch millis), as parquet-avro writes it
    time_millis,       // Connect Time (millis of the day)
    date,              // Connect Date (days since the epoch)
    decimal,           // Connect Decimal: big-endian two's complement unscaled bytes
    bytes,
    json,
};

struct column {
    std::string name;
    kind k;
    bool required = false;                       // a non-optional Connect schema field
    std::vector<pq::column_spec::group> groups;  // the structs, lists and maps it is in
    int32_t precision = 0;                       // decimal only
    int32_t scale = 0;
    bool list = false;  // schemaless: a LIST (named `name`) of k elements
};

// One level entry of a leaf column: the value (null: none) at repetition
// level rep, and for a null the definition level reached.
struct entry {
    const data* v;
    uint8_t rep;
    uint8_t def;
};

pq::column_spec::group list_group(std::string_view name, pq::repetition r) {
    return {std::string(name), r, pq::group_type::list};
}
const pq::column_spec::group kListEntry{"list", pq::repetition::repeated, pq::group_type::none};
const pq::column_spec::group kMapEntry{"key_value", pq::repetition::repeated, pq::group_type::none};

bool schemas_equal(const schema* a, const schema* b) {
    if (a == b) {
        return true;
    }
    if (a == nullptr || b == nullptr || a->type != b->type || a->optional != b->optional ||
        a->name != b->name || a->parameters != b->parameters ||
        a->fields.size() != b->fields.size()) {
        return false;
    }
    for (size_t i = 0; i < a->fields.size(); ++i) {
        if (a->fields[i].name != b->fields[i].name ||
            !schemas_equal(a->fields[i].schema.get(), b->fields[i].schema.get())) {
            return false;
        }
    }
    return schemas_equal(a->key_schema.get(), b->key_schema.get()) &&
           schemas_equal(a->value_schema.get(), b->value_schema.get());
}

// Decimal precision when the schema has no connect.decimal.precision
// parameter: Confluent AvroData's CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT.
constexpr int32_t kDefaultDecimalPrecision = 64;

int32_t int_parameter(const schema& s, const char* name, int32_t fallback) {
    auto it = s.parameters.find(name);
    if (it == s.parameters.end()) {
        return fallback;
    }
    int32_t v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    return ec == std::errc() && p == it->second.data() + it->second.size() ? v : fallback;
}

// How a Connect schema is laid out in Parquet: a struct with fields as a
// group, an array as a LIST of its elements, a map with a primitive key as
// a MAP; anything else (and other maps) as one leaf column.
enum class shape { leaf, group, list, map };

shape shape_of(const schema_ptr& s) {
    if (!s) {
        return shape::leaf;
    }
    switch (s->type) {
        case schema_type::struct_:
            return s->fields.empty() ? shape::leaf : shape::group;
        case schema_type::array:
            return s->value_schema ? shape::list : shape::leaf;
        case schema_type::map:
            return s->key_schema && s->value_schema && s->key_schema->type != schema_type::array &&
                           s->key_schema->type != schema_type::map &&
                           s->key_schema->type != schema_type::struct_
                       ? shape::map
                       : shape::leaf;
        default:
            return shape::leaf;
    }
}

// The column of a leaf Connect schema, typed as Confluent's S3 sink
// (AvroData, then parquet-avro) types it. Arrays and maps that are not
// LISTs or MAPs (see shape_of) stay JSON text.
column column_of(const std::string& name, const schema_ptr& sch) {
    column c{name, kind::json, false, {}};
    if (!sch) {
        return c;
    }
    const schema& s = *sch;
    c.required = !s.optional;
    switch (s.type) {
        case schema_type::int8:
        case schema_type::int16:
            c.k = kind::int32;
            break;
        case schema_type::int32:
            c.k = s.name == date_logical   ? kind::date
                  : s.name == time_logical ? kind::time_millis
                                           : kind::int32;
            break;
        case schema_type::int64:
            c.k = s.name == timestamp_logical ? kind::timestamp_millis : kind::int64;
            break;
        case schema_type::float32:
            c.k = kind::float32;
            break;
        case schema_type::float64:
            c.k = kind::float64;
            break;
        case schema_type::boolean:
            c.k = kind::boolean;
            break;
        case schema_type::string:
            c.k = kind::string;
            break;
        case schema_type::bytes:
            c.k = kind::bytes;
            if (s.name == decimal_logical) {
                c.k = kind::decimal;
                c.scale = int_parameter(s, "scale", 0);
                c.precision =
                    int_parameter(s, "connect.decimal.precision", kDefaultDecimalPrecision);
                if (c.precision < 1 || c.scale < 0 || c.scale > c.precision) {
                    c.k = kind::bytes;  // not a DECIMAL Parquet can declare
                }
            }
            break;
        default:
            c.required = false;  // JSON text; null for a null nested value
            break;
    }
    return c;
}

// The columns of a value named `name` with schema s: one leaf, or those of
// a struct's fields inside a group, of a LIST's element inside
// `name (LIST) { repeated list { element } }`, of a MAP's key and value
// inside `name (MAP) { repeated key_value { required key; value } }`.
void add_columns(std::vector<column>& cols, const std::string& name, const schema_ptr& s,
                 std::vector<pq::column_spec::group>& groups) {
    const auto rep = s && !s->optional ? pq::repetition::required : pq::repetition::optional;
    switch (shape_of(s)) {
        case shape::leaf:
            cols.push_back(column_of(name, s));
            cols.back().groups = groups;
            return;
        case shape::group:
            groups.push_back({name, rep, pq::group_type::none});
            for (const auto& sub : s->fields) {
                add_columns(cols, sub.name, sub.schema, groups);
            }
            break;
        case shape::list:
            groups.push_back(list_group(name, rep));
            groups.push_back(kListEntry);
            add_columns(cols, "element", s->value_schema, groups);
            groups.pop_back();
            break;
        case shape::map:
            groups.push_back({name, rep, pq::group_type::map});
            groups.push_back(kMapEntry);
            cols.push_back(column_of("key", s->key_schema));
            cols.back().required = true;  // a null key refuses the record
            cols.back().groups = groups;
            add_columns(cols, "value", s->value_schema, groups);
            groups.pop_back();
            break;
    }
    groups.pop_back();
}

size_t leaf_count(const schema_ptr& s) {
    switch (shape_of(s)) {
        case shape::leaf:
            return 1;
        case shape::group: {
            size_t n = 0;
            for (const auto& sub : s->fields) {
                n += leaf_count(sub.schema);
            }
            return n;
        }
        case shape::list:
            return leaf_count(s->value_schema);
        case shape::map:
            return 1 + leaf_count(s->value_schema);
    }
    return 1;
}

pq::column_spec spec_of(const column& c) {
    const std::string& name = c.name;
    const auto rep = c.required ? pq::repetition::required : pq::repetition::optional;
    switch (c.k) {
        case kind::string:
        case kind::json:
            return pq::column_spec::string(name, rep);
        case kind::int32:
            return pq::column_spec::int32(name, rep);
        case kind::int64:
            return pq::column_spec::int64(name, rep);
        case kind::float32:
            return pq::column_spec::float32(name, rep);
        case kind::float64:
            return pq::column_spec::float64(name, rep);
        case kind::boolean:
            return pq::column_spec::boolean(name, rep);
        case kind::timestamp:
            return pq::column_spec::timestamp_micros(name, rep);
        case kind::timestamp_millis:
            return pq::column_spec::timestamp_millis(name, rep);
        case kind::time_millis:
            return pq::column_spec::time_millis(name, rep);
        case kind::date:
            return pq::column_spec::date(name, rep);
        case kind::decimal:
            return pq::column_spec::decimal_bytes(name, c.precision, c.scale, rep);
        case kind::bytes:
            return pq::column_spec::bytes(name, rep);
    }
    return pq::column_spec::string(name, rep);
}

pq::column_spec spec_of_column(const column& c) {
    if (c.list) {
        column element = c;
        element.name = "element";
        pq::column_spec spec = spec_of(element);
        spec.groups = {list_group(c.name, pq::repetition::optional), kListEntry};
        return spec;
    }
    pq::column_spec spec = spec_of(c);
    spec.groups = c.groups;
    return spec;
}

// A value with a date and a time of day: "2025-01-15T13:45:10Z".
bool looks_like_datetime(const std::string& s) {
    return s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && parse_iso8601_micros(s).has_value();
}

// Whether a schemaless value can go into a column of kind k.
bool accepts(kind k, const data& v) {
    if (v.is_null()) {
        return true;
    }
    switch (k) {
        case kind::string:
            return v.is_string();
        case kind::int64:
            return v.is_int();
        case kind::float64:
            return v.is_double() || v.is_int();
        case kind::boolean:
            return v.is_bool();
        case kind::timestamp:
            return v.is_string() && parse_iso8601_micros(v.as_string()).has_value();
        case kind::json:
            return true;  // any value, as JSON text
        case kind::int32:
        case kind::float32:
        case kind::timestamp_millis:
        case kind::time_millis:
        case kind::date:
        case kind::decimal:
        case kind::bytes:
            return false;  // only from Connect schemas
    }
    return false;
}

// Whether a schemaless value fits a column (a list column: a list of
// values its element kind takes, or null).
bool accepts(const column& c, const data& v) {
    if (!c.list || v.is_null()) {
        return accepts(c.k, v);
    }
    if (!v.is_list()) {
        return false;
    }
    const data_list& items = v.as_list();
    return std::all_of(items.begin(), items.end(), [&](const data& e) {
        return !e.is_list() && !e.is_map() && accepts(c.k, e);
    });
}

// The element kind of a schemaless list whose non-null elements are all
// strings, all booleans or all numbers (int64, or float64 when any is a
// double); json when there is none or they are mixed or nested.
kind element_kind(const data_list& items) {
    std::optional<kind> k;
    for (const data& e : items) {
        if (e.is_null()) {
            continue;
        }
        const kind ek = e.is_string()   ? kind::string
                        : e.is_int()    ? kind::int64
                        : e.is_double() ? kind::float64
                        : e.is_bool()   ? kind::boolean
                                        : kind::json;
        const bool numbers =
            (ek == kind::int64 || ek == kind::float64) && (k == kind::int64 || k == kind::float64);
        k = !k || *k == ek ? ek : numbers ? kind::float64 : kind::json;
        if (*k == kind::json) {
            break;
        }
    }
    return k.value_or(kind::json);
}

kind kind_of_value(const std::string& field, const data& v, const std::string& ts_field) {
    if (v.is_string()) {
        const bool ts = (field == ts_field && parse_iso8601_micros(v.as_string()).has_value()) ||
                        looks_like_datetime(v.as_string());
        return ts ? kind::timestamp : kind::string;
    }
    if (v.is_int()) {
        return kind::int64;
    }
    if (v.is_double()) {
        return kind::float64;
    }
    if (v.is_bool()) {
        return kind::boolean;
    }
    return kind::json;
}

// Adds the fields of a schemaless value to a column layout: new non-null
// fields are appended; a value its column does not take widens the column
// (int64 -> float64 for a double, a timestamp column -> string for other
// text, anything else -> JSON text), so every value seen still fits.
void add_fields(std::vector<column>& cols, const data_map& m, const std::string& ts_field) {
    for (const auto& [k, v] : m) {
        if (!k.is_string() || v.is_null() || v.is_bytes()) {
            continue;  // schemaless values never carry bytes from JsonConverter
        }
        auto known = std::find_if(cols.begin(), cols.end(),
                                  [&](const column& c) { return c.name == k.as_string(); });
        if (known == cols.end()) {
            column c{k.as_string(), kind_of_value(k.as_string(), v, ts_field), false, {}};
            if (v.is_list()) {
                c.k = element_kind(v.as_list());
                c.list = c.k != kind::json;
            }
            cols.push_back(std::move(c));
        } else if (accepts(*known, v)) {
            continue;
        } else if (known->list) {
            const kind k2 = v.is_list() ? element_kind(v.as_list()) : kind::json;
            if (known->k == kind::int64 && k2 == kind::float64) {
                known->k = kind::float64;  // a list column widens like a plain one
            } else {
                known->k = kind::json;
                known->list = false;
            }
        } else if (known->k == kind::int64 && v.is_double()) {
            known->k = kind::float64;
        } else if (known->k == kind::timestamp && v.is_string()) {
            known->k = kind::string;
        } else {
            known->k = kind::json;
        }
    }
}

// What a value costs while held for sampling (deterministic, so the
// buffered-bytes caps cut files the same way on a replay).
size_t approx_size(const data& v) {
    if (v.is_string()) {
        return v.as_string().size() + 16;
    }
    if (v.is_map()) {
        size_t n = 16;
        for (const auto& [k, e] : v.as_map()) {
            n += approx_size(k) + approx_size(e);
        }
        return n;
    }
    if (v.is_list()) {
        size_t n = 16;
        for (const auto& e : v.as_list()) {
            n += approx_size(e);
        }
        return n;
    }
    return 16;
}

class parquet_writer final : public record_writer {
  public:
    parquet_writer(schema_ptr connect_schema, std::vector<column> cols,
                   std::unique_ptr<pq::memory_sink> sink, std::unique_ptr<pq::file_writer> w)
        : schema_(std::move(connect_schema)),
          cols_(std::move(cols)),
          sink_(std::move(sink)),
          writer_(std::move(w)) {
        for (size_t i = 0; i < cols_.size(); ++i) {
            index_.emplace(cols_[i].name, i);
        }
        entries_.resize(cols_.size());
    }

    result<bool> write(const record& r) override { return write_value(r.value, r.value_schema); }

    result<bool> write_value(const data& value, const schema_ptr& value_schema) {
        for (auto& e : entries_) {
            e.clear();
        }
        if (schema_) {
            if (!value.is_struct() || !schemas_equal(value_schema.get(), schema_.get())) {
                return false;
            }
            size_t leaf = 0;
            const struct_data& s = value.as_struct();
            for (size_t i = 0; i < schema_->fields.size(); ++i) {
                const field& f = schema_->fields[i];
                const data* v = i < s.values.size() ? &s.values[i] : nullptr;
                if (auto st = shred(f.name, f.schema, v, {0, 0, 0}, leaf); !st) {
                    return st.err();
                }
            }
        } else {
            if (!value.is_map()) {
                return false;
            }
            for (const auto& [k, v] : value.as_map()) {
                if (!k.is_string()) {
                    continue;
                }
                auto it = index_.find(k.as_string());
                if (it == index_.end()) {
                    if (v.is_null()) {
                        continue;
                    }
                    return false;  // a new field: rotate to a wider schema
                }
                if (!accepts(cols_[it->second], v)) {
                    return false;
                }
                shred_schemaless(it->second, v);
            }
        }
        for (size_t i = 0; i < cols_.size(); ++i) {
            if (entries_[i].empty()) {
                put(i, {nullptr, 0, 0});  // a field the value does not have
            }
            for (const entry& e : entries_[i]) {
                put(i, e);
            }
        }
        if (auto st = writer_->end_row(); !st) {
            return st.err();
        }
        return true;
    }

    size_t buffered_bytes() const override {
        return sink_->data().size() + writer_->buffered_bytes();
    }

    result<bytes> finish() override {
        if (auto st = writer_->close(); !st) {
            return st.err();
        }
        return sink_->data();
    }

  private:
    // Where a value sits: the repetition level of its first entry, the
    // definition level its parent reached (present), and how many REPEATED
    // groups are above it.
    struct place {
        uint8_t rep;
        uint8_t def;
        uint8_t depth;
    };

    // Adds the level entries of value v (schema s, named `name`) to its leaf
    // columns, from column `leaf` on (column order). A null in a
    // non-optional field, list element or map key would leave the file
    // unusable: the record is refused (errant) before any column takes a
    // value. A value that does not match its group/list/map schema counts
    // as null, as before.
    status shred(const std::string& name, const schema_ptr& s, const data* v, place at,
                 size_t& leaf) {
        const bool null = v == nullptr || v->is_null();
        if (null && s && !s->optional) {
            return error{errc::invalid_argument,
                         fmt::format("field {} is not optional but null", name)};
        }
        const shape sh = shape_of(s);
        if (sh == shape::leaf) {
            entries_[leaf++].push_back({null ? nullptr : v, at.rep, at.def});
            return {};
        }
        const bool fits = !null && (sh == shape::group  ? v->is_struct()
                                    : sh == shape::list ? v->is_list()
                                                        : v->is_map());
        const uint8_t here = static_cast<uint8_t>(at.def + (s->optional ? 1 : 0));
        const size_t n = leaf_count(s);
        if (!fits || (sh == shape::list && v->as_list().empty()) ||
            (sh == shape::map && v->as_map().empty())) {
            // Null (or empty: the list/map itself is defined, no entry).
            const uint8_t def = fits ? here : at.def;
            for (size_t end = leaf + n; leaf < end; ++leaf) {
                entries_[leaf].push_back({nullptr, at.rep, def});
            }
            return {};
        }
        if (sh == shape::group) {
            const struct_data& sd = v->as_struct();
            for (size_t i = 0; i < s->fields.size(); ++i) {
                const field& f = s->fields[i];
                const data* fv = i < sd.values.size() ? &sd.values[i] : nullptr;
                if (auto st = shred(f.name, f.schema, fv, {at.rep, here, at.depth}, leaf); !st) {
                    return st;
                }
            }
            return {};
        }
        // One entry of the repeated group per element (or key/value pair):
        // the first continues at the parent's level, the others at this one.
        const uint8_t depth = static_cast<uint8_t>(at.depth + 1);
        const size_t first = leaf;
        size_t i = 0;
        auto each = [&](const data* elem, const data* key) -> status {
            leaf = first;
            const place p{i++ == 0 ? at.rep : depth, static_cast<uint8_t>(here + 1), depth};
            if (key != nullptr) {
                if (key->is_null()) {
                    return error{errc::invalid_argument,
                                 fmt::format("map field {} has a null key", name)};
                }
                entries_[leaf++].push_back({key, p.rep, p.def});
            }
            return shred(name, s->value_schema, elem, p, leaf);
        };
        if (sh == shape::list) {
            for (const data& e : v->as_list()) {
                if (auto st = each(&e, nullptr); !st) {
                    return st;
                }
            }
        } else {
            for (const auto& [k, e] : v->as_map()) {
                if (auto st = each(&e, &k); !st) {
                    return st;
                }
            }
        }
        leaf = first + n;
        return {};
    }

    // A schemaless field's entries: one, or a LIST's (optional list,
    // optional elements: null 0, empty 1, null element 2).
    void shred_schemaless(size_t i, const data& v) {
        std::vector<entry>& out = entries_[i];
        if (!cols_[i].list) {
            out.push_back({v.is_null() ? nullptr : &v, 0, 0});
            return;
        }
        if (v.is_null() || v.as_list().empty()) {
            out.push_back({nullptr, 0, static_cast<uint8_t>(v.is_null() ? 0 : 1)});
            return;
        }
        uint8_t rep = 0;
        for (const data& e : v.as_list()) {
            out.push_back({e.is_null() ? nullptr : &e, rep, 2});
            rep = 1;
        }
    }

    void put(size_t i, const entry& e) {
        if (e.rep > 0) {
            writer_->column(i).repeat(e.rep);
        }
        const data* v = e.v;
        if (v == nullptr) {
            writer_->column(i).put_null_at(e.def);
            return;
        }
        switch (cols_[i].k) {
            case kind::string:
                writer_->put_string(i, v->as_string());
                break;
            case kind::json: {
                std::string text;
                append_plain_json(text, *v);
                writer_->put_string(i, text);
                break;
            }
            case kind::int32:
            case kind::date:
            case kind::time_millis:
                writer_->put_int32(i, static_cast<int32_t>(v->as_int()));
                break;
            case kind::timestamp_millis:
                writer_->put_int64(i, v->as_int());
                break;
            case kind::float32:
                writer_->put_float(i,
                                   static_cast<float>(v->is_int() ? static_cast<double>(v->as_int())
                                                                  : v->as_double()));
                break;
            case kind::int64:
                writer_->put_int64(i, v->as_int());
                break;
            case kind::float64:
                writer_->put_double(
                    i, v->is_int() ? static_cast<double>(v->as_int()) : v->as_double());
                break;
            case kind::boolean:
                writer_->put_bool(i, v->as_bool());
                break;
            case kind::timestamp:
                writer_->put_int64(
                    i, v->is_int() ? v->as_int() * 1000 : *parse_iso8601_micros(v->as_string()));
                break;
            case kind::bytes:
                writer_->put_bytes(i, as_bytes(v->as_bytes().data));
                break;
            case kind::decimal:
                writer_->put_bytes(i, as_bytes(decimal_bytes(cols_[i], v->as_bytes().data)));
                break;
        }
    }

    // The unscaled value as written. DuckDB reads a DECIMAL wider than 38
    // digits (Confluent's default precision is 64) as DOUBLE, and gets it
    // right only when the two's complement bytes come in whole 8-byte words;
    // such values are sign-extended to a multiple of 8 bytes (the same
    // number under the Parquet spec).
    const std::string& decimal_bytes(const column& c, const std::string& unscaled) {
        if (c.precision <= 38 || unscaled.empty() || unscaled.size() % 8 == 0) {
            return unscaled;
        }
        const char sign = (static_cast<unsigned char>(unscaled[0]) & 0x80) != 0 ? '\xff' : '\0';
        decimal_scratch_.assign(8 - unscaled.size() % 8, sign);
        decimal_scratch_ += unscaled;
        return decimal_scratch_;
    }

  public:
    const std::vector<column>& columns() const { return cols_; }
    bool schemaless() const { return schema_ == nullptr; }

  private:
    schema_ptr schema_;  // null: schemaless (map values)
    std::vector<column> cols_;
    std::unordered_map<std::string, size_t> index_;
    std::vector<std::vector<entry>> entries_;  // per leaf column, of the record
    std::string decimal_scratch_;
    std::unique_ptr<pq::memory_sink> sink_;
    std::unique_ptr<pq::file_writer> writer_;
};

struct file_options {
    pq::compression codec;
    std::string ts_field;
    size_t sample_rows;
};

result<std::unique_ptr<parquet_writer>> open_parquet(const file_options& o,
                                                     schema_ptr connect_schema,
                                                     std::vector<column> cols) {
    pq::schema spec;
    for (const auto& c : cols) {
        spec.push_back(spec_of_column(c));
    }
    auto sink = std::make_unique<pq::memory_sink>();
    pq::writer_options opts;
    opts.codec = o.codec;
    // Fixed: the file bytes must be a function of the records only, so a
    // replay rewrites identical objects.
    opts.created_by = "clickstream s3 sink";
    auto w = pq::file_writer::open(*sink, std::move(spec), opts);
    if (!w) {
        return w.err();
    }
    return std::make_unique<parquet_writer>(std::move(connect_schema), std::move(cols),
                                            std::move(sink), std::move(*w));
}

// A file of schemaless (map) values: holds the first sample_rows values,
// then fixes the columns to the union of their fields and streams on. A
// later value with a field outside the union (or a type no column takes)
// is refused, and the task rotates.
class sampling_writer final : public record_writer {
  public:
    explicit sampling_writer(const file_options& o) : o_(o) {}

    result<bool> write(const record& r) override {
        if (file_) {
            return file_->write(r);
        }
        if (!r.value.is_map()) {
            return false;
        }
        add_fields(cols_, r.value.as_map(), o_.ts_field);
        if (cols_.empty()) {
            return error{errc::invalid_argument,
                         fmt::format("{}-{}@{}: the value has no non-null field to write", r.topic,
                                     r.partition.value_or(-1), r.kafka_offset)};
        }
        sample_.push_back(r.value);
        sample_bytes_ += approx_size(r.value);
        if (sample_.size() >= o_.sample_rows) {
            if (auto st = fix(); !st) {
                return st.err();
            }
        }
        return true;
    }

    size_t buffered_bytes() const override {
        return file_ ? file_->buffered_bytes() : sample_bytes_;
    }

    result<bytes> finish() override {
        if (!file_) {
            if (auto st = fix(); !st) {
                return st.err();
            }
        }
        return file_->finish();
    }

  private:
    status fix() {
        auto f = open_parquet(o_, nullptr, cols_);
        if (!f) {
            return f.err();
        }
        file_ = std::move(*f);
        for (const auto& v : sample_) {
            auto ok = file_->write_value(v, nullptr);
            if (!ok) {
                return ok.err();
            }
            if (!*ok) {
                return error{errc::corrupt, "a sampled value does not fit its own union schema"};
            }
        }
        sample_.clear();
        sample_.shrink_to_fit();
        return {};
    }

    file_options o_;
    std::vector<column> cols_;
    std::vector<data> sample_;
    size_t sample_bytes_ = 0;
    std::unique_ptr<parquet_writer> file_;
};

class parquet_format final : public record_format {
  public:
    parquet_format(file_options o, std::string codec_name)
        : o_(std::move(o)), codec_name_(std::move(codec_name)) {}

    std::string extension() const override {
        // parquet-java's CompressionCodecName extension, then ".parquet".
        return o_.codec == pq::compression::none ? ".parquet" : "." + codec_name_ + ".parquet";
    }

    result<std::unique_ptr<record_writer>> open(const record& first) const override {
        if (first.value.is_struct() && first.value_schema &&
            first.value_schema->type == schema_type::struct_) {
            std::vector<column> cols;
            std::vector<pq::column_spec::group> groups;
            for (const auto& f : first.value_schema->fields) {
                add_columns(cols, f.name, f.schema, groups);
            }
            if (cols.empty()) {
                return error{errc::invalid_argument,
                             fmt::format("{}-{}@{}: the value schema has no field", first.topic,
                                         first.partition.value_or(-1), first.kafka_offset)};
            }
            auto w = open_parquet(o_, first.value_schema, std::move(cols));
            if (!w) {
                return w.err();
            }
            return std::unique_ptr<record_writer>(std::move(*w));
        }
        if (first.value.is_map()) {
            return std::unique_ptr<record_writer>(std::make_unique<sampling_writer>(o_));
        }
        return error{errc::invalid_argument,
                     fmt::format("{}-{}@{}: ParquetFormat needs a struct or map value", first.topic,
                                 first.partition.value_or(-1), first.kafka_offset)};
    }

  private:
    file_options o_;
    std::string codec_name_;
};

}  // namespace

std::unique_ptr<record_format> make_parquet_format(pq::compression codec, std::string codec_name,
                                                   std::string timestamp_field,
                                                   size_t sample_rows) {
    return std::make_unique<parquet_format>(
        file_options{codec, std::move(timestamp_field), std::max<size_t>(sample_rows, 1)},
        std::move(codec_name));
}

}  // namespace cs::connect::s3
