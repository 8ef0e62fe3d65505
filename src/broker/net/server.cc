#include "broker/net/server.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include "base/log.h"
#include "base/thread_name.h"

namespace cs::broker::net {
namespace {

spdlog::logger& logger() {
    static auto l = cs::log::get("net");
    return *l;
}

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

std::string endpoint_string(const asio::ip::tcp::endpoint& ep) {
    if (ep.address().is_v6()) {
        return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
    }
    return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

result<asio::ip::tcp::endpoint> resolve(asio::io_context& ctx, const listener_config& l) {
    if (l.host.empty()) {
        return asio::ip::tcp::endpoint(asio::ip::address_v4::any(), l.port);
    }
    asio::error_code ec;
    auto addr = asio::ip::make_address(l.host, ec);
    if (!ec) {
        return asio::ip::tcp::endpoint(addr, l.port);
    }
    asio::ip::tcp::resolver resolver(ctx);
    auto found = resolver.resolve(l.host, std::to_string(l.port), ec);
    if (ec || found.empty()) {
        return error{errc::invalid_argument,
                     fmt::format("cannot listen on {}:{} (listener {}): cannot resolve host: {}",
                                 l.host, l.port, l.name, ec ? ec.message() : "no addresses")};
    }
    return found.begin()->endpoint();
}

}  // namespace

struct server::listener_state {
    listener_state(listener_config c, const asio::strand<asio::io_context::executor_type>& s)
        : config(std::move(c)), acceptor(s), retry_timer(s) {}

