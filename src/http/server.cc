#include "http/server.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <asio.hpp>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include "base/log.h"
#include "base/thread_name.h"
#include "formats/json_writer.h"

namespace cs::http {
namespace {

using tcp = asio::ip::tcp;

std::string error_body(int status, std::string_view message) {
    std::string out;
    formats::json_object_writer w(out);
    w.number("error_code", int64_t{status}).string("message", message);
    w.close();
    return out;
}

}  // namespace

class session;

struct server::impl {
    server_options options;
    handler h;
    asio::io_context ctx;
    tcp::acceptor acceptor{ctx};
    // Every operation on the acceptor (async_accept, the completion that
    // re-arms it, close() from stop()) runs on this strand: an acceptor is
    // not safe to use from two threads at once.
    asio::strand<asio::io_context::executor_type> accept_strand = asio::make_strand(ctx);
    std::vector<std::thread> threads;
    std::mutex mu;
    std::set<std::shared_ptr<session>> sessions;
    bool stopped = false;
    // Set first by stop(): streamed responses end (their connection's
    // strand is busy until they return, so closing it cannot reach them).
    std::atomic<bool> stopping{false};
    uint16_t bound_port = 0;

    void accept();
    void remove(const std::shared_ptr<session>& s) {
        std::lock_guard lock(mu);
        sessions.erase(s);
    }
};

class session : public std::enable_shared_from_this<session> {
  public:
    session(server::impl& srv, tcp::socket socket)
        : srv_(srv), socket_(std::move(socket)), parser_(srv.options.limits) {}

    void begin() { process(); }

    // Closes on the connection's strand, so it never races a handler of
    // this connection running on another I/O thread.
    void close_async() {
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
    }

