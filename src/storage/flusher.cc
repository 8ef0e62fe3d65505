#include "storage/flusher.h"

#include "base/thread_name.h"
#include "storage/partition_log.h"

namespace cs::storage {

flusher::flusher() : thread_([this] { run(); }) {}

flusher::~flusher() {
    stop();
}

void flusher::request(std::shared_ptr<partition_log> log) {
    {
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(log));
    }
    cv_.notify_one();
}

void flusher::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
}

uint64_t flusher::passes() const {
    std::lock_guard lock(mu_);
    return passes_;
}

void flusher::run() {
    set_thread_name("cs:flusher");
    std::unique_lock lock(mu_);
    while (true) {
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return;  // stopping, and nothing left to serve
        }
        auto batch = std::move(queue_);
        queue_.clear();
        ++passes_;
        lock.unlock();
        // A log asked twice in this pass is flushed once: the second call
        // finds nothing new and returns at once.
        for (auto& log : batch) {
            log->flush_for_waiters();
        }
        batch.clear();
        lock.lock();
    }
}

}  // namespace cs::storage
