#pragma once

// One thread that runs posted tasks in order: the "strand" of a component
// that is written as single-threaded logic (the group coordinator). Tasks
// posted from any thread run one at a time, in posting order, never
// concurrently and never re-entrantly.
//
// stop() runs every task already posted, then joins the thread; tasks posted
// after stop() are dropped (their owners must not rely on them running).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace cs::broker {

class serial_executor {
  public:
    // name: the thread's (base/thread_name.h).
    explicit serial_executor(std::string name);
    ~serial_executor();
    serial_executor(const serial_executor&) = delete;
    serial_executor& operator=(const serial_executor&) = delete;

    void post(std::function<void()> task);
    void stop();
    bool running_here() const { return std::this_thread::get_id() == thread_.get_id(); }

  private:
    void run();

    const std::string name_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace cs::broker
