#pragma once

// JsonConverter's two halves, shared by the converter and the offset store:
// reading Connect schemas and values from a simdjson DOM, writing them as
// JSON text. Internal to the converters (includes simdjson).
//
// Schema JSON is Connect's: {"type": "struct", "fields": [{"type": "int32",
// "optional": false, "field": "id"}], "optional": false, "name": ...,
// "version": ..., "doc": ..., "parameters": {...}, "default": ...}; arrays
// have "items", maps "keys" and "values".

#include <string>

#include <simdjson.h>

#include "base/result.h"
#include "connect/data.h"

namespace cs::connect::json_codec {

enum class decimal_format { base64, numeric };

struct options {
    decimal_format decimals = decimal_format::base64;
    bool replace_null_with_default = true;
};

result<schema_ptr> read_schema(simdjson::dom::element e, const options& opt);
// schema null: schemaless (objects -> maps with string keys, integers ->
// int64, other numbers -> double). value nullptr: the field is absent.
result<data> read_value(const schema_ptr& schema, const simdjson::dom::element* value,
                        const options& opt);

void write_schema(std::string& out, const schema& s, const options& opt);
status write_value(std::string& out, const schema_ptr& schema, const data& value,
                   const options& opt);
// A double as JSON text that reads back to the same value ("1.0", "2.5E-7").
void append_double(std::string& out, double d);

}  // namespace cs::connect::json_codec
