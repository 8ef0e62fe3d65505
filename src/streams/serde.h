#pragma once

// Kafka record <-> row for a source_def: the record formats of ksqlDB that
// clickstream supports (JSON, DELIMITED, KAFKA, NONE) for keys and values,
// plus HEADERS / HEADER('k') columns and the TIMESTAMP column.
//
// JSON values follow ksqlDB's deserializer: a column takes the field with
// exactly its name, else the field whose name matches case-insensitively
// (the last such field wins); a missing field is NULL; nested STRUCT fields
// match the same way. A value that does not fit the declared type is an
// error naming the column (the runtime sends the record to the DLQ).
// Written JSON: DOUBLE as Java's Double.toString, DECIMAL as a plain
// number, TIMESTAMP as epoch milliseconds, BYTES as base64, as ksqlDB.
//
// Threading: a decoder or encoder belongs to one thread (it keeps parser
// state and scratch buffers so a record costs no allocation beyond the
// strings it yields).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/consumer.h"
#include "streams/catalog_types.h"
#include "streams/value.h"

namespace cs::streams {

// One Kafka record as read (views into the fetched buffer or a test's data).
struct record_view {
    std::optional<std::string_view> key = std::nullopt;
    std::optional<std::string_view> value = std::nullopt;  // nullopt: a tombstone
    std::span<const client::header_view> headers = {};
    int64_t timestamp_ms = -1;  // the record's timestamp; -1 when none
};

// The view of a fetched message. Headers are only parsed (into scratch, which
// the view then points at) when with_headers is set: librdkafka parses them
// on first access, which a source without header columns never needs.
inline record_view to_record_view(const client::message& m,
                                  std::vector<client::header_view>& scratch, bool with_headers) {
    record_view r{.key = m.key(), .value = m.value(), .timestamp_ms = m.timestamp_ms()};
    if (with_headers) {
        scratch.clear();
        for (size_t i = 0, n = m.header_count(); i < n; ++i) {
            scratch.push_back(m.header(i));
        }
        r.headers = scratch;
    }
    return r;
}

// True when def has HEADERS or HEADER('k') columns.
bool reads_headers(const source_def& def);

// Parses a TIMESTAMP_FORMAT text to epoch milliseconds (built by the engine
// from streams/time_format.h).
using timestamp_parser = std::function<result<int64_t>(std::string_view)>;

// Checks that def's formats and columns can be read and written: formats
// exist, KAFKA has at most one column of a supported type, DELIMITED has no
// nested types, the TIMESTAMP column has a usable type.
status validate_formats(const source_def& def);

class row_decoder {
  public:
    // parse_timestamp is required when def has a TIMESTAMP_FORMAT.
    static result<std::unique_ptr<row_decoder>> create(const source_def& def,
                                                       timestamp_parser parse_timestamp = {});
    ~row_decoder();
    row_decoder(const row_decoder&) = delete;
    row_decoder& operator=(const row_decoder&) = delete;

    // Decodes r into out (grown to the source's column count when shorter;
    // key, value and header columns at their column positions; values after
    // those are left as they are, so a caller's own columns and a reused
    // row's string capacity survive) and sets rowtime (the
    // TIMESTAMP column if declared, else the record timestamp). Returns false
    // without touching rowtime when r has no value (a tombstone): out then
    // holds the key columns and NULL elsewhere.
    result<bool> decode(const record_view& r, row& out, int64_t& rowtime);

    // Only the key columns (into out, resized like decode()).
    status decode_key(std::optional<std::string_view> key, row& out);

    const source_def& source() const;

  private:
    row_decoder();
    struct impl;
    std::unique_ptr<impl> impl_;
};

class row_encoder {
  public:
    static result<std::unique_ptr<row_encoder>> create(const source_def& def);
    ~row_encoder();
    row_encoder(const row_encoder&) = delete;
    row_encoder& operator=(const row_encoder&) = delete;

    // r holds one value per column of def, in column order. The key columns
    // go to key_out and the value columns to value_out (both cleared first).
    // key_null is true when the record key is null: no key columns (or key
    // format NONE), or a single key column holding NULL.
    status encode(const row& r, std::string& key_out, bool& key_null, std::string& value_out);
    // Only the key, as encode() writes it (for a record with a null value).
    status encode_key(const row& r, std::string& key_out, bool& key_null);
    // The same with the values where they are (r[i] for column i), so a
    // caller holding them elsewhere (a projection that lends a column of
    // the joined row) need not copy them into a row first.
    status encode(std::span<const value* const> r, std::string& key_out, bool& key_null,
                  std::string& value_out);
    status encode_key(std::span<const value* const> r, std::string& key_out, bool& key_null);

  private:
    row_encoder();
    std::span<const value* const> pointers(const row& r);
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Appends v (of type t) as JSON text the way ksqlDB's JSON format writes it.
void append_json_value(std::string& out, const value& v, const sql_type& t);

}  // namespace cs::streams
