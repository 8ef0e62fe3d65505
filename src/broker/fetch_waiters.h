#pragma once

// Fetches waiting for data (Kafka's fetch purgatory). A Fetch that finds
// fewer than min_bytes waits here until a produce to one of its partitions
// wakes it (notify) or its max_wait_ms passes, whichever is first.
//
// Each waiter's callback is called with final=false on every wake-up (it
// re-reads and returns true when it answered) and once with final=true at the
// deadline or at stop() if it has not answered by then (it must answer).
// A waiter's callbacks never run concurrently and never after it answered.
//
// Threading: wait() and notify() may be called from any thread; notify()
// runs the woken callbacks on the caller's thread (outside this object's
// lock). Deadlines are served by an internal thread. Deadlines use the
// monotonic real clock: they are protocol timeouts, not data time.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "protocol/types.h"

namespace cs::broker {

class fetch_waiters {
  public:
    using try_complete = std::function<bool(bool final)>;

    fetch_waiters();
    ~fetch_waiters();
    fetch_waiters(const fetch_waiters&) = delete;
    fetch_waiters& operator=(const fetch_waiters&) = delete;

    void wait(const std::vector<kafka::topic_partition>& tps, int64_t max_wait_ms, try_complete fn);
    void notify(const kafka::topic_partition& tp);
    // Answers every waiter (final=true) and stops the deadline thread.
    void stop();
    size_t waiting() const;

  private:
    struct waiter {
        std::mutex mu;
        bool done = false;
        try_complete fn;
        std::vector<kafka::topic_partition> tps;
    };
    using clock_type = std::chrono::steady_clock;

    void run();
    static void finish(const std::shared_ptr<waiter>& w);
    bool stopping_now(const std::shared_ptr<waiter>& w) const;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::unordered_map<kafka::topic_partition, std::vector<std::shared_ptr<waiter>>> by_tp_;
    std::multimap<clock_type::time_point, std::shared_ptr<waiter>> by_deadline_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace cs::broker
