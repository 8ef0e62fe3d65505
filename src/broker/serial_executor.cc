#include "broker/serial_executor.h"

#include "base/log.h"
#include "base/thread_name.h"

namespace cs::broker {

serial_executor::serial_executor(std::string name)
    : name_(std::move(name)), thread_([this] { run(); }) {}

serial_executor::~serial_executor() {
    stop();
}

void serial_executor::post(std::function<void()> task) {
    std::lock_guard lock(mu_);
    if (stopping_) {
        return;
    }
    tasks_.push_back(std::move(task));
    cv_.notify_one();
}

void serial_executor::run() {
    set_thread_name(name_);
    std::unique_lock lock(mu_);
    while (true) {
        cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) {
            return;  // stopping and drained
        }
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        try {
            task();
        } catch (const std::exception& e) {
            log::get("broker")->error("task on the coordinator thread failed: {}", e.what());
        }
        lock.lock();
    }
}

void serial_executor::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        cv_.notify_all();
    }
    if (thread_.joinable() && !running_here()) {
        thread_.join();
    }
}

}  // namespace cs::broker
