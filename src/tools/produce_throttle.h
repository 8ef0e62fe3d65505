#pragma once

// The --throughput cap of `clickstream produce`: records are spaced evenly,
// record n due at start + n/rate, rather than sent in a burst at the start of
// every second. After a stall (slow input) the schedule restarts from now
// instead of catching up in a burst; at most one millisecond's worth of
// records (the clock's resolution) goes out back to back.

#include <chrono>
#include <functional>

#include "base/clock.h"

namespace cs::tools {

class produce_throttle {
  public:
    using sleep_fn = std::function<void(std::chrono::microseconds)>;
    // per_second > 0. sleep waits (std::this_thread::sleep_for by default;
    // tests advance a manual_clock instead).
    produce_throttle(double per_second, clock& clk, sleep_fn sleep = {});
    // Call before each record: returns when the record is due.
    void wait();

  private:
    double interval_ms_;
    clock& clock_;
    sleep_fn sleep_;
    double next_ms_ = 0;  // when the next record is due (monotonic ms)
    bool started_ = false;
};

}  // namespace cs::tools
