#include "tools/produce_throttle.h"

#include <algorithm>
#include <map>
#include <vector>

#include <gtest/gtest.h>

namespace cs::tools {
namespace {

// Sends n records through a throttle on a manual clock whose sleep advances
// time; returns the (millisecond) time each record went out.
std::vector<int64_t> send_times(double rate, int n, manual_clock& clk,
                                const std::map<int, int64_t>& stalls = {}) {
    produce_throttle t(
        rate, clk, [&](std::chrono::microseconds d) { clk.advance_ms((d.count() + 999) / 1000); });
    std::vector<int64_t> out;
    for (int i = 0; i < n; ++i) {
        if (auto s = stalls.find(i); s != stalls.end()) {
            clk.advance_ms(s->second);
        }
        t.wait();
        out.push_back(clk.monotonic_ms());
    }
    return out;
}

// The most records sent within any window of width ms.
size_t max_in_window(const std::vector<int64_t>& times, int64_t width) {
    size_t best = 0;
    size_t lo = 0;
    for (size_t hi = 0; hi < times.size(); ++hi) {
        while (times[hi] - times[lo] >= width) {
            ++lo;
        }
        best = std::max(best, hi - lo + 1);
    }
    return best;
}

TEST(ProduceThrottle, SpacesRecordsEvenly) {
    manual_clock clk(0);
    auto times = send_times(100, 500, clk);
    // Record i goes out at i * 10 ms: never early, never late, one at a time.
    for (size_t i = 0; i < times.size(); ++i) {
        EXPECT_EQ(times[i], static_cast<int64_t>(i) * 10) << i;
    }
    EXPECT_EQ(max_in_window(times, 10), 1u);
}

TEST(ProduceThrottle, HighRatesGoOutAMillisecondAtATime) {
    manual_clock clk(0);
    auto times = send_times(50'000, 200'000, clk);
    EXPECT_EQ(times.back(), 3999);  // 200k records at 50k/s: 4 s
    EXPECT_LE(max_in_window(times, 1), 51u);
    EXPECT_LE(max_in_window(times, 100), 5001u);
}

TEST(ProduceThrottle, NoCatchUpBurstAfterAStall) {
    manual_clock clk(0);
    // The input stalls for 5 s before record 100: the records after it keep
    // the rate instead of making up for the lost 5 s at once.
    auto times = send_times(1000, 300, clk, {{100, 5000}});
    EXPECT_LE(max_in_window(times, 1), 2u);
    EXPECT_LE(max_in_window(times, 50), 51u);
    EXPECT_EQ(times.back(), 5298);  // 100 ms before the stall, 5 s, 199 ms after
}

}  // namespace
}  // namespace cs::tools
