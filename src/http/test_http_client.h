#pragma once

// A blocking HTTP/1.1 client for tests: one request per connection
// (Connection: close) to 127.0.0.1:port, the whole response read back.

#include <cstdint>
#include <string>

namespace cs::http::testing {

struct http_reply {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
    std::string header(const std::string& name) const;  // "" when absent
};

http_reply http_call(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = "");

}  // namespace cs::http::testing
