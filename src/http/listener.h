#pragma once

// Where an HTTP server listens, as its users write it: a listener URL
// "http://host:port" (the `listeners` key of Connect and ksqlDB) or a bare
// "host:port" (--listen). An empty host means every interface; IPv6 hosts
// are written in brackets, http://[::1]:8088.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cs::http {

struct listen_address {
    std::string host;  // empty: every interface
    uint16_t port = 0;
};

// "http://host:port"; other schemes (https) are refused as unsupported.
result<listen_address> parse_http_listener(std::string_view text);

// "host:port".
result<listen_address> parse_host_port(std::string_view text);

}  // namespace cs::http
