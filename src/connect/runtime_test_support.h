#pragma once

// Test-only fixtures for the task runtime: a sink_task that records what it
// was given and can fail on demand, a source_task that emits numbered rows
// of one table, and small Kafka helpers (produce, read a topic).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "client/settings.h"
#include "connect/plugin.h"
#include "connect/task_runner.h"

namespace cs::connect::test {

// What the recording sink saw; shared with the test thread.
struct sink_log {
    std::mutex mu;
    std::vector<record> written;
    std::vector<size_t> batch_sizes;   // every put() call with records, failed or not
    size_t idle_puts = 0;              // put() calls without records
    int64_t hold_back = 0;             // pre_commit() lets this many records less commit
    int retriable_failures = 0;        // the next N put() calls fail with errc::io
    int64_t fatal_at_offset = -1;      // put() of a batch holding it fails (not retriable)
    std::set<int64_t> errant_offsets;  // reported to the errant record reporter
    bool stopped = false;

    size_t written_count() {
        std::lock_guard lock(mu);
        return written.size();
    }
    size_t put_calls() {
        std::lock_guard lock(mu);
        return batch_sizes.size();
    }
};

class recording_sink final : public sink_task {
  public:
    explicit recording_sink(std::shared_ptr<sink_log> log) : log_(std::move(log)) {}
    status start(const config_map&, errant_record_reporter& reporter) override {
        reporter_ = &reporter;
        return {};
    }
    status put(std::span<const record> records) override;
    std::map<kafka_partition, int64_t> pre_commit(
        const std::map<kafka_partition, int64_t>& current) override {
        std::lock_guard lock(log_->mu);
        auto out = current;
        for (auto& [tp, offset] : out) {
            offset = std::max<int64_t>(0, offset - log_->hold_back);
        }
        return out;
    }
    void stop() override {
        std::lock_guard lock(log_->mu);
        log_->stopped = true;
    }

  private:
    std::shared_ptr<sink_log> log_;
    errant_record_reporter* reporter_ = nullptr;
};

// Emits rows {"id": i, "name": "user-i"} of table "users" with
// sourcePartition {"table": "users"} and sourceOffset {"id": i}, from the
// committed offset + 1 up to `total`-1, `per_poll` per poll.
struct source_log {
    std::mutex mu;
    std::vector<std::pair<data, data>> committed_at_start;
    std::atomic<int64_t> next{0};
};

class counting_source final : public source_task {
  public:
    counting_source(std::shared_ptr<source_log> log, std::string topic, int64_t total,
                    int64_t per_poll)
        : log_(std::move(log)), topic_(std::move(topic)), total_(total), per_poll_(per_poll) {}
    status start(const config_map&, const std::vector<std::pair<data, data>>& committed) override;
    result<std::vector<record>> poll(int max_wait_ms) override;
    void stop() override {}

  private:
    std::shared_ptr<source_log> log_;
    std::string topic_;
    int64_t total_;
    int64_t per_poll_;
};

worker_settings test_worker(const std::string& bootstrap, cs::clock& time);

// Produces (key, value) pairs to topic partition 0 and waits for delivery.
void produce(const std::string& bootstrap, const std::string& topic,
             const std::vector<std::pair<std::string, std::string>>& kvs,
             const std::vector<std::pair<std::string, std::string>>& headers = {});

struct consumed {
    int32_t partition = 0;
    int64_t offset = 0;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
    std::optional<std::string> header(const std::string& k) const {
        for (const auto& [hk, hv] : headers) {
            if (hk == k) {
                return hv;
            }
        }
        return std::nullopt;
    }
};
// Reads every partition of topic from the start until `count` records were
// read or the timeout passed.
std::vector<consumed> read_topic(const std::string& bootstrap, const std::string& topic,
                                 size_t count,
                                 std::chrono::seconds timeout = std::chrono::seconds(30));

// Polls pred every 20 ms until it holds or the timeout passes.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace cs::connect::test
