#include "streams/serde.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/json_writer.h"
#include "streams/json_numbers.h"
#include "streams/serde_json.h"
#include "streams/serde_text.h"

namespace cs::streams {

namespace dom = simdjson::dom;
using namespace serde_detail;

namespace {

// Whether t is, or nests, a DECIMAL.
bool holds_decimal(const sql_type& t) {
    if (t.kind == type_kind::decimal) {
        return true;
    }
    for (const auto& c : t.children) {
        if (holds_decimal(c)) {
            return true;
        }
    }
    return false;
}

bool is_scalar(const sql_type& t) {
    return t.kind != type_kind::array && t.kind != type_kind::map && t.kind != type_kind::struct_;
}

// The columns one part of a record (key or value) holds, and how.
struct part {
    format_options fmt;
    std::vector<size_t> cols;  // indexes into the row / source columns
    std::vector<std::string> names;
    std::vector<sql_type> types;
    std::vector<std::string> json_names;  // `"name":` of each column, escaped once (encoder)
    bool unwrapped = false;               // JSON: the single column is the whole document
    const char* what = "value";
    // JSON decoding: the last record's field-to-column match (serde_json.h).
    serde_detail::field_match_cache match_cache;
};

part make_part(const source_def& def, column_origin origin, const format_options& fmt) {
    part p;
    p.fmt = fmt;
    p.what = origin == column_origin::key ? "key" : "value";
    for (size_t i = 0; i < def.columns.size(); ++i) {
        if (def.columns[i].origin == origin) {
            p.cols.push_back(i);
            p.names.push_back(def.columns[i].name);
            p.types.push_back(def.columns[i].type);
            std::string n;
            formats::append_json_string(n, def.columns[i].name);
            n += ':';
            p.json_names.push_back(std::move(n));
        }
    }
    // ksqlDB never wraps a single key column; a single value column is
    // wrapped in an object unless WRAP_SINGLE_VALUE=false.
    p.unwrapped = p.cols.size() == 1 && (origin == column_origin::key || !fmt.wrap_single_value);
    return p;
}

status validate_part(const part& p) {
    switch (p.fmt.format) {
        case data_format::json:
            return {};
        case data_format::none:
            if (!p.cols.empty()) {
                return status(errc::invalid_argument,
                              fmt::format("{} format NONE cannot hold columns ({})", p.what,
                                          p.names.front()));
            }
            return {};
        case data_format::kafka: {
            if (p.cols.size() > 1) {
                return status(errc::invalid_argument,
                              fmt::format("the KAFKA {} format holds a single column, not {}",
                                          p.what, p.cols.size()));
            }
            if (p.cols.empty()) {
                return {};
            }
            auto k = p.types[0].kind;
            if (k != type_kind::integer && k != type_kind::bigint && k != type_kind::double_ &&
                k != type_kind::string && k != type_kind::bytes) {
                return status(errc::unsupported,
                              fmt::format("the KAFKA {} format does not support {} (column {})",
                                          p.what, p.types[0].to_string(), p.names[0]));
            }
            return {};
        }
        case data_format::delimited:
            for (size_t i = 0; i < p.cols.size(); ++i) {
                if (!is_scalar(p.types[i])) {
                    return status(
                        errc::unsupported,
                        fmt::format("the DELIMITED {} format does not support {} (column {})",
                                    p.what, p.types[i].to_string(), p.names[i]));
                }
            }
            return {};
    }
    return {};
}

error column_error(std::string_view name, const error& e) {
    return error{e.code, fmt::format("column {}: {}", name, e.message)};
}

// A scalar from its DELIMITED text (not empty: that is NULL).
result<value> text_to_value(std::string_view s, const sql_type& t) {
    auto bad = [&] {
        return error{errc::invalid_argument,
                     fmt::format("expected {}, got '{}'", t.to_string(), s)};
    };
    int64_t i = 0;
    double d = 0;
    switch (t.kind) {
        case type_kind::string:
            return value(std::string(s));
        case type_kind::integer:
            if (!parse_int64(s, i) || i < INT32_MIN || i > INT32_MAX) {
                return bad();
            }
            return value(static_cast<int32_t>(i));
        case type_kind::bigint:
            if (!parse_int64(s, i)) {
                return bad();
            }
            return value(i);
        case type_kind::timestamp:
            if (!parse_int64(s, i)) {
                return bad();
            }
            return value(timestamp_ms{i});
        case type_kind::date:  // epoch days (Integer.parseInt)
            if (!parse_int64(s, i) || i < INT32_MIN || i > INT32_MAX) {
                return bad();
            }
            return value(date_days{static_cast<int32_t>(i)});
        case type_kind::time:  // milliseconds of the day (SerdeUtils.returnTimeOrThrow)
            if (!parse_int64(s, i) || i < 0 || i > 86'400'000) {
                return bad();
            }
            return value(time_ms{static_cast<int32_t>(i)});
        case type_kind::double_:
            if (!parse_double(s, d)) {
                return bad();
            }
            return value(d);
        case type_kind::boolean:
            if (s == "true" || s == "TRUE" || s == "True") {
                return value(true);
            }
            if (s == "false" || s == "FALSE" || s == "False") {
                return value(false);
            }
            return bad();
        case type_kind::decimal: {
            auto v = parse_decimal(s, t.precision, t.scale);
            if (!v) {
                return v.take_error();
            }
            return value(*v);
        }
        case type_kind::bytes: {
            auto b = decode_base64(s);
            if (!b) {
                return bad();
            }
            return value(bytes_value{std::move(*b)});
        }
        default:
            return bad();
    }
}

void append_text(std::string& out, const value& v, const sql_type& t) {
    switch (t.kind) {
        case type_kind::string:
            out += v.as_string();
            return;
        case type_kind::integer:
            out += std::to_string(v.as_int());
            return;
        case type_kind::bigint:
            out += std::to_string(v.as_bigint());
            return;
        case type_kind::timestamp:
            out += std::to_string(v.as_timestamp().millis);
            return;
        case type_kind::date:
            out += std::to_string(v.as_date().days);
            return;
        case type_kind::time:
            out += std::to_string(v.as_time().millis);
            return;
        case type_kind::double_:
            append_java_double(out, v.as_double());
            return;
        case type_kind::boolean:
            out += v.as_bool() ? "true" : "false";
            return;
        case type_kind::decimal:
            append_decimal(out, v.as_decimal());
            return;
        case type_kind::bytes:
            append_base64(out, v.as_bytes().data);
            return;
        default:
            append_json_value(out, v, t);
    }
}

uint32_t bswap(uint32_t v) {
    return __builtin_bswap32(v);
}
uint64_t bswap(uint64_t v) {
    return __builtin_bswap64(v);
}

template <class T>
T load_be(std::string_view s) {
    T v;
    std::memcpy(&v, s.data(), sizeof v);
    if constexpr (std::endian::native == std::endian::little) {
        v = bswap(v);
    }
    return v;
}

template <class T>
void store_be(std::string& out, T v) {
    if constexpr (std::endian::native == std::endian::little) {
        v = bswap(v);
    }
    char buf[sizeof v];
    std::memcpy(buf, &v, sizeof v);
    out.append(buf, sizeof v);
}

result<value> kafka_to_value(std::string_view s, const sql_type& t) {
    auto size_error = [&](size_t want) {
        return error{errc::invalid_argument,
                     fmt::format("KAFKA {} needs {} bytes, got {}", t.to_string(), want, s.size())};
    };
    switch (t.kind) {
        case type_kind::integer:
            if (s.size() != 4) {
                return size_error(4);
            }
            return value(static_cast<int32_t>(load_be<uint32_t>(s)));
        case type_kind::bigint:
            if (s.size() != 8) {
                return size_error(8);
            }
            return value(static_cast<int64_t>(load_be<uint64_t>(s)));
        case type_kind::double_:
            if (s.size() != 8) {
                return size_error(8);
            }
            return value(std::bit_cast<double>(load_be<uint64_t>(s)));
        case type_kind::bytes:
            return value(bytes_value{std::string(s)});
        default:
            return value(std::string(s));
    }
}

void append_kafka(std::string& out, const value& v, const sql_type& t) {
    switch (t.kind) {
        case type_kind::integer:
            store_be(out, static_cast<uint32_t>(v.as_int()));
            return;
        case type_kind::bigint:
            store_be(out, static_cast<uint64_t>(v.as_bigint()));
            return;
        case type_kind::double_:
            store_be(out, std::bit_cast<uint64_t>(v.as_double()));
            return;
        case type_kind::bytes:
            out += v.as_bytes().data;
            return;
        default:
            out += v.as_string();
    }
}

}  // namespace

void append_json_value(std::string& out, const value& v, const sql_type& t) {
    if (v.is_null()) {
        out += "null";
        return;
    }
    switch (t.kind) {
        case type_kind::string:
            formats::append_json_string(out, v.as_string());
            return;
        case type_kind::double_: {
            double d = v.as_double();
            if (std::isfinite(d)) {
                append_java_double(out, d);
            } else {
                // Jackson quotes NaN and infinities (QUOTE_NON_NUMERIC_NUMBERS).
                out += '"';
                append_java_double(out, d);
                out += '"';
            }
            return;
        }
        case type_kind::bytes:
            out += '"';
            append_base64(out, v.as_bytes().data);
            out += '"';
            return;
        case type_kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.as_array()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                append_json_value(out, item, t.children[0]);
            }
            out += ']';
            return;
        }
        case type_kind::map: {
            out += '{';
            bool first = true;
            for (const auto& [k, item] : v.as_map()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                formats::append_json_string(out, k);
                out += ':';
                append_json_value(out, item, t.children[0]);
            }
            out += '}';
            return;
        }
        case type_kind::struct_: {
            out += '{';
            const auto& fields = v.as_struct().fields;
            for (size_t i = 0; i < t.children.size(); ++i) {
                if (i > 0) {
                    out += ',';
                }
                formats::append_json_string(out, t.field_names[i]);
                out += ':';
                append_json_value(out, i < fields.size() ? fields[i] : value(), t.children[i]);
            }
            out += '}';
            return;
        }
        default:
            append_text(out, v, t);  // numbers, booleans, TIMESTAMP ms, DATE days, TIME ms
    }
}

