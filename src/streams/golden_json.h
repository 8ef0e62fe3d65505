#pragma once

// A small JSON document model for the SQL golden-file tests (golden_test.cc):
// it reads the golden files and the records a query writes. Unlike a
// general-purpose DOM it keeps what a golden comparison needs to see:
// object members in document order (ksqlDB writes the columns in schema
// order) and numbers as their text (DOUBLE 1.0 is not BIGINT 1, DECIMAL
// 12.30 is not 12.3). Test code only.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace cs::streams::golden {

struct json {
    enum class kind { null, boolean, number, string, array, object };
    kind k = kind::null;
    bool b = false;
    std::string text;  // number: its text as written; string: the decoded characters
    std::vector<json> items;
    std::vector<std::pair<std::string, json>> members;  // document order

    bool is_null() const { return k == kind::null; }
    bool is_string() const { return k == kind::string; }
    bool is_object() const { return k == kind::object; }
    bool is_array() const { return k == kind::array; }
    // The member named `name`, or nullptr.
    const json* find(std::string_view name) const;
};

// Parses one JSON text (surrounding whitespace allowed). Errors name the
// line and column.
result<json> parse_json(std::string_view text);

// Compact JSON text: no whitespace, members in order, numbers as written.
std::string to_json(const json& v);

// Equality that also requires the same member order and number text.
bool same_json(const json& a, const json& b);

// Where `actual` first differs from `expected`, e.g. "$.USER.NAME: expected
// "a", actual "b""; empty when they are the same.
std::string json_difference(const json& expected, const json& actual);

}  // namespace cs::streams::golden
