#pragma once

// A running broker: the shared state (broker_state), the request dispatcher
// and the network server, plus the housekeeping thread that drives retention,
// flushes and checkpoints.
//
// Lifecycle: start() opens the logs (recovering if needed) and binds the
// listeners; stop() stops accepting, answers in-flight requests, then flushes
// every log and writes the clean-shutdown marker. run_until_signal() is
// start + wait for SIGTERM/SIGINT + stop, for `clickstream broker`.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "broker/broker_state.h"
#include "broker/dispatcher.h"
#include "broker/net/server.h"
#include "config/broker_settings.h"

namespace cs::broker {

class broker {
  public:
    explicit broker(config::broker_config cfg, clock& clk = system_clock::instance());
    ~broker();
    broker(const broker&) = delete;
    broker& operator=(const broker&) = delete;

    status start();
    void stop();
    // start(), then block until SIGTERM/SIGINT, then stop(). Returns the exit code.
    int run_until_signal();

    std::vector<net::bound_listener> listeners() const { return server_->listeners(); }
    broker_state& state() { return state_; }

  private:
    void housekeeping_loop();

    broker_state state_;
    dispatcher dispatcher_;
    std::unique_ptr<net::server> server_;
    std::thread housekeeping_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    bool started_ = false;
};

}  // namespace cs::broker