bool reads_headers(const source_def& def) {
    for (const auto& c : def.columns) {
        if (c.origin == column_origin::headers || c.origin == column_origin::header) {
            return true;
        }
    }
    return false;
}

status validate_formats(const source_def& def) {
    if (auto st = validate_part(make_part(def, column_origin::key, def.key_format)); !st) {
        return st;
    }
    if (auto st = validate_part(make_part(def, column_origin::value, def.value_format)); !st) {
        return st;
    }
    if (def.timestamp_column) {
        const column_def* c = def.find_column(*def.timestamp_column);
        if (c == nullptr) {
            return status(errc::invalid_argument,
                          fmt::format("TIMESTAMP column {} does not exist", *def.timestamp_column));
        }
        if (def.timestamp_format) {
            if (c->type.kind != type_kind::string) {
                return status(errc::invalid_argument,
                              fmt::format("TIMESTAMP column {} has TIMESTAMP_FORMAT, so it must "
                                          "be VARCHAR, not {}",
                                          c->name, c->type.to_string()));
            }
        } else if (c->type.kind != type_kind::bigint && c->type.kind != type_kind::timestamp) {
            return status(errc::invalid_argument,
                          fmt::format("TIMESTAMP column {} must be BIGINT or TIMESTAMP (or "
                                      "VARCHAR with TIMESTAMP_FORMAT), not {}",
                                      c->name, c->type.to_string()));
        }
    }
    return {};
}

