// ParquetFormat: records -> one Parquet file (formats/parquet) held in
// memory until the object is complete. The column layout comes from the
// first record's Connect STRUCT schema (typed as Confluent's AvroData +
// parquet-avro would: see column_of_field), or, for schemaless map values, from
// the union of the fields of the file's first `sample_rows` records (held
// as values until then; see record_format.h).

#include <algorithm>
#include <charconv>
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
    std::vector<pq::column_spec::group> groups;  // the structs it is in
    int32_t precision = 0;                       // decimal only
    int32_t scale = 0;
};

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

// A struct field with fields becomes a Parquet group.
bool is_group(const field& f) {
    return f.schema && f.schema->type == schema_type::struct_ && !f.schema->fields.empty();
}

// The column of a non-group Connect STRUCT field, typed as Confluent's S3
// sink (AvroData, then parquet-avro) types it. Arrays and maps stay JSON
// text.
column column_of_field(const field& f) {
    column c{f.name, kind::json, false, {}};
    if (!f.schema) {
        return c;
    }
    const schema& s = *f.schema;
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

// The columns of a field: one, or those of a struct's fields inside a group.
void add_columns(std::vector<column>& cols, const field& f,
                 std::vector<pq::column_spec::group>& groups) {
    if (!is_group(f)) {
        cols.push_back(column_of_field(f));
        cols.back().groups = groups;
        return;
    }
    groups.push_back(
        {f.name, f.schema->optional ? pq::repetition::optional : pq::repetition::required});
    for (const auto& sub : f.schema->fields) {
        add_columns(cols, sub, groups);
    }
    groups.pop_back();
}

size_t leaf_count(const field& f) {
    if (!is_group(f)) {
        return 1;
    }
    size_t n = 0;
    for (const auto& sub : f.schema->fields) {
        n += leaf_count(sub);
    }
    return n;
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
            cols.push_back({k.as_string(), kind_of_value(k.as_string(), v, ts_field), false, {}});
        } else if (!accepts(known->k, v)) {
            if (known->k == kind::int64 && v.is_double()) {
                known->k = kind::float64;
            } else if (known->k == kind::timestamp && v.is_string()) {
                known->k = kind::string;
            } else {
                known->k = kind::json;
            }
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
        values_.resize(cols_.size());
        levels_.resize(cols_.size());
    }

    result<bool> write(const record& r) override { return write_value(r.value, r.value_schema); }

    result<bool> write_value(const data& value, const schema_ptr& value_schema) {
        std::fill(values_.begin(), values_.end(), nullptr);
        std::fill(levels_.begin(), levels_.end(), 0);
        if (schema_) {
            if (!value.is_struct() || !schemas_equal(value_schema.get(), schema_.get())) {
                return false;
            }
            size_t leaf = 0;
            if (auto st = collect(value.as_struct(), *schema_, 0, leaf); !st) {
                return st.err();
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
                if (!accepts(cols_[it->second].k, v)) {
                    return false;
                }
                values_[it->second] = &v;
            }
        }
        for (size_t i = 0; i < cols_.size(); ++i) {
            put(i, values_[i]);
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
    // Points values_ at the leaves of a struct value (in column order) and
    // sets the definition level a null leaf has: `level` counts the OPTIONAL
    // structs above that are present. A null in a non-optional field (a
    // REQUIRED column or group) would leave the file unusable: the record
    // is refused (errant) before any column takes a value.
    status collect(const struct_data& s, const schema& sch, uint8_t level, size_t& leaf) {
        for (size_t i = 0; i < sch.fields.size(); ++i) {
            const field& f = sch.fields[i];
            const data* v = i < s.values.size() ? &s.values[i] : nullptr;
            const bool null = v == nullptr || v->is_null();
            if (null && f.schema && !f.schema->optional) {
                return error{errc::invalid_argument,
                             fmt::format("field {} is not optional but null", f.name)};
            }
            if (!is_group(f)) {
                values_[leaf] = v;
                levels_[leaf++] = level;
            } else if (null || !v->is_struct()) {
                for (size_t n = leaf_count(f); n > 0; --n) {
                    levels_[leaf++] = level;
                }
            } else {
                const uint8_t inner = f.schema->optional ? level + 1 : level;
                if (auto st = collect(v->as_struct(), *f.schema, inner, leaf); !st) {
                    return st;
                }
            }
        }
        return {};
    }

    void put(size_t i, const data* v) {
        if (v == nullptr || v->is_null()) {
            writer_->column(i).put_null_at(levels_[i]);
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
    std::vector<const data*> values_;
    std::vector<uint8_t> levels_;  // the definition level of a null value
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
                add_columns(cols, f, groups);
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
