#pragma once

// Waits for SIGTERM or SIGINT on behalf of the broker's main thread:
//
//     shutdown_signals signals;          // before starting threads
//     server.start();
//     int sig = signals.wait();          // blocks
//     server.stop();                     // drain, flush, shutdown hook
//
// Uses asio::signal_set on a private io_context, so the process-wide signal
// handler only writes to asio's self-pipe; nothing runs inside the handler.
// Watching starts in the constructor: a signal that arrives before wait() is
// not lost. A second signal after wait() returned is ignored while the object
// lives (the default action is restored when it is destroyed).

#include <asio.hpp>

namespace cs::broker::net {

class shutdown_signals {
  public:
    shutdown_signals();
    ~shutdown_signals();
    shutdown_signals(const shutdown_signals&) = delete;
    shutdown_signals& operator=(const shutdown_signals&) = delete;

    // Blocks until SIGTERM or SIGINT (returns its number) or cancel() (returns 0).
    // Call from one thread only.
    int wait();

    // Any thread: makes wait() return 0 (e.g. when the server failed on its own).
    void cancel();

  private:
    asio::io_context ctx_;
    asio::signal_set signals_;
    int received_ = 0;
};

}  // namespace cs::broker::net
