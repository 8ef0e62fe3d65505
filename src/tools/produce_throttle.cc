#include "tools/produce_throttle.h"

#include <cmath>
#include <thread>

namespace cs::tools {

produce_throttle::produce_throttle(double per_second, clock& clk, sleep_fn sleep)
    : interval_ms_(1000.0 / per_second), clock_(clk), sleep_(std::move(sleep)) {
    if (!sleep_) {
        sleep_ = [](std::chrono::microseconds d) { std::this_thread::sleep_for(d); };
    }
}

void produce_throttle::wait() {
    auto now = static_cast<double>(clock_.monotonic_ms());
    // Behind schedule by more than a millisecond (or the first record): start
    // over from now rather than sending the backlog at once.
    if (!started_ || next_ms_ < now - 1) {
        started_ = true;
        next_ms_ = now;
    }
    // The clock counts whole milliseconds: a record due within the current
    // millisecond goes now; a later one waits for the start of its millisecond.
    double due = std::floor(next_ms_);
    if (due > now) {
        sleep_(std::chrono::microseconds(static_cast<int64_t>((due - now) * 1000)));
    }
    next_ms_ += interval_ms_;
}

}  // namespace cs::tools
