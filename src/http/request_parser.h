#pragma once

// An incremental HTTP/1.1 request parser: bytes go in as they arrive, whole
// requests come out in order, so pipelined requests in one read are served
// one after another. Bodies are read by Content-Length only; a request with
// Transfer-Encoding is refused (501), which curl and Connect's clients never
// send for these small JSON bodies.
//
// Limits protect the worker: the request line plus headers may not exceed
// max_header_bytes (431) and a body may not exceed max_body_bytes (413). Any
// error leaves the parser unusable: the connection answers once and closes.

#include <cstddef>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace cs::http {

struct parser_limits {
    size_t max_header_bytes = 64 * 1024;
    size_t max_body_bytes = 16 * 1024 * 1024;
};

class request_parser {
  public:
    enum class state { need_more, complete, error };

    explicit request_parser(parser_limits limits = {}) : limits_(limits) {}

    // Appends bytes to the internal buffer.
    void feed(std::string_view bytes) { buffer_.append(bytes); }

    // Tries to take one whole request from the buffer. complete: req holds
    // it and the bytes are consumed; need_more: nothing consumed; error:
    // error_status()/error_message() say why.
    state next(request& req);

    int error_status() const { return error_status_; }
    const std::string& error_message() const { return error_message_; }
    size_t buffered() const { return buffer_.size(); }

  private:
    state fail(int status, std::string message);

    parser_limits limits_;
    std::string buffer_;
    int error_status_ = 0;
    std::string error_message_;
};

}  // namespace cs::http
