#pragma once

#include <map>
#include <string>
#include <utility>

namespace cs::streams {

// What one REST request brings besides its statements, for that request
// only: property overrides layered over the session's properties
// (ksqlDB's streamsProperties) and variables layered over the session's
// DEFINEs (sessionVariables: ksqlDB's CLI and clients send their DEFINEs
// with every request).
struct request_scope {
    request_scope() = default;
    // NOLINTNEXTLINE(google-explicit-constructor): a bare map is the properties
    request_scope(std::map<std::string, std::string> props) : properties(std::move(props)) {}
    std::map<std::string, std::string> properties;
    std::map<std::string, std::string> variables;
};

}  // namespace cs::streams
