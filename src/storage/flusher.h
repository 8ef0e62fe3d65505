#pragma once

// The group-commit thread. Logs with acks=all waiters (or a due periodic
// flush) ask to be flushed; the flusher fsyncs each such log once for all
// waiters registered before that fsync began, then completes them. While one
// fsync runs, new appends and waiters pile up and share the next one, so the
// number of fsyncs follows the disk's latency, not the number of batches.
//
// Thread-safety: request() may be called from any thread. Callbacks run on
// the flusher thread; they must be short and must not block (the broker
// posts them back to its I/O thread).

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace cs::storage {

class partition_log;

class flusher {
  public:
    flusher();
    ~flusher();
    flusher(const flusher&) = delete;
    flusher& operator=(const flusher&) = delete;

    void request(std::shared_ptr<partition_log> log);
    // Serves everything already requested, then stops the thread. Idempotent.
    void stop();
    // Number of flush passes made (tests check that waiters share them).
    uint64_t passes() const;

  private:
    void run();

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<partition_log>> queue_;
    bool stopping_ = false;
    uint64_t passes_ = 0;
    std::thread thread_;
};

}  // namespace cs::storage