// ---------------------------------------------------------------------------
// Decoder

struct row_decoder::impl {
    source_def def;
    part key;
    part val;
    struct header_col {
        size_t index;
        bool all;  // HEADERS; else HEADER(key)
        std::string key;
    };
    std::vector<header_col> headers;
    std::vector<size_t> not_null;  // columns declared NOT NULL
    // Columns neither part writes in full (headers, a part of format
    // NONE): NULL at the start of each record.
    std::vector<size_t> unwritten;
    int timestamp_index = -1;
    timestamp_parser parse_timestamp;

    // How numbers simdjson would not read exactly are read (json_numbers.h):
    // those of a DECIMAL column by their text when there is one, else only
    // when simdjson refuses them.
    std::optional<quote_numbers> exact_numbers;
    dom::parser parser;
    // The record's bytes and simdjson's padding after them. The buffer only
    // grows and is zeroed when it does: simdjson reads the padding but not
    // its content, so a record costs one copy of its bytes, no padding fill.
    std::unique_ptr<char[]> padded;
    size_t padded_capacity = 0;
    std::vector<dom::element> found;
    std::vector<uint8_t> state;
    std::vector<std::string_view> fields;
    std::vector<bool> quoted;
    std::string scratch;

    result<dom::element> parse_json(std::string_view bytes) {
        if (const size_t need = bytes.size() + simdjson::SIMDJSON_PADDING; need > padded_capacity) {
            padded_capacity = std::max(need, padded_capacity * 2);
            padded = std::make_unique<char[]>(padded_capacity);  // zeroed
        }
        if (!bytes.empty()) {
            std::memcpy(padded.get(), bytes.data(), bytes.size());
        }
        dom::element doc;
        std::optional<std::string> as_text;
        if (exact_numbers) {
            as_text = quote_json_numbers(bytes, *exact_numbers);
        }
        auto err = as_text ? parser.parse(*as_text).get(doc)
                           : parser.parse(padded.get(), bytes.size(), false).get(doc);
        if (err == simdjson::NUMBER_ERROR && !as_text) {
            // Valid JSON with a number beyond 64 bits or a double: read
            // those numbers as their text (json_numbers.h).
            if ((as_text = quote_json_numbers(bytes, quote_numbers::unrepresentable))) {
                err = parser.parse(*as_text).get(doc);
            }
        }
        if (err != simdjson::SUCCESS) {
            return error{errc::invalid_argument,
                         fmt::format("not valid JSON ({})", simdjson::error_message(err))};
        }
        return doc;
    }

