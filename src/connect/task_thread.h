#pragma once

// The bookkeeping every task runner shares: the thread, the stop/pause
// requests, the published state and counters, and the state listener.

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/thread_name.h"
#include "connect/task_config.h"
#include "connect/task_runner.h"

namespace cs::connect {

class task_thread : public task_runner {
  public:
    task_thread(task_spec spec, task_state_listener on_state)
        : spec_(std::move(spec)), on_state_(std::move(on_state)) {}
    ~task_thread() override { stop(); }

    void stop() override {
        stop_requested_ = true;
        std::lock_guard join_lock(join_mu_);
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    void pause() override { pause_requested_ = true; }
    void resume() override { pause_requested_ = false; }
    task_status status() const override {
        std::lock_guard lock(mu_);
        return status_;
    }
    task_counters counters() const override {
        std::lock_guard lock(mu_);
        return counters_;
    }
    const task_spec& spec() const override { return spec_; }
    std::vector<std::string> take_active_topics() override {
        std::lock_guard lock(mu_);
        return std::exchange(new_topics_, {});
    }
    void forget_active_topics() override {
        std::lock_guard lock(mu_);
        new_topics_.clear();
        topics_epoch_.fetch_add(1, std::memory_order_relaxed);
    }

  protected:
    // The thread is named "cs:<connector>-<task>" (the connector name cut
    // so that the task number stays within the 15 bytes a name keeps).
    void launch(std::function<void()> body) {
        thread_ = std::thread([body = std::move(body), this] {
            set_thread_name(thread_name_keeping_number(
                "cs:", spec_.connector + "-" + std::to_string(spec_.task_id)));
            body();
        });
    }

    // Publishes a state (and tells the listener) when it changed.
    void set_state(task_state s, std::string trace = {}) {
        task_status copy;
        {
            std::lock_guard lock(mu_);
            if (status_.state == s && status_.trace == trace && published_) {
                return;
            }
            published_ = true;
            status_ = task_status{s, std::move(trace)};
            copy = status_;
        }
        if (on_state_) {
            on_state_(spec_, copy);
        }
    }
    // On the task thread, for every record: a set look-up when the topic is
    // known; the first record of a topic queues it for the herder.
    void note_topic(std::string_view topic) {
        if (uint64_t e = topics_epoch_.load(std::memory_order_relaxed); e != seen_epoch_) {
            seen_topics_.clear();
            seen_epoch_ = e;
        }
        if (seen_topics_.contains(topic)) {
            return;
        }
        seen_topics_.emplace(topic);
        std::lock_guard lock(mu_);
        new_topics_.emplace_back(topic);
    }
    template <class F>
    void update_counters(F&& f) {
        std::lock_guard lock(mu_);
        f(counters_);
    }

    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> pause_requested_{false};
    task_spec spec_;

  private:
    task_state_listener on_state_;
    mutable std::mutex mu_;
    std::mutex join_mu_;
    task_status status_;
    bool published_ = false;
    task_counters counters_;
    std::vector<std::string> new_topics_;             // guarded by mu_
    std::atomic<uint64_t> topics_epoch_{0};           // bumped by forget_active_topics()
    std::set<std::string, std::less<>> seen_topics_;  // task thread only
    uint64_t seen_epoch_ = 0;                         // task thread only
    std::thread thread_;
};

// Builds the task's pipeline (errors.*, converters, SMTs) and starts a
// Worker (a task_thread taking the pipeline) running task.
template <class Worker, class Task>
result<std::unique_ptr<task_runner>> launch_task_worker(const worker_settings& worker,
                                                        task_spec spec, std::unique_ptr<Task> task,
                                                        task_state_listener on_state) {
    if (!task) {
        return error{errc::invalid_argument, "no task to run"};
    }
    auto pipeline = build_task_pipeline(worker, spec.connector_config);
    if (!pipeline) {
        return pipeline.take_error();
    }
    auto w = std::make_unique<Worker>(worker, std::move(spec), std::move(task), std::move(on_state),
                                      std::move(pipeline).value());
    w->start();
    return std::unique_ptr<task_runner>(std::move(w));
}

}  // namespace cs::connect
