#pragma once

// A small HTTP/1.1 server on Asio, shared by the Connect REST API and the
// ksqlDB REST API of `clickstream streams`.
//
// Threading: a fixed pool of I/O threads runs the io_context; each
// connection has at most one operation outstanding, so its requests are
// handled one at a time, in order (pipelined requests are answered in the
// order they arrived). The handler runs on an I/O thread and may block
// (the herder writes to Kafka), so it must be thread-safe; other
// connections keep being served by the other threads. A streamed response
// (response::stream, e.g. a push query's rows) holds its I/O thread until
// its streamer returns, so size `threads` for the concurrent streams; the
// streamer sees the client go away or stop() begin through body_writer.
//
// A malformed or oversized request gets one error response
// ({"error_code":N,"message":...}) and its connection is closed; the server
// and other connections are unaffected. A handler that throws yields 500.
//
// Lifecycle: start() binds and listens before returning (port 0 picks a free
// port, see port()); stop() closes the listener and every connection and
// joins the threads. The destructor stops.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/http_message.h"
#include "http/request_parser.h"

namespace cs::http {

using handler = std::function<response(const request&)>;

struct server_options {
    std::string host = "127.0.0.1";  // "" or "0.0.0.0": every interface
    uint16_t port = 0;               // 0: a free port
    int threads = 2;
    parser_limits limits;
};

class server {
  public:
    static result<std::unique_ptr<server>> start(server_options options, handler h);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    uint16_t port() const;
    // Idempotent; safe to call from any thread except an I/O thread.
    void stop();

    struct impl;

  private:
    explicit server(std::unique_ptr<impl> i);
    std::unique_ptr<impl> impl_;
};

}  // namespace cs::http