    void close() {
        asio::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

  private:
    // Serves every whole request already buffered, then reads more.
    void process() {
        request req;
        switch (parser_.next(req)) {
            case request_parser::state::complete: {
                response resp = call(req);
                if (!req.keep_alive()) {
                    resp.close = true;
                }
                if (resp.stream) {
                    stream(req, std::move(resp));
                } else {
                    write(std::move(resp));
                }
                return;
            }
            case request_parser::state::need_more:
                read();
                return;
            case request_parser::state::error: {
                log::get("http")->info("closing connection from {}: {} ({})", peer(),
                                       parser_.error_message(), parser_.error_status());
                response resp =
                    response::json(parser_.error_status(),
                                   error_body(parser_.error_status(), parser_.error_message()));
                resp.close = true;
                write(std::move(resp));
                return;
            }
        }
    }

    response call(const request& req) {
        try {
            return srv_.h(req);
        } catch (const std::exception& e) {
            log::get("http")->error("{} {} failed: {}", req.method, req.target, e.what());
            return response::json(500, error_body(500, e.what()));
        }
    }

    // A streamed response, written synchronously on this connection's
    // strand (nothing else is outstanding on it) while the handler's
    // streamer runs; then the last chunk goes out as any response.
    void stream(const request& req, response resp) {
        bool chunked = req.minor_version >= 1;
        if (!chunked) {
            resp.close = true;  // the body ends with the connection
        }
        asio::error_code ec;
        socket_.native_non_blocking(true, ec);
        stream_writer w(*this, chunked, serialize(resp, chunked));
        bool ok = !ec;
        if (ok) {
            try {
                resp.stream(w);
            } catch (const std::exception& e) {
                log::get("http")->error("{} {} failed while streaming: {}", req.method, req.target,
                                        e.what());
                if (!w.head_sent()) {
                    w.reject(response::json(500, error_body(500, e.what())));
                } else {
                    ok = false;  // the status line is out: cut the body short
                }
            }
        }
        if (auto plain = w.take_rejection(); ok && plain) {
            plain->close = plain->close || resp.close;
            write(std::move(*plain));
            return;
        }
        if (ok && !w.head_sent()) {
            w.write("");  // an empty body still needs its head
        }
        if (!ok || w.failed() || srv_.stopping.load()) {
            finish();
            return;
        }
        out_ = chunked ? chunk("") : "";
        write_out(resp.close);
    }

    class stream_writer final : public body_writer {
      public:
        stream_writer(session& s, bool chunked, std::string head)
            : s_(s), chunked_(chunked), head_(std::move(head)) {}
        bool write(std::string_view bytes) override {
            if (rejection_) {
                return false;
            }
            if (!head_sent_) {
                head_sent_ = true;
                if (!send(head_)) {
                    return false;
                }
            }
            if (bytes.empty()) {
                return client_connected();
            }
            return send(chunked_ ? chunk(bytes) : std::string(bytes));
        }
        bool reject(response plain) override {
            if (head_sent_ || plain.stream) {
                return false;
            }
            rejection_ = std::move(plain);
            return true;
        }
        bool head_sent() const { return head_sent_; }
        std::optional<response> take_rejection() { return std::move(rejection_); }
        bool client_connected() override {
            if (failed_ || s_.srv_.stopping.load()) {
                return false;
            }
            pollfd p{.fd = s_.socket_.native_handle(), .events = POLLIN | POLLRDHUP, .revents = 0};
            if (::poll(&p, 1, 0) <= 0) {
                return true;
            }
            if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
                return false;
            }
            // Readable: more requests (pipelined), or the end of the stream.
            char c = 0;
            ssize_t n = ::recv(p.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
            return n != 0 && !(n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        }
        // Writes all of `bytes`, waiting for room in 100 ms steps so a stop
        // or a vanished client ends the wait.
        bool send(std::string_view bytes) {
            int fd = s_.socket_.native_handle();
            while (!bytes.empty() && !failed_) {
                if (s_.srv_.stopping.load()) {
                    failed_ = true;
                    break;
                }
                ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
                if (n > 0) {
                    bytes.remove_prefix(static_cast<size_t>(n));
                } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                    pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
                    ::poll(&p, 1, 100);
                } else {
                    failed_ = true;
                }
            }
            return !failed_;
        }
        bool failed() const { return failed_; }

      private:
        session& s_;
        bool chunked_;
        std::string head_;  // status line and headers, sent with the first write
        bool head_sent_ = false;
        std::optional<response> rejection_;
        std::atomic<bool> failed_{false};
    };

    void read() {
        auto self = shared_from_this();
        socket_.async_read_some(asio::buffer(buf_), [self](asio::error_code ec, size_t n) {
            if (ec) {
                self->finish();
                return;
            }
            self->parser_.feed(std::string_view(self->buf_.data(), n));
            self->process();
        });
    }

    void write(response resp) {
        out_ = serialize(resp);
        write_out(resp.close);
    }

    // Sends out_, then serves the next request or closes.
    void write_out(bool close_after) {
        auto self = shared_from_this();
        asio::async_write(socket_, asio::buffer(out_),
                          [self, close_after](asio::error_code ec, size_t) {
                              if (ec || close_after) {
                                  self->finish();
                                  return;
                              }
                              self->process();
                          });
    }

    void finish() {
        close();
        srv_.remove(shared_from_this());
    }

    std::string peer() const {
        asio::error_code ec;
        auto ep = socket_.remote_endpoint(ec);
        return ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }

    server::impl& srv_;
    tcp::socket socket_;
    request_parser parser_;
    std::array<char, 16 * 1024> buf_{};
    std::string out_;
};

void server::impl::accept() {
    acceptor.async_accept(
        asio::make_strand(ctx),
        asio::bind_executor(accept_strand, [this](asio::error_code ec, tcp::socket s) {
            {
                // stop() closes the acceptor (on accept_strand): whatever this
                // accept completed with, accepting ends here.
                std::lock_guard lock(mu);
                if (stopped) {
                    if (!ec) {
                        asio::error_code ignored;
                        s.close(ignored);
                    }
                    return;
                }
            }
            if (ec) {
                if (ec == asio::error::operation_aborted) {
                    return;
                }
                log::get("http")->warn("accept failed: {}", ec.message());
            } else {
                auto sess = std::make_shared<session>(*this, std::move(s));
                {
                    std::lock_guard lock(mu);
                    if (stopped) {
                        sess->close();
                        return;
                    }
                    sessions.insert(sess);
                }
                sess->begin();
            }
            accept();
        }));
}

server::server(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

server::~server() {
    stop();
}

uint16_t server::port() const {
    return impl_->bound_port;
}

result<std::unique_ptr<server>> server::start(server_options options, handler h) {
    auto i = std::make_unique<impl>();
    i->options = std::move(options);
    i->h = std::move(h);
    asio::error_code ec;
    std::string host = i->options.host.empty() ? "0.0.0.0" : i->options.host;
    auto addr = asio::ip::make_address(host, ec);
    if (ec) {
        tcp::resolver resolver(i->ctx);
        auto eps = resolver.resolve(host, std::to_string(i->options.port), ec);
        if (ec || eps.empty()) {
            return error{errc::invalid_argument,
                         fmt::format("cannot resolve REST host {}: {}", host, ec.message())};
        }
        addr = eps.begin()->endpoint().address();
    }
    tcp::endpoint ep(addr, i->options.port);
    i->acceptor.open(ep.protocol(), ec);
    if (!ec) {
        i->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        i->acceptor.bind(ep, ec);
    }
    if (!ec) {
        i->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return error{errc::io, fmt::format("cannot listen on {}:{}: {}", host, i->options.port,
                                           ec.message())};
    }
    i->bound_port = i->acceptor.local_endpoint().port();
    i->accept();
    impl* raw = i.get();
    for (int t = 0; t < std::max(1, raw->options.threads); ++t) {
        raw->threads.emplace_back([raw, t] {
            set_thread_name(fmt::format("cs:http-{}", t));
            raw->ctx.run();
        });
    }
    return std::unique_ptr<server>(new server(std::move(i)));
}

void server::stop() {
    if (!impl_) {
        return;
    }
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopped) {
            return;
        }
        impl_->stopped = true;
        impl_->stopping = true;
    }
    asio::post(impl_->accept_strand, [i = impl_.get()] {
        asio::error_code ignored;
        i->acceptor.close(ignored);
        std::set<std::shared_ptr<session>> all;
        {
            std::lock_guard lock(i->mu);
            all = i->sessions;
        }
        for (const auto& s : all) {
            s->close_async();
        }
    });
    for (auto& t : impl_->threads) {
        t.join();
    }
    impl_->threads.clear();
    std::lock_guard lock(impl_->mu);
    impl_->sessions.clear();
}

}  // namespace cs::http
