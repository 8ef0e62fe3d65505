#include "broker/net/connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "base/log.h"

namespace cs::broker::net {
namespace {

spdlog::logger& logger() {
    static auto l = cs::log::get("net");
    return *l;
}

// Responses gathered into one write; bounded so one busy connection cannot
// monopolise an I/O thread and so the iovec array stays small.
constexpr size_t kMaxWriteBatch = 128;
// iovecs per sendmsg (IOV_MAX is 1024); a longer run of memory pieces takes
// several calls.
constexpr size_t kMaxIovecs = 128;
// Linux transfers at most this much per sendfile call.
constexpr uint64_t kMaxSendfileBytes = 0x7ffff000;

}  // namespace

// ---- responder -------------------------------------------------------------

responder::responder(responder&& other) noexcept
    : conn_(std::move(other.conn_)), seq_(other.seq_) {}

responder& responder::operator=(responder&& other) noexcept {
    if (this != &other) {
        if (conn_) {
            conn_->complete(seq_, connection::slot_state::dropped, {});
        }
        conn_ = std::move(other.conn_);
        seq_ = other.seq_;
    }
    return *this;
}

responder::~responder() {
    if (conn_) {
        conn_->complete(seq_, connection::slot_state::dropped, {});
    }
}

void responder::respond(std::optional<bytes> body) {
    if (!conn_) {
        logger().error("responder used twice or after move; response ignored");
        return;
    }
    auto conn = std::move(conn_);
    if (body) {
        conn->complete(seq_, connection::slot_state::ready, gather_bytes{std::move(*body), {}});
    } else {
        conn->complete(seq_, connection::slot_state::none, {});
    }
}

void responder::respond(gather_bytes body) {
    if (!conn_) {
        logger().error("responder used twice or after move; response ignored");
        return;
    }
    auto conn = std::move(conn_);
    conn->complete(seq_, connection::slot_state::ready, std::move(body));
}

void responder::close() {
    if (!conn_) {
        logger().error("responder used twice or after move; close ignored");
        return;
    }
    auto conn = std::move(conn_);
    conn->complete(seq_, connection::slot_state::close, {});
}

// ---- connection ------------------------------------------------------------

connection::connection(std::shared_ptr<asio::io_context> ctx, socket_type socket,
                       connection_info info, connection_env& env)
    : ctx_(std::move(ctx)),
      strand_(socket.get_executor()),
      socket_(std::move(socket)),
      info_(std::move(info)),
      env_(env),
      last_activity_ms_(env.clock.monotonic_ms()),
      linger_timer_(strand_),
      rbuf_(env.limits.read_buffer_bytes) {
    // sendfile has no MSG_DONTWAIT: the descriptor itself must not block.
    // Asio's own operations work the same either way.
    asio::error_code ec;
    socket_.native_non_blocking(true, ec);
    if (ec) {
        logger().warn("connection {} from {}: cannot make the socket non-blocking: {}", info_.id,
                      info_.peer, ec.message());
    }
}

void connection::start() {
    asio::post(strand_, [self = shared_from_this()] { self->read_more(); });
}

void connection::begin_drain() {
    asio::post(strand_, [self = shared_from_this()] {
        if (self->closed_ || self->draining_) {
            return;
        }
        self->draining_ = true;
        // Requests already handed to the handler still get their answers;
        // bytes not yet parsed are dropped with the connection.
        self->pump();
    });
}

void connection::close_if_idle(int64_t now_ms) {
    asio::post(strand_, [self = shared_from_this(), now_ms] {
        const int64_t idle = now_ms - self->last_activity_ms();
        if (self->closed_ || !self->slots_.empty() || self->write_in_progress_ ||
            idle < self->env_.limits.idle_timeout_ms) {
            return;  // busy or touched since the check was scheduled
        }
        server_counters::add(self->env_.counters.idle_closes);
        logger().info("closing idle connection {} from {} on listener {} (no traffic for {} ms)",
                      self->info_.id, self->info_.peer, self->info_.listener, idle);
        self->close("idle");
    });
}

void connection::force_close(const char* reason) {
    asio::post(strand_, [self = shared_from_this(), reason] { self->close(reason); });
}

void connection::touch() {
    last_activity_ms_.store(env_.clock.monotonic_ms(), std::memory_order_relaxed);
}

// ---- completion ------------------------------------------------------------

void connection::complete(uint64_t seq, slot_state state, gather_bytes body) {
    if (strand_.running_in_this_thread()) {
        complete_on_strand(seq, state, std::move(body));
        return;
    }
    if (ctx_->stopped()) {
        return;  // the server is gone or going; nobody will write this
    }
    asio::post(strand_, [self = shared_from_this(), seq, state, b = std::move(body)]() mutable {
        self->complete_on_strand(seq, state, std::move(b));
    });
}

void connection::complete_on_strand(uint64_t seq, slot_state state, gather_bytes body) {
    if (state == slot_state::dropped) {
        server_counters::add(env_.counters.responders_dropped);
        logger().warn(
            "request handler dropped the responder of request #{} on connection {} from {}; "
            "closing the connection",
            seq, info_.id, info_.peer);
    }
    if (closed_ || seq < head_seq_ || seq - head_seq_ >= slots_.size()) {
        return;
    }
    slot& s = slots_[seq - head_seq_];
    s.state = state == slot_state::dropped ? slot_state::close : state;
    if (s.state == slot_state::close) {
        draining_ = true;  // read no further requests; earlier ones still get answers
    }
    s.body = std::move(body);
    pump();
}

// ---- write side ------------------------------------------------------------

void connection::pump() {
    if (closed_ || write_in_progress_) {
        return;
    }
    while (!slots_.empty() && writing_.size() < kMaxWriteBatch) {
        slot& s = slots_.front();
        if (s.state == slot_state::pending) {
            break;
        }
        if (s.state == slot_state::close) {
            close_after_write_ = true;
            break;
        }
        if (s.state == slot_state::ready) {
            if (s.body.size() > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
                logger().error("response of {} bytes on connection {} from {} cannot be framed",
                               s.body.size(), info_.id, info_.peer);
                close("oversized response");
                return;
            }
            store_be<int32_t>(s.prefix.data(), static_cast<int32_t>(s.body.size()));
            writing_.push_back(std::move(s));
        }
        slots_.pop_front();
        ++head_seq_;
    }
    if (writing_.empty()) {
        if (close_after_write_) {
            close_gracefully("closed by request handler");
        } else if (draining_ && slots_.empty()) {
            close_gracefully("server shutdown");
        } else if (!reading_ && !draining_) {
            read_more();  // may have been paused by back-pressure
        }
        return;
    }
    for (const slot& w : writing_) {
        add_memory_piece(w.prefix.data(), w.prefix.size());
        const bytes& in = w.body.inline_bytes;
        size_t from = 0;
        for (const auto& sp : w.body.splices) {
            add_memory_piece(in.data() + from, sp.at - from);
            from = sp.at;
            if (sp.chunk.data != nullptr) {
                add_memory_piece(sp.chunk.data, sp.chunk.length);
            } else if (sp.chunk.length > 0) {
                pieces_.push_back({nullptr, sp.chunk.fd, sp.chunk.position, sp.chunk.length});
            }
        }
        add_memory_piece(in.data() + from, in.size() - from);
    }
    write_in_progress_ = true;
    piece_ = 0;
    piece_done_ = 0;
    batch_written_ = 0;
    continue_write();
    if (!reading_ && !draining_) {
        read_more();
    }
}

void connection::add_memory_piece(const std::byte* data, uint64_t length) {
    if (length > 0) {
        pieces_.push_back({data, -1, 0, length});
    }
}

// Writes pieces until done or the socket is full. Runs on the strand; the
// completion is always posted, never run inline, as with Asio's own writes.
void connection::continue_write() {
    const int sock = socket_.native_handle();
    while (piece_ < pieces_.size()) {
        const out_piece& p = pieces_[piece_];
        ssize_t n;
        if (p.data != nullptr) {
            std::array<iovec, kMaxIovecs> iov;
            size_t count = 0;
            for (size_t i = piece_;
                 i < pieces_.size() && count < iov.size() && pieces_[i].data != nullptr; ++i) {
                const uint64_t skip = i == piece_ ? piece_done_ : 0;
                // iovec wants a mutable pointer; sendmsg only reads.
                iov[count++] = {const_cast<std::byte*>(pieces_[i].data + skip),
                                static_cast<size_t>(pieces_[i].length - skip)};
            }
            msghdr msg{};
            msg.msg_iov = iov.data();
            msg.msg_iovlen = count;
            n = ::sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        } else {
            auto off = static_cast<off_t>(p.position + piece_done_);
            n = ::sendfile(sock, p.fd, &off, std::min(p.length - piece_done_, kMaxSendfileBytes));
            if (n == 0) {
                // The file is shorter than the range the response promised
                // (truncated since it was read): the frame cannot be completed.
                logger().error(
                    "connection {} from {}: file (fd {}) ended at {} inside a response range "
                    "[{}, {}); closing",
                    info_.id, info_.peer, p.fd, p.position + piece_done_, p.position,
                    p.position + p.length);
                asio::post(strand_,
                           [self = shared_from_this()] { self->on_written(asio::error::eof, 0); });
                return;
            }
        }
        if (n < 0) {
            const int err = errno;
            if (err == EINTR) {
                continue;
            }
            if (err == EAGAIN || err == EWOULDBLOCK) {
                socket_.async_wait(socket_type::wait_write,
                                   [self = shared_from_this()](const asio::error_code& ec) {
                                       self->on_writable(ec);
                                   });
                return;
            }
            asio::post(strand_, [self = shared_from_this(), err] {
                self->on_written(asio::error_code(err, asio::error::get_system_category()), 0);
            });
            return;
        }
        // Advance past what was written, possibly across several pieces.
        auto left = static_cast<uint64_t>(n);
        batch_written_ += left;
        while (left > 0) {
            const uint64_t rest = pieces_[piece_].length - piece_done_;
            if (left < rest) {
                piece_done_ += left;
                break;
            }
            left -= rest;
            ++piece_;
            piece_done_ = 0;
        }
    }
    asio::post(strand_, [self = shared_from_this(), n = batch_written_] {
        self->on_written({}, static_cast<size_t>(n));
    });
}

void connection::on_writable(const asio::error_code& ec) {
    if (closed_ || ec) {
        on_written(ec ? ec : asio::error::operation_aborted, 0);
        return;
    }
    continue_write();
}

void connection::on_written(const asio::error_code& ec, size_t n) {
    write_in_progress_ = false;
    const size_t count = writing_.size();
    writing_.clear();  // keeps capacity: no per-batch allocation once warm
    pieces_.clear();
    if (!ec) {
        // Written, even if the peer closed before this completion ran (the
        // client may have read every response and hung up already).
        server_counters::add(env_.counters.bytes_out, n);
        server_counters::add(env_.counters.responses_sent, count);
    }
    if (closed_) {
        return;
    }
    if (ec) {
        logger().debug("write to {} (connection {}) failed: {}", info_.peer, info_.id,
                       ec.message());
        close("write error");
        return;
    }
    touch();
    pump();
}

// ---- read side -------------------------------------------------------------

void connection::read_more() {
    // Not while parse_frames() runs: it may still move bytes inside rbuf_.
    if (closed_ || draining_ || reading_ || parsing_) {
        return;
    }
    if (slots_.size() >= env_.limits.max_in_flight) {
        return;  // resumed by pump() as responses leave the queue
    }
    reading_ = true;
    socket_.async_read_some(asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
                            [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                                self->on_read(ec, n);
                            });
}

void connection::on_read(const asio::error_code& ec, size_t n) {
    reading_ = false;
    if (closed_) {
        return;
    }
    if (lingering_) {
        on_linger_read(ec, n);
        return;
    }
    if (ec) {
        if (ec == asio::error::eof) {
            if (rend_ > rstart_) {
                logger().info("connection {} from {} closed mid-frame ({} bytes unparsed)",
                              info_.id, info_.peer, rend_ - rstart_);
            }
            close("peer closed");
        } else if (ec != asio::error::operation_aborted) {
            logger().debug("read from {} (connection {}) failed: {}", info_.peer, info_.id,
                           ec.message());
            close("read error");
        }
        return;
    }
    server_counters::add(env_.counters.bytes_in, n);
    rend_ += n;
    touch();
    if (draining_) {
        return;
    }
    parse_frames();
}

void connection::parse_frames() {
    parsing_ = true;
    while (!closed_ && !draining_ && rend_ - rstart_ >= kFrameLengthBytes) {
        const size_t avail = rend_ - rstart_;
        const std::byte* p = rbuf_.data() + rstart_;
        const int32_t len = load_be<int32_t>(p);
        const frame_length_check check = check_request_length(len, env_.limits.max_request_bytes);
        if (check != frame_length_check::ok) {
            server_counters::add(check == frame_length_check::too_short
                                     ? env_.counters.requests_malformed
                                     : env_.counters.requests_rejected_size);
            logger().warn(
                "closing connection {} from {} on listener {}: request length {} is {} "
                "(socket.request.max.bytes={})",
                info_.id, info_.peer, info_.listener, len, describe(check),
                env_.limits.max_request_bytes);
            parsing_ = false;
            close("bad frame length");
            return;
        }
        const size_t total = kFrameLengthBytes + static_cast<size_t>(len);
        if (avail >= total) {
            bytes frame(p + kFrameLengthBytes, p + total);
            rstart_ += total;
            dispatch(std::move(frame));
            continue;
        }
        if (total > rbuf_.size()) {
            // Too big for the read buffer: read the rest straight into the frame.
            const size_t have = avail - kFrameLengthBytes;
            large_.resize(static_cast<size_t>(len));
            std::memcpy(large_.data(), p + kFrameLengthBytes, have);
            rstart_ = rend_ = 0;
            parsing_ = false;
            read_large_body(have);
            return;
        }
        break;
    }
    parsing_ = false;
    if (closed_ || draining_) {
        return;
    }
    if (rstart_ == rend_) {
        rstart_ = rend_ = 0;
    } else if (rstart_ > 0) {
        std::memmove(rbuf_.data(), rbuf_.data() + rstart_, rend_ - rstart_);
        rend_ -= rstart_;
        rstart_ = 0;
    }
    read_more();
}

void connection::read_large_body(size_t have) {
    reading_ = true;
    asio::async_read(socket_, asio::buffer(large_.data() + have, large_.size() - have),
                     [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                         self->on_large_body(ec, n);
                     });
}

void connection::on_large_body(const asio::error_code& ec, size_t n) {
    reading_ = false;
    if (closed_) {
        return;
    }
    if (lingering_) {
        close(linger_reason_);
        return;
    }
    server_counters::add(env_.counters.bytes_in, n);
    if (ec) {
        if (ec == asio::error::eof) {
            logger().info("connection {} from {} closed mid-frame ({} of {} bytes)", info_.id,
                          info_.peer, n, large_.size());
        }
        close(ec == asio::error::eof ? "peer closed" : "read error");
        return;
    }
    touch();
    if (draining_) {
        return;
    }
    bytes frame;
    frame.swap(large_);
    dispatch(std::move(frame));
    if (!closed_) {
        read_more();
    }
}

void connection::dispatch(bytes frame) {
    server_counters::add(env_.counters.requests_received);
    const uint64_t seq = next_seq_++;
    slots_.emplace_back();
    try {
        env_.handler.handle(info_, std::move(frame), responder(shared_from_this(), seq));
    } catch (const std::exception& e) {
        logger().error("request handler threw on connection {} from {}: {}", info_.id, info_.peer,
                       e.what());
        close("request handler threw");
    }
}

// ---- close -----------------------------------------------------------------

// Closing a socket whose receive queue holds unread bytes makes the kernel
// send RST and discard responses still in the send queue. So a close that
// must deliver what was written sends FIN, reads and discards until the peer
// closes too, and only then closes; close_linger_ms bounds the wait.
void connection::close_gracefully(const char* reason) {
    if (closed_ || lingering_) {
        return;
    }
    lingering_ = true;
    linger_reason_ = reason;
    asio::error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_send, ignored);
    linger_timer_.expires_after(std::chrono::milliseconds(env_.limits.close_linger_ms));
    linger_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
        if (!ec) {
            self->close(self->linger_reason_);
        }
    });
    if (!reading_) {
        rstart_ = rend_ = 0;
        reading_ = true;
        socket_.async_read_some(asio::buffer(rbuf_),
                                [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                                    self->on_read(ec, n);
                                });
    }
}

void connection::on_linger_read(const asio::error_code& ec, size_t n) {
    if (ec) {
        close(linger_reason_);  // EOF: the peer saw our FIN and closed
        return;
    }
    server_counters::add(env_.counters.bytes_in, n);
    rstart_ = rend_ = 0;
    reading_ = true;
    socket_.async_read_some(
        asio::buffer(rbuf_),
        [self = shared_from_this()](const asio::error_code& e, size_t m) { self->on_read(e, m); });
}

void connection::close(const char* reason) {
    if (closed_) {
        return;
    }
    closed_ = true;
    logger().debug("connection {} from {} on listener {} closed: {}", info_.id, info_.peer,
                   info_.listener, reason);
    asio::error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_both, ignored);
    socket_.close(ignored);
    linger_timer_.cancel();
    slots_.clear();
    bytes().swap(large_);
    env_.owner.on_connection_closed(*this);
}

}  // namespace cs::broker::net
