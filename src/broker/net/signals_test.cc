#include "broker/net/signals.h"

#include <csignal>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

namespace cs::broker::net {
namespace {

TEST(ShutdownSignals, SigtermBeforeWaitIsNotLost) {
    shutdown_signals s;
    ASSERT_EQ(::raise(SIGTERM), 0);  // the process survives: asio owns the handler
    EXPECT_EQ(s.wait(), SIGTERM);
}

TEST(ShutdownSignals, SigintFromAnotherThread) {
    shutdown_signals s;
    std::thread t([] { ::kill(::getpid(), SIGINT); });
    EXPECT_EQ(s.wait(), SIGINT);
    t.join();
}

TEST(ShutdownSignals, CancelReturnsZero) {
    shutdown_signals s;
    std::thread t([&] { s.cancel(); });
    EXPECT_EQ(s.wait(), 0);
    t.join();
}

}  // namespace
}  // namespace cs::broker::net
