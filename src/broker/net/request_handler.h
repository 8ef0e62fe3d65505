#pragma once

// The seam between the network server and the rest of the broker.
//
// Threading: request_handler::handle() is called on an I/O thread, inside the
// connection's strand, so calls for one connection never overlap and arrive in
// request order; calls for different connections run concurrently on up to
// num.network.threads threads. handle() must not block (no fsync, no waits):
// slow work goes elsewhere and completes the responder later.
//
// A responder may be completed from any thread (an I/O thread, a storage
// flusher, a timer): completion is marshalled onto the connection's strand.
// Completing inside handle() itself takes a fast path without a post.
// Responses are written in request order whatever order responders complete
// in (see connection.h).
//
// Lifetime: a responder keeps its connection object (not the socket) alive.
// Completing it after its connection closed, after server::stop(), or even
// after the server was destroyed is safe and does nothing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/gather.h"

namespace cs::broker::net {

class connection;

struct connection_info {
    uint64_t id = 0;         // unique per server, never reused
    std::string peer;        // "ip:port" of the client
    std::string listener;    // name of the listener that accepted it
    std::string local_host;  // our address as the client reached it, e.g. "127.0.0.1"
    uint16_t local_port = 0;
};

// The one-shot answer to one request. Move-only. Exactly one of respond() or
// close() should be called; a responder destroyed without either closes the
// connection (logged as a handler bug) so a lost request never hangs it.
class responder {
  public:
    responder() = default;
    responder(responder&& other) noexcept;
    responder& operator=(responder&& other) noexcept;
    responder(const responder&) = delete;
    responder& operator=(const responder&) = delete;
    ~responder();

    // `body` is the response without its length prefix (correlation id first).
    // std::nullopt means "this request has no response" (Produce with acks=0):
    // the slot is dropped without disturbing the order of the others.
    void respond(std::optional<bytes> body);
    // A body with external chunks (file ranges are sent with sendfile). The
    // chunks' owners are kept until the bytes are written or the connection
    // closes.
    void respond(gather_bytes body);

    // Closes the connection once every earlier response has been written
    // (Kafka's answer to a request it cannot parse).
    void close();

    // False once completed or moved from.
    bool valid() const { return conn_ != nullptr; }

  private:
    friend class connection;
    responder(std::shared_ptr<connection> conn, uint64_t seq) : conn_(std::move(conn)), seq_(seq) {}

    std::shared_ptr<connection> conn_;
    uint64_t seq_ = 0;
};

class request_handler {
  public:
    virtual ~request_handler() = default;

    // One complete request frame (no length prefix). See the threading notes above.
    // An exception escaping handle() closes the connection.
    virtual void handle(const connection_info& conn, bytes frame, responder r) = 0;
};

}  // namespace cs::broker::net
