#pragma once

// JSON <-> value conversion for the JSON record format (serde.h): reading a
// simdjson DOM element as a value of a declared type with ksqlDB's coercions
// and field matching, and nothing else. Internal to the streams runtime.

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "base/result.h"
#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams::serde_detail {

// Reads e as type t: JSON null -> NULL; numbers/strings/booleans coerce as
// ksqlDB's JSON deserializer does (a numeric string fills a number column, a
// number fills a STRING column with its text); a value that does not fit is
// an error saying what was expected and what was found.
result<value> json_to_value(simdjson::dom::element e, const sql_type& t);

// Matches the fields of obj against names (ksqlDB: exact name first, else
// case-insensitive, last one wins) and stores, for each name, the matched
// element in found (missing: found[i] is a NULL-typed sentinel, see below).
// found and state are resized to names.size(). state[i] is 0 for missing.
//
// cache (optional): records of one topic almost always carry the same keys
// in the same order, so the outcome of the last full match is kept and
// replayed when this object's keys are the same, one comparison per key
// instead of a search over the names (twice, when the columns are
// upper-cased and the JSON is not). A different key sequence matches in full
// and replaces the cache.
struct field_match_cache {
    std::vector<std::string> keys;  // the last fully matched object's keys, in order
    std::vector<int32_t> column;    // per key: the name it was matched to, or -1
    std::vector<uint8_t> how;       // per key: the state it gave that name
    bool valid = false;
};
void match_fields(simdjson::dom::object obj, const std::vector<std::string>& names,
                  std::vector<simdjson::dom::element>& found, std::vector<uint8_t>& state,
                  field_match_cache* cache = nullptr);

// A short excerpt of e's JSON text for error messages.
std::string json_excerpt(simdjson::dom::element e);

}  // namespace cs::streams::serde_detail
