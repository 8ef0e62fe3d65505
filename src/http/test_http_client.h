#pragma once

// A blocking HTTP/1.1 client for tests: one request per connection
// (Connection: close) to 127.0.0.1:port, the whole response read back
// (a chunked body decoded). http_stream reads a streamed response as it
// comes and can hang up mid-way.

#include <cstdint>
#include <string>
#include <vector>

namespace cs::http::testing {

struct http_reply {
    int status = 0;
    std::string head;                                   // status line and headers
    std::string body;                                   // chunked transfer encoding removed
    std::vector<std::string> chunks;                    // a chunked body's chunks, in order
    std::string header(const std::string& name) const;  // "" when absent
};

// `headers`: extra header lines, each ending in \r\n (a Content-Type
// replaces the default application/json).
http_reply http_call(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& headers = "");

// A request whose response is read piece by piece (SO_RCVTIMEO 10 s).
class http_stream {
  public:
    http_stream(uint16_t port, const std::string& method, const std::string& target,
                const std::string& body, const std::string& headers = "");
    ~http_stream();
    http_stream(const http_stream&) = delete;
    http_stream& operator=(const http_stream&) = delete;

    // Reads until the bytes received so far contain `marker`; all of them.
    // Stops early when the peer closes or 10 s pass without data.
    const std::string& read_until(const std::string& marker);
    // Reads until the peer closes.
    const std::string& read_all();
    const std::string& received() const { return received_; }
    // Hangs up.
    void close();

  private:
    int fd_ = -1;
    std::string received_;
};

// The chunks of a chunked body (without sizes and CRLFs).
std::vector<std::string> dechunk(const std::string& body);

}  // namespace cs::http::testing
