#include "broker/fetch_waiters.h"

#include <algorithm>

#include "base/thread_name.h"

namespace cs::broker {

fetch_waiters::fetch_waiters() : thread_([this] { run(); }) {}

fetch_waiters::~fetch_waiters() {
    stop();
}

void fetch_waiters::wait(const std::vector<kafka::topic_partition>& tps, int64_t max_wait_ms,
                         try_complete fn) {
    auto w = std::make_shared<waiter>();
    w->fn = std::move(fn);
    w->tps = tps;
    auto deadline =
        clock_type::now() + std::chrono::milliseconds(std::max<int64_t>(0, max_wait_ms));
    {
        std::lock_guard lock(mu_);
        if (!stopping_) {
            for (const auto& tp : tps) {
                by_tp_[tp].push_back(w);
            }
            bool earliest = by_deadline_.empty() || deadline < by_deadline_.begin()->first;
            by_deadline_.emplace(deadline, w);
            if (earliest) {
                cv_.notify_one();
            }
        }
    }
    if (stopping_now(w)) {
        finish(w);  // stopping: answer now
        return;
    }
    // Data may have arrived between the caller's own check and the
    // registration above, with its notify() finding nobody: check once more.
    std::lock_guard wl(w->mu);
    if (!w->done && w->fn(false)) {
        w->done = true;
        w->fn = nullptr;
    }
}

void fetch_waiters::notify(const kafka::topic_partition& tp) {
    std::vector<std::shared_ptr<waiter>> woken;
    {
        std::lock_guard lock(mu_);
        auto it = by_tp_.find(tp);
        if (it == by_tp_.end()) {
            return;
        }
        woken.swap(it->second);
        by_tp_.erase(it);
    }
    std::vector<std::shared_ptr<waiter>> still_waiting;
    for (auto& w : woken) {
        std::lock_guard wl(w->mu);
        if (w->done) {
            continue;
        }
        if (w->fn(false)) {
            w->done = true;
            w->fn = nullptr;
        } else {
            still_waiting.push_back(std::move(w));
        }
    }
    if (!still_waiting.empty()) {
        std::lock_guard lock(mu_);
        auto& list = by_tp_[tp];
        list.insert(list.end(), still_waiting.begin(), still_waiting.end());
    }
}

bool fetch_waiters::stopping_now(const std::shared_ptr<waiter>&) const {
    std::lock_guard lock(mu_);
    return stopping_;
}

void fetch_waiters::finish(const std::shared_ptr<waiter>& w) {
    std::lock_guard wl(w->mu);
    if (!w->done) {
        w->done = true;
        w->fn(true);
        w->fn = nullptr;
    }
}

void fetch_waiters::run() {
    set_thread_name("cs:fetch-wait");
    std::unique_lock lock(mu_);
    while (true) {
        if (stopping_) {
            return;
        }
        if (by_deadline_.empty()) {
            cv_.wait(lock);
            continue;
        }
        auto first = by_deadline_.begin()->first;
        if (clock_type::now() < first) {
            cv_.wait_until(lock, first);
            continue;
        }
        std::vector<std::shared_ptr<waiter>> expired;
        auto now = clock_type::now();
        while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
            expired.push_back(std::move(by_deadline_.begin()->second));
            by_deadline_.erase(by_deadline_.begin());
        }
        // Drop the expired waiters from the per-partition lists so idle
        // partitions do not accumulate them.
        for (const auto& w : expired) {
            for (const auto& tp : w->tps) {
                auto it = by_tp_.find(tp);
                if (it == by_tp_.end()) {
                    continue;
                }
                std::erase(it->second, w);
                if (it->second.empty()) {
                    by_tp_.erase(it);
                }
            }
        }
        lock.unlock();
        for (const auto& w : expired) {
            finish(w);
        }
        lock.lock();
    }
}

void fetch_waiters::stop() {
    std::multimap<clock_type::time_point, std::shared_ptr<waiter>> remaining;
    {
        std::lock_guard lock(mu_);
        if (stopping_ && !thread_.joinable()) {
            return;
        }
        stopping_ = true;
        remaining.swap(by_deadline_);
        by_tp_.clear();
        cv_.notify_all();
    }
    if (thread_.joinable()) {
        thread_.join();
    }
    for (const auto& [_, w] : remaining) {
        finish(w);
    }
}

size_t fetch_waiters::waiting() const {
    std::lock_guard lock(mu_);
    return by_deadline_.size();
}

}  // namespace cs::broker
