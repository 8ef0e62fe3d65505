#include "broker/net/signals.h"

#include <csignal>

#include "base/log.h"

namespace cs::broker::net {

shutdown_signals::shutdown_signals() : ctx_(1), signals_(ctx_, SIGINT, SIGTERM) {
    signals_.async_wait([this](const asio::error_code& ec, int sig) {
        if (!ec) {
            received_ = sig;
            cs::log::get("net")->info("received signal {}; shutting down", sig);
        }
    });
}

shutdown_signals::~shutdown_signals() {
    asio::error_code ignored;
    signals_.clear(ignored);
}

int shutdown_signals::wait() {
    ctx_.run();
    return received_;
}

void shutdown_signals::cancel() {
    asio::post(ctx_, [this] { signals_.cancel(); });
}

}  // namespace cs::broker::net