    listener_config config;
    asio::ip::tcp::acceptor acceptor;
    asio::steady_timer retry_timer;
    uint16_t bound_port = 0;
};

server::server(server_config config, request_handler& handler, cs::clock& clock)
    : config_(std::move(config)),
      handler_(handler),
      clock_(clock),
      limits_{
          config_.max_request_bytes, config_.idle_timeout_ms,
          std::max<size_t>(1, config_.max_in_flight_per_connection),
          std::max<size_t>(kFrameLengthBytes + kMinRequestFrameBytes, config_.read_buffer_bytes),
          std::max<int64_t>(0, config_.close_linger_ms)},
      env_{handler_, counters_, limits_, clock_, *this},
      ctx_(std::make_shared<asio::io_context>(std::max(1, config_.network_threads))),
      strand_(asio::make_strand(*ctx_)),
      housekeeping_timer_(strand_) {}

server::~server() {
    begin_stop();
    wait();
}

status server::start() {
    {
        std::lock_guard lock(mu_);
        if (started_) {
            return status(errc::invalid_argument, "network server already started");
        }
    }
    if (config_.listeners.empty()) {
        return status(errc::invalid_argument, "network server has no listeners configured");
    }
    std::vector<std::unique_ptr<listener_state>> bound;
    for (const listener_config& lc : config_.listeners) {
        auto ep = resolve(*ctx_, lc);
        if (!ep) {
            return status(ep.err());
        }
        auto l = std::make_unique<listener_state>(lc, strand_);
        asio::error_code ec;
        const char* step = "open";
        l->acceptor.open(ep->protocol(), ec);
        if (!ec) {
            step = "SO_REUSEADDR";
            l->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        }
        if (!ec && config_.receive_buffer_bytes > 0) {
            // Before listen(): the window scale of a connection is settled
            // in its handshake, from the buffer it inherits.
            step = "SO_RCVBUF";
            l->acceptor.set_option(
                asio::socket_base::receive_buffer_size(config_.receive_buffer_bytes), ec);
        }
        if (!ec) {
            step = "bind";
            l->acceptor.bind(*ep, ec);
        }
        if (!ec) {
            step = "listen";
            l->acceptor.listen(config_.listen_backlog, ec);
        }
        if (!ec) {
            step = "local address";
            l->bound_port = l->acceptor.local_endpoint(ec).port();
        }
        if (ec) {
            return status(errc::io,
                          fmt::format("cannot listen on {}:{} (listener {}): {} failed: {}",
                                      lc.host, lc.port, lc.name, step, ec.message()));
        }
        logger().info("listener {} on {}", lc.name,
                      endpoint_string({ep->address(), l->bound_port}));
        bound.push_back(std::move(l));
    }

    {
        std::lock_guard lock(mu_);
        started_ = true;
        listeners_ = std::move(bound);
    }
    work_.emplace(ctx_->get_executor());
    asio::post(strand_, [this] {
        for (auto& l : listeners_) {
            accept_next(*l);
        }
        schedule_housekeeping();
    });
    const int n = std::max(1, config_.network_threads);
    for (int i = 0; i < n; ++i) {
        threads_.emplace_back([ctx = ctx_, i] {
            set_thread_name(fmt::format("cs:net-{}", i));
            // Connections write file ranges with sendfile, which has no
            // MSG_NOSIGNAL: with SIGPIPE blocked here, a peer that reset the
            // connection gives EPIPE instead of killing the process.
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
            for (;;) {
                try {
                    ctx->run();
                    return;
                } catch (const std::exception& e) {
                    logger().error("network thread caught an exception: {}", e.what());
                }
            }
        });
    }
    return status::success();
}

std::vector<bound_listener> server::listeners() const {
    std::lock_guard lock(mu_);
    std::vector<bound_listener> out;
    for (const auto& l : listeners_) {
        out.push_back({l->config.name, l->config.host, l->bound_port});
    }
    return out;
}

// ---- accepting (server strand) --------------------------------------------

void server::accept_next(listener_state& l) {
    auto strand = asio::make_strand(*ctx_);
    l.acceptor.async_accept(
        strand, [this, &l](const asio::error_code& ec, connection::socket_type socket) {
            if (stopping_) {  // written on this strand only
                return;
            }
            if (ec) {
                // Typically EMFILE/ENFILE: back off instead of spinning.
                logger().warn("accept on listener {} ({}:{}) failed: {}; retrying", l.config.name,
                              l.config.host, l.bound_port, ec.message());
                l.retry_timer.expires_after(kAcceptRetryDelay);
                l.retry_timer.async_wait([this, &l](const asio::error_code& wait_ec) {
                    if (!wait_ec && !stopping_) {
                        accept_next(l);
                    }
                });
                return;
            }
            on_accepted(l, std::move(socket));
            accept_next(l);
        });
}

void server::on_accepted(listener_state& l, connection::socket_type socket) {
    asio::error_code ec;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (config_.send_buffer_bytes > 0) {
        socket.set_option(asio::socket_base::send_buffer_size(config_.send_buffer_bytes), ec);
        if (ec) {
            logger().warn("listener {}: cannot set SO_SNDBUF to {}: {}", l.config.name,
                          config_.send_buffer_bytes, ec.message());
            ec.clear();
        }
    }
    const auto remote = socket.remote_endpoint(ec);
    if (ec) {
        logger().debug("connection on listener {} gone before it was set up: {}", l.config.name,
                       ec.message());
        return;
    }
    connection_info info;
    {
        std::lock_guard lock(mu_);
        info.id = next_connection_id_++;
    }
    info.peer = endpoint_string(remote);
    info.listener = l.config.name;
    // The address the client reached us on: what Metadata advertises when
    // the listener names no host.
    if (const auto local = socket.local_endpoint(ec); !ec) {
        info.local_host = local.address().to_string();
        info.local_port = local.port();
    }
    auto conn = std::make_shared<connection>(ctx_, std::move(socket), std::move(info), env_);
    server_counters::add(counters_.connections_accepted);
    server_counters::add(counters_.connections_open);
    {
        std::lock_guard lock(mu_);
        connections_.emplace(conn->info().id, conn);
    }
    logger().debug("accepted connection {} from {} on listener {}", conn->info().id,
                   conn->info().peer, l.config.name);
    conn->start();
}

void server::on_connection_closed(const connection& c) {
    // On the connection's strand.
    server_counters::add(counters_.connections_closed);
    counters_.connections_open.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    connections_.erase(c.info().id);
    if (stopping_ && connections_.empty()) {
        asio::post(strand_, [this] { finish_stop(); });
    }
}

// ---- housekeeping (server strand) -----------------------------------------

void server::schedule_housekeeping() {
    housekeeping_timer_.expires_after(
        std::chrono::milliseconds(std::max<int64_t>(1, config_.housekeeping_interval_ms)));
    housekeeping_timer_.async_wait([this](const asio::error_code& ec) {
        if (!ec) {
            housekeeping();
        }
    });
}

void server::housekeeping() {
    const int64_t now = clock_.monotonic_ms();
    {
        std::lock_guard lock(mu_);
        if (io_done_) {
            return;
        }
        if (stopping_) {
            if (now >= drain_deadline_ms_ && !connections_.empty()) {
                logger().warn(
                    "drain timeout ({} ms) reached; closing {} connections with requests in "
                    "flight",
                    config_.drain_timeout_ms, connections_.size());
                for (auto& [id, c] : connections_) {
                    c->force_close("drain timeout");
                }
            }
        } else if (config_.idle_timeout_ms > 0) {
            for (auto& [id, c] : connections_) {
                if (now - c->last_activity_ms() >= config_.idle_timeout_ms) {
                    c->close_if_idle(now);
                }
            }
        }
    }
    schedule_housekeeping();
}

// ---- stopping ---------------------------------------------------------------

void server::begin_stop() {
    {
        std::lock_guard lock(mu_);
        if (!started_ || stop_requested_) {
            return;
        }
        stop_requested_ = true;
        // The drain deadline counts from the request, not from when the
        // server strand gets to it.
        drain_deadline_ms_ = clock_.monotonic_ms() + config_.drain_timeout_ms;
    }
    asio::post(strand_, [this] { do_begin_stop(); });
}

void server::do_begin_stop() {
    std::vector<std::shared_ptr<connection>> draining;
    {
        std::lock_guard lock(mu_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
        for (auto& [id, c] : connections_) {
            draining.push_back(c);
        }
    }
    for (auto& l : listeners_) {
        asio::error_code ignored;
        l->acceptor.close(ignored);
        l->retry_timer.cancel();
    }
    logger().info("network server stopping: {} connections draining (timeout {} ms)",
                  draining.size(), config_.drain_timeout_ms);
    if (draining.empty()) {
        finish_stop();
        return;
    }
    for (auto& c : draining) {
        c->begin_drain();
    }
}

void server::finish_stop() {
    {
        std::lock_guard lock(mu_);
        if (io_done_) {
            return;
        }
        io_done_ = true;
    }
    housekeeping_timer_.cancel();
    // With listeners, timers and sockets closed, the io_context runs out of
    // work once the handlers already queued have run, and the threads exit.
    work_.reset();
    cv_.notify_all();
}

void server::wait() {
    std::lock_guard wait_lock(wait_mu_);
    {
        std::unique_lock lock(mu_);
        if (!started_ || waited_) {
            return;
        }
        cv_.wait(lock, [this] { return io_done_; });
    }
    for (auto& t : threads_) {
        t.join();
    }
    threads_.clear();
    waited_ = true;
    logger().info("network server stopped");
    if (hook_) {
        hook_();
    }
}

}  // namespace cs::broker::net