    status decode_part(part& p, std::string_view bytes, row& out);
};

status row_decoder::impl::decode_part(part& p, std::string_view bytes, row& out) {
    if (p.cols.empty()) {
        return {};
    }
    switch (p.fmt.format) {
        case data_format::none:
            return {};
        case data_format::kafka: {
            auto v = kafka_to_value(bytes, p.types[0]);
            if (!v) {
                return column_error(p.names[0], v.err());
            }
            out[p.cols[0]] = std::move(*v);
            return {};
        }
        case data_format::delimited: {
            fields.clear();
            quoted.clear();
            if (auto st = split_delimited(bytes, p.fmt.delimiter, fields, quoted, scratch); !st) {
                return status(st.code(), fmt::format("DELIMITED {}: {}", p.what, st.message()));
            }
            if (fields.size() != p.cols.size()) {
                return status(errc::invalid_argument,
                              fmt::format("DELIMITED {} has {} fields, the schema {} columns",
                                          p.what, fields.size(), p.cols.size()));
            }
            for (size_t i = 0; i < fields.size(); ++i) {
                if (fields[i].empty() && !quoted[i]) {
                    out[p.cols[i]] = value();
                    continue;
                }
                auto v = text_to_value(fields[i], p.types[i]);
                if (!v) {
                    return column_error(p.names[i], v.err());
                }
                out[p.cols[i]] = std::move(*v);
            }
            return {};
        }
        case data_format::json: {
            auto doc = parse_json(bytes);
            if (!doc) {
                return status(doc.err().code, fmt::format("{}: {}", p.what, doc.err().message));
            }
            if (p.unwrapped) {
                auto v = json_to_value(*doc, p.types[0]);
                if (!v) {
                    return column_error(p.names[0], v.err());
                }
                out[p.cols[0]] = std::move(*v);
                return {};
            }
            dom::object obj;
            if (doc->get_object().get(obj) != simdjson::SUCCESS) {
                return status(
                    errc::invalid_argument,
                    fmt::format("{}: expected a JSON object, got {}", p.what, json_excerpt(*doc)));
            }
            match_fields(obj, p.names, found, state, &p.match_cache);
            for (size_t i = 0; i < p.cols.size(); ++i) {
                if (state[i] == 0) {
                    out[p.cols[i]] = value();
                    continue;
                }
                if (p.types[i].kind == type_kind::string && found[i].is_string()) {
                    out[p.cols[i]].assign_string(found[i].get_string().value_unsafe());
                    continue;
                }
                auto v = json_to_value(found[i], p.types[i]);
                if (!v) {
                    return column_error(p.names[i], v.err());
                }
                out[p.cols[i]] = std::move(*v);
            }
            return {};
        }
    }
    return {};
}

row_decoder::row_decoder() : impl_(std::make_unique<impl>()) {}
row_decoder::~row_decoder() = default;

const source_def& row_decoder::source() const {
    return impl_->def;
}

