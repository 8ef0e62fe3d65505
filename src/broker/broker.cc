#include "broker/broker.h"

#include "base/log.h"
#include "base/thread_name.h"
#include "broker/net/signals.h"

namespace cs::broker {
namespace {

net::server_config server_config_from(const config::broker_settings& s) {
    net::server_config c;
    for (const auto& l : s.listeners) {
        c.listeners.push_back({l.name, l.host, l.port});
    }
    c.network_threads = std::max(1, s.num_network_threads);
    c.max_request_bytes = s.socket_request_max_bytes;
    c.idle_timeout_ms = s.connections_max_idle_ms;
    c.send_buffer_bytes = s.socket_send_buffer_bytes;
    c.receive_buffer_bytes = s.socket_receive_buffer_bytes;
    return c;
}

}  // namespace

broker::broker(config::broker_config cfg, clock& clk)
    : state_(std::move(cfg), clk), dispatcher_(state_) {
    server_ =
        std::make_unique<net::server>(server_config_from(state_.settings()), dispatcher_, clk);
    server_->set_shutdown_hook([this] { (void)state_.shutdown(); });
}

broker::~broker() {
    stop();
}

status broker::start() {
    if (auto st = state_.start(); !st) {
        return st;
    }
    if (auto st = server_->start(); !st) {
        (void)state_.shutdown();
        return st;
    }
    started_ = true;
    housekeeping_ = std::thread([this] { housekeeping_loop(); });
    for (const auto& l : server_->listeners()) {
        log::get("broker")->info("listening on {}://{}:{}", l.name,
                                 l.host.empty() ? "0.0.0.0" : l.host, l.port);
    }
    return {};
}

void broker::housekeeping_loop() {
    set_thread_name("cs:housekeep");
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, std::chrono::milliseconds(1000));
        if (stopping_) {
            break;
        }
        lock.unlock();
        state_.tick();
        lock.lock();
    }
}

void broker::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
        cv_.notify_all();
    }
    if (housekeeping_.joinable()) {
        housekeeping_.join();
    }
    if (started_) {
        server_->stop();  // drains connections, then runs the hook: state_.shutdown()
    }
    (void)state_.shutdown();
}

int broker::run_until_signal() {
    net::shutdown_signals signals;
    if (auto st = start(); !st) {
        log::get("broker")->error("cannot start: {}", st.message());
        return 1;
    }
    int sig = signals.wait();
    log::get("broker")->info("received signal {}; shutting down", sig);
    stop();
    return 0;
}

}  // namespace cs::broker
