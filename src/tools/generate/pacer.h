#pragma once

// The --rate of `clickstream generate`: record n is due at start + n/rate
// (monotonic time). Behind schedule (a slow sink), the records that are due
// go out at once, so the long-run rate holds. Only paces output; simulated
// event times do not depend on it.

#include <chrono>
#include <cstdint>

#include "base/clock.h"

namespace cs::tools::gen {

class pacer {
  public:
    // rate <= 0: no pacing.
    pacer(double rate, clock& clk) : rate_(rate), clock_(clk), start_ms_(clk.monotonic_ms()) {}
    // How long to wait before record n (0-based) may go out.
    std::chrono::milliseconds wait_for(uint64_t n) const {
        if (rate_ <= 0) {
            return std::chrono::milliseconds(0);
        }
        const auto due = start_ms_ + static_cast<int64_t>(static_cast<double>(n) * 1000.0 / rate_);
        const int64_t now = clock_.monotonic_ms();
        return std::chrono::milliseconds(due > now ? due - now : 0);
    }

  private:
    double rate_;
    clock& clock_;
    int64_t start_ms_;
};

}  // namespace cs::tools::gen
