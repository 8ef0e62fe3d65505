#pragma once

// JSON text <-> Connect's schemaless data values, for REST bodies and the
// config/status topic records: objects become maps with string keys (in
// document order), integers int64, other numbers double. Parsing uses
// simdjson; writing uses formats/json_writer.h's string escaping.

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "connect/data.h"
#include "connect/plugin.h"

namespace cs::connect::rest {

// The error message says what is wrong ("Unexpected end of input ...").
result<data> parse_json(std::string_view text);

void append_json(std::string& out, const data& value);
std::string to_json(const data& value);

// A config map as a JSON object of strings.
void append_json(std::string& out, const config_map& config);

// The value of key in a map value, or nullptr (also when v is no map).
const data* find_member(const data& v, std::string_view key);

// A JSON object whose values are config values: strings as they are, numbers
// and booleans as their text (Connect's Jackson binding does the same for
// Map<String,String>). Members whose value is null are left out unless
// nulls is given, which then receives their keys (PATCH removes them).
// Nested objects or arrays are an error naming the key.
result<config_map> to_config_map(const data& v, std::vector<std::string>* nulls = nullptr);

}  // namespace cs::connect::rest
