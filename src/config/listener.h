#pragma once

// Kafka listener strings: NAME://host:port[,NAME://host:port...]. The name is
// looked up in listener.security.protocol.map; an empty host means every
// interface (in advertised listeners: the machine's host name); IPv6 hosts
// are written in brackets, [::1]:9092.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cs::config {

struct listener {
    std::string name;               // e.g. PLAINTEXT, CONTROLLER, INTERNAL
    std::string host;               // empty: all interfaces
    uint16_t port = 0;              // 0: any free port (tests)
    std::string security_protocol;  // from the protocol map, e.g. PLAINTEXT

    bool operator==(const listener&) const = default;
    std::string to_string() const;  // NAME://host:port
};

// Parses "NAME:PROTOCOL,..." (listener.security.protocol.map).
result<std::map<std::string, std::string>> parse_protocol_map(std::string_view text);

// Parses a listener list. Errors name the offending entry; names must be
// unique and known to protocol_map.
result<std::vector<listener>> parse_listeners(
    std::string_view text, const std::map<std::string, std::string>& protocol_map);

}  // namespace cs::config
