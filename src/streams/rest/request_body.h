#pragma once

// The JSON bodies of ksqlDB's REST requests: {"ksql":..., "streamsProperties":
// {...}} (/ksql, /query) and {"sql":..., "properties":{...}} (/query-stream),
// {"queryId":...} (/close-query).

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "streams/request_scope.h"

namespace cs::streams::rest {

struct statement_request {
    std::string sql;
    // Property overrides; numbers and booleans are kept as their JSON text.
    std::map<std::string, std::string> properties;
    // sessionVariables: name -> value (numbers and booleans as their JSON
    // text, as ksqlDB's toString()).
    std::map<std::string, std::string> variables;
};

// The request's properties and variables as the engine takes them.
inline request_scope scope_of(statement_request&& r) {
    request_scope s;
    s.properties = std::move(r.properties);
    s.variables = std::move(r.variables);
    return s;
}

// Reads `sql_key` (required string) and `properties_key` (optional object)
// of a JSON object, and sessionVariables (optional object); an error names
// what is wrong with the body. Other members (commandSequenceNumber, ...)
// are ignored.
result<statement_request> parse_statement_request(std::string_view body, std::string_view sql_key,
                                                  std::string_view properties_key);

// Reads a required string member of a JSON object body.
result<std::string> parse_string_member(std::string_view body, std::string_view key);

}  // namespace cs::streams::rest
