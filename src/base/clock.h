#pragma once

// An injectable clock. Everything time-dependent (segment rolling, retention,
// session timeouts, flush intervals) takes a clock&, so tests drive time with
// manual_clock instead of sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cs {

class clock {
  public:
    virtual ~clock() = default;
    // Wall-clock milliseconds since the Unix epoch (record timestamps, file ages).
    virtual int64_t now_ms() const = 0;
    // Monotonic milliseconds (timeouts, intervals); never goes backwards.
    virtual int64_t monotonic_ms() const = 0;
};

class system_clock final : public clock {
  public:
    int64_t now_ms() const override;
    int64_t monotonic_ms() const override;
    static system_clock& instance();
};

// Time that moves only when a test says so. Thread-safe.
class manual_clock final : public clock {
  public:
    explicit manual_clock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
    int64_t now_ms() const override { return now_.load(); }
    int64_t monotonic_ms() const override { return now_.load(); }
    void advance_ms(int64_t d) { now_.fetch_add(d); }
    void set_ms(int64_t t) { now_.store(t); }

  private:
    std::atomic<int64_t> now_;
};

}  // namespace cs
