#pragma once

// One client connection: reads Kafka frames, hands each to the request
// handler, and writes the responses back in request order.
//
// Threading: every member function except the public "any thread" ones runs
// on the connection's strand; the strand is also the socket's executor, so
// all socket completions land on it. Several I/O threads may serve different
// connections at once, never the same one.
//
// Ordering: each dispatched request gets a slot in `slots_` (a FIFO in
// request order, identified by a sequence number). Responders fill slots in
// any order; pump() writes out the ready prefix of the queue, gathering many
// responses into one batch (4-byte prefix + body each). A batch is a list of
// pieces written in order: runs of memory pieces with one sendmsg (iovec),
// file ranges (external chunks of a gather_bytes body) with sendfile, so
// fetched records go from the page cache to the socket without a user-space
// copy. The socket is non-blocking; on EAGAIN the writer waits for
// writability and resumes at the same byte.
//
// Lifecycle: open -> (draining: no new requests are read; closes itself once
// every slot is written) -> [lingering: FIN sent after the last response,
// input discarded until the peer closes] -> closed. Protocol violations and
// idle timeouts skip straight to closed. close() shuts the socket and tells the
// owner, which drops it from its registry; the object itself lives on while
// pending handlers or responders hold a shared_ptr, and ignores them.
//
// Back-pressure: at most limits.max_in_flight requests are outstanding per
// connection; beyond that, reading pauses until responses drain.

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

#include <asio.hpp>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/gather.h"
#include "broker/net/counters.h"
#include "broker/net/frame.h"
#include "broker/net/request_handler.h"

namespace cs::broker::net {

struct connection_limits {
    int32_t max_request_bytes = 0;
    int64_t idle_timeout_ms = 0;  // <= 0: never idle-closed
    size_t max_in_flight = 0;
    size_t read_buffer_bytes = 0;
    int64_t close_linger_ms = 0;
};

// What a connection needs from the server that owns it. Outlives every strand
// handler of the connection (the server joins its I/O threads before dying).
class connection_owner {
  public:
    virtual void on_connection_closed(const connection& c) = 0;

  protected:
    ~connection_owner() = default;
};

struct connection_env {
    request_handler& handler;
    server_counters& counters;
    const connection_limits& limits;
    cs::clock& clock;
    connection_owner& owner;
};

class connection : public std::enable_shared_from_this<connection> {
  public:
    using strand_type = asio::strand<asio::io_context::executor_type>;
    // The strand is the socket's executor, so every completion runs on it.
    using socket_type = asio::basic_stream_socket<asio::ip::tcp, strand_type>;

    connection(std::shared_ptr<asio::io_context> ctx, socket_type socket, connection_info info,
               connection_env& env);

    const connection_info& info() const { return info_; }
    int64_t last_activity_ms() const { return last_activity_ms_.load(std::memory_order_relaxed); }

    // Any thread.
    void start();
    void begin_drain();
    void close_if_idle(int64_t now_ms);
    void force_close(const char* reason);

  private:
    friend class responder;

    enum class slot_state : uint8_t { pending, ready, none, close, dropped };
    struct slot {
        slot_state state = slot_state::pending;
        std::array<std::byte, kFrameLengthBytes> prefix{};
        gather_bytes body;
    };
    // A contiguous part of the batch being written.
    struct out_piece {
        const std::byte* data;  // nullptr: a file range
        int fd;
        uint64_t position;
        uint64_t length;
    };

    // Any thread: a responder finished.
    void complete(uint64_t seq, slot_state state, gather_bytes body);
    void complete_on_strand(uint64_t seq, slot_state state, gather_bytes body);

    void read_more();
    void on_read(const asio::error_code& ec, size_t n);
    void parse_frames();
    void read_large_body(size_t have);
    void on_large_body(const asio::error_code& ec, size_t n);
    void dispatch(bytes frame);
    void pump();
    void add_memory_piece(const std::byte* data, uint64_t length);
    void continue_write();
    void on_writable(const asio::error_code& ec);
    void on_written(const asio::error_code& ec, size_t n);
    void close(const char* reason);
    void close_gracefully(const char* reason);
    void on_linger_read(const asio::error_code& ec, size_t n);
    void touch();

    // Keeps the io_context (and with it the strand and socket services) alive
    // for as long as this object, so a late responder never touches freed memory.
    std::shared_ptr<asio::io_context> ctx_;
    strand_type strand_;
    socket_type socket_;
    const connection_info info_;
    connection_env& env_;
    std::atomic<int64_t> last_activity_ms_;
    asio::steady_timer linger_timer_;

    // Read side: frames are parsed out of rbuf_[rstart_, rend_); a frame larger
    // than the buffer is read straight into large_.
    bytes rbuf_;
    size_t rstart_ = 0;
    size_t rend_ = 0;
    bytes large_;
    bool reading_ = false;
    bool parsing_ = false;

    // Response side.
    std::deque<slot> slots_;
    uint64_t head_seq_ = 0;  // sequence number of slots_.front()
    uint64_t next_seq_ = 0;
    std::vector<slot> writing_;  // the batch being written; pieces_ point into it
    std::vector<out_piece> pieces_;
    size_t piece_ = 0;            // first piece not completely written
    uint64_t piece_done_ = 0;     // bytes of pieces_[piece_] already written
    uint64_t batch_written_ = 0;  // bytes of the batch written so far
    bool write_in_progress_ = false;
    bool close_after_write_ = false;

    bool draining_ = false;
    bool lingering_ = false;  // FIN sent; discarding input until the peer closes
    const char* linger_reason_ = "";
    bool closed_ = false;
};

}  // namespace cs::broker::net