result<std::unique_ptr<row_decoder>> row_decoder::create(const source_def& def,
                                                         timestamp_parser parse_timestamp) {
    if (auto st = validate_formats(def); !st) {
        return st.err();
    }
    std::unique_ptr<row_decoder> d(new row_decoder());
    impl& m = *d->impl_;
    m.def = def;
    m.key = make_part(def, column_origin::key, def.key_format);
    m.val = make_part(def, column_origin::value, def.value_format);
    for (size_t i = 0; i < def.columns.size(); ++i) {
        const auto& c = def.columns[i];
        if (c.origin == column_origin::headers || c.origin == column_origin::header) {
            m.headers.push_back({i, c.origin == column_origin::headers, c.header_key});
        }
        if (def.timestamp_column && c.name == *def.timestamp_column) {
            m.timestamp_index = static_cast<int>(i);
        }
        if (c.not_null) {
            m.not_null.push_back(i);
        }
        if (holds_decimal(c.type)) {
            m.exact_numbers = quote_numbers::inexact;
        }
        const part& written = c.origin == column_origin::key ? m.key : m.val;
        if ((c.origin != column_origin::key && c.origin != column_origin::value) ||
            written.fmt.format == data_format::none) {
            m.unwritten.push_back(i);
        }
    }
    if (def.timestamp_format && !parse_timestamp) {
        return error{errc::invalid_argument,
                     fmt::format("{}: TIMESTAMP_FORMAT '{}' needs a timestamp parser", def.name,
                                 *def.timestamp_format)};
    }
    m.parse_timestamp = std::move(parse_timestamp);
    return d;
}

status row_decoder::decode_key(std::optional<std::string_view> key, row& out) {
    impl& m = *impl_;
    out.resize(m.def.columns.size());
    if (!key) {
        for (size_t c : m.key.cols) {
            out[c] = value();
        }
        return {};
    }
    return m.decode_part(m.key, *key, out);
}

