#pragma once

// The broker's network server: TCP listeners, Kafka framing, in-order
// pipelined responses, request size limits, idle timeouts, graceful stop.
// It knows nothing of Kafka message contents; every frame goes to a
// request_handler.
//
// Threading: one io_context run by `network_threads` threads. Each connection
// has its own strand (see connection.h); listeners, the housekeeping timer and
// the stop sequence share the server's strand. start(), begin_stop(),
// counters() and listeners() may be called from any thread; wait() and stop()
// block and must not be called from an I/O thread or a request handler.
//
// Lifecycle: construct -> start() (binds every listener or none, then starts
// the threads) -> begin_stop() (stops accepting; each connection stops reading
// and closes once its in-flight requests are answered and written; whatever is
// left after drain_timeout_ms is closed) -> wait() (joins the I/O threads, then
// runs the shutdown hook exactly once on the waiting thread, with no I/O
// running). The destructor does begin_stop() + wait(). A server is started at
// most once.
//
// Time: idle and drain deadlines are measured on the injected cs::clock and
// checked every housekeeping_interval_ms of real time, so tests drive them
// with manual_clock.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <asio.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "broker/net/connection.h"
#include "broker/net/counters.h"
#include "broker/net/frame.h"
#include "broker/net/request_handler.h"

namespace cs::broker::net {

struct listener_config {
    std::string name = "PLAINTEXT";
    std::string host;   // "" or "0.0.0.0": all IPv4 interfaces; "::" all IPv6; or a name
    uint16_t port = 0;  // 0: an ephemeral port, see server::listeners()
};

struct server_config {
    std::vector<listener_config> listeners;
    int network_threads = 3;                              // num.network.threads
    int32_t max_request_bytes = kDefaultMaxRequestBytes;  // socket.request.max.bytes
    int64_t idle_timeout_ms = 600000;                     // connections.max.idle.ms; <= 0: off
    int64_t drain_timeout_ms = 30000;            // how long stop waits for in-flight requests
    int64_t housekeeping_interval_ms = 1000;     // real-time tick for idle/drain checks
    size_t max_in_flight_per_connection = 1000;  // reading pauses beyond this
    size_t read_buffer_bytes = 64 * 1024;        // per connection; larger frames read apart
    int64_t close_linger_ms = 2000;  // real time a graceful close waits for the peer's FIN
    int listen_backlog = 1024;
    // SO_SNDBUF of each accepted socket and SO_RCVBUF of the listening one
    // (inherited by accepted sockets), as Kafka sets them; -1 (or any value
    // below 1) keeps the OS default, with the kernel's auto-tuning.
    int32_t send_buffer_bytes = -1;     // socket.send.buffer.bytes
    int32_t receive_buffer_bytes = -1;  // socket.receive.buffer.bytes
};

struct bound_listener {
    std::string name;
    std::string host;
    uint16_t port = 0;  // the actual port, also when 0 was configured
};

class server final : private connection_owner {
  public:
    server(server_config config, request_handler& handler,
           cs::clock& clock = system_clock::instance());
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Runs on the thread that calls wait(), after every connection is closed
    // and the I/O threads have stopped. Set before start().
    void set_shutdown_hook(std::function<void()> hook) { hook_ = std::move(hook); }

    // Binds and listens on every listener; on failure (port busy, bad host)
    // nothing is left open and the error names the listener and host:port.
    status start();

    std::vector<bound_listener> listeners() const;
    const server_counters& counters() const { return counters_; }

    void begin_stop();  // non-blocking, idempotent, any thread (signal handlers too)
    void wait();        // blocks until stopped; see the class comment
    void stop() {
        begin_stop();
        wait();
    }

  private:
    struct listener_state;

    void on_connection_closed(const connection& c) override;
    void accept_next(listener_state& l);
    void on_accepted(listener_state& l, connection::socket_type socket);
    void schedule_housekeeping();
    void housekeeping();
    void do_begin_stop();
    void finish_stop();

    const server_config config_;
    request_handler& handler_;
    cs::clock& clock_;
    connection_limits limits_;
    server_counters counters_;
    connection_env env_;

    std::shared_ptr<asio::io_context> ctx_;
    asio::strand<asio::io_context::executor_type> strand_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    std::vector<std::unique_ptr<listener_state>> listeners_;
    asio::steady_timer housekeeping_timer_;
    std::vector<std::thread> threads_;
    std::function<void()> hook_;

    // Guards the registry and the flags below.
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::unordered_map<uint64_t, std::shared_ptr<connection>> connections_;
    uint64_t next_connection_id_ = 1;
    bool started_ = false;
    bool stop_requested_ = false;  // begin_stop() was called
    bool stopping_ = false;        // the server strand acted on it; written there only
    bool io_done_ = false;
    int64_t drain_deadline_ms_ = 0;

    std::mutex wait_mu_;  // serialises wait(); held while joining and running the hook
    bool waited_ = false;
};

}  // namespace cs::broker::net