result<bool> row_decoder::decode(const record_view& r, row& out, int64_t& rowtime) {
    impl& m = *impl_;
    // A reused row keeps its values: each part writes every one of its
    // columns (a missing field as NULL), so the strings keep their capacity
    // and a record costs no allocation for them.
    if (out.size() < m.def.columns.size()) {
        out.resize(m.def.columns.size());
    }
    for (size_t c : m.unwritten) {
        out[c] = value();
    }
    if (r.key) {
        if (auto st = m.decode_part(m.key, *r.key, out); !st) {
            return st.err();
        }
    } else {
        for (size_t c : m.key.cols) {
            out[c] = value();
        }
    }
    if (!r.value) {
        for (size_t c : m.val.cols) {
            out[c] = value();
        }
        return false;
    }
    if (auto st = m.decode_part(m.val, *r.value, out); !st) {
        return st.err();
    }
    for (const auto& h : m.headers) {
        if (h.all) {
            value_list items;
            items.reserve(r.headers.size());
            for (const auto& hv : r.headers) {
                value_struct s;
                s.fields.emplace_back(std::string(hv.key));
                s.fields.emplace_back(hv.value ? value(bytes_value{std::string(*hv.value)})
                                               : value());
                items.push_back(value::struct_(std::move(s)));
            }
            out[h.index] = value::array(std::move(items));
        } else {
            for (auto it = r.headers.rbegin(); it != r.headers.rend(); ++it) {
                if (it->key == h.key) {
                    if (it->value) {
                        out[h.index] = value(bytes_value{std::string(*it->value)});
                    }
                    break;
                }
            }
        }
    }
    for (size_t i : m.not_null) {
        if (out[i].is_null()) {
            return error{errc::invalid_argument,
                         fmt::format("column {} is NOT NULL, but the record has no value for it",
                                     m.def.columns[i].name)};
        }
    }
    rowtime = r.timestamp_ms;
    if (m.timestamp_index >= 0) {
        const value& t = out[static_cast<size_t>(m.timestamp_index)];
        const std::string& name = m.def.columns[static_cast<size_t>(m.timestamp_index)].name;
        if (t.is_null()) {
            return error{errc::invalid_argument, fmt::format("TIMESTAMP column {} is NULL", name)};
        }
        if (m.parse_timestamp) {
            auto ms = m.parse_timestamp(t.as_string());
            if (!ms) {
                return column_error(name, ms.err());
            }
            rowtime = *ms;
        } else if (std::holds_alternative<timestamp_ms>(t.raw())) {
            rowtime = t.as_timestamp().millis;
        } else {
            rowtime = t.as_bigint();
        }
        if (rowtime < 0) {
            return error{errc::invalid_argument,
                         fmt::format("TIMESTAMP column {} is negative ({})", name, rowtime)};
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Encoder

struct row_encoder::impl {
    source_def def;
    part key;
    part val;
    std::vector<const value*> scratch;  // encode(const row&)'s pointers

    void encode_part(const part& p, std::span<const value* const> r, std::string& out) const;
};

void row_encoder::impl::encode_part(const part& p, std::span<const value* const> r,
                                    std::string& out) const {
    switch (p.fmt.format) {
        case data_format::none:
            return;
        case data_format::kafka:
            if (!p.cols.empty() && !r[p.cols[0]]->is_null()) {
                append_kafka(out, *r[p.cols[0]], p.types[0]);
            }
            return;
        case data_format::delimited: {
            std::string field_text;
            for (size_t i = 0; i < p.cols.size(); ++i) {
                if (i > 0) {
                    out += p.fmt.delimiter;
                }
                const value& v = *r[p.cols[i]];
                if (v.is_null()) {
                    continue;
                }
                if (p.types[i].kind == type_kind::string) {
                    append_delimited_field(out, v.as_string(), p.fmt.delimiter, i == 0);
                } else {
                    field_text.clear();
                    append_text(field_text, v, p.types[i]);
                    append_delimited_field(out, field_text, p.fmt.delimiter, i == 0);
                }
            }
            return;
        }
        case data_format::json:
            if (p.unwrapped) {
                append_json_value(out, *r[p.cols[0]], p.types[0]);
                return;
            }
            out += '{';
            for (size_t i = 0; i < p.cols.size(); ++i) {
                if (i > 0) {
                    out += ',';
                }
                out += p.json_names[i];
                append_json_value(out, *r[p.cols[i]], p.types[i]);
            }
            out += '}';
            return;
    }
}

row_encoder::row_encoder() : impl_(std::make_unique<impl>()) {}
row_encoder::~row_encoder() = default;

result<std::unique_ptr<row_encoder>> row_encoder::create(const source_def& def) {
    if (auto st = validate_formats(def); !st) {
        return st.err();
    }
    for (const auto& c : def.columns) {
        if (c.origin == column_origin::headers || c.origin == column_origin::header) {
            return error{
                errc::unsupported,
                fmt::format("{}: writing header column {} is not supported", def.name, c.name)};
        }
    }
    std::unique_ptr<row_encoder> e(new row_encoder());
    impl& m = *e->impl_;
    m.def = def;
    m.key = make_part(def, column_origin::key, def.key_format);
    m.val = make_part(def, column_origin::value, def.value_format);
    return e;
}

status row_encoder::encode_key(std::span<const value* const> r, std::string& key_out,
                               bool& key_null) {
    const impl& m = *impl_;
    if (r.size() != m.def.columns.size()) {
        return status(errc::invalid_argument,
                      fmt::format("{}: row has {} values for {} columns", m.def.name, r.size(),
                                  m.def.columns.size()));
    }
    key_out.clear();
    key_null = m.key.cols.empty() || m.key.fmt.format == data_format::none ||
               (m.key.cols.size() == 1 && r[m.key.cols[0]]->is_null());
    if (!key_null) {
        m.encode_part(m.key, r, key_out);
    }
    return {};
}

status row_encoder::encode(std::span<const value* const> r, std::string& key_out, bool& key_null,
                           std::string& value_out) {
    value_out.clear();
    if (auto st = encode_key(r, key_out, key_null); !st) {
        return st;
    }
    impl_->encode_part(impl_->val, r, value_out);
    return {};
}

std::span<const value* const> row_encoder::pointers(const row& r) {
    auto& ptrs = impl_->scratch;
    ptrs.resize(r.size());
    for (size_t i = 0; i < r.size(); ++i) {
        ptrs[i] = &r[i];
    }
    return ptrs;
}

status row_encoder::encode_key(const row& r, std::string& key_out, bool& key_null) {
    return encode_key(pointers(r), key_out, key_null);
}

status row_encoder::encode(const row& r, std::string& key_out, bool& key_null,
                           std::string& value_out) {
    return encode(pointers(r), key_out, key_null, value_out);
}

}  // namespace cs::streams
