#pragma once

// Test helpers for the streams runtime tests: client settings for a test
// broker, producing records, reading a whole topic back. Test code only.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/consumer.h"
#include "client/producer.h"
#include "client/settings.h"
#include "streams/engine.h"
#include "streams/query_runner.h"
#include "testing/test_brokers.h"

namespace cs::streams::test {

client::client_settings settings_for(const cs::testing::test_broker& b);

// A statement engine on b reading from the earliest offsets, its command
// topic replayed (restore()); fails the test on errors.
std::unique_ptr<engine> start_engine(const cs::testing::test_broker& b,
                                     const std::string& service_id);
// The same with these options as they are (no earliest added).
std::unique_ptr<engine> start_engine(const cs::testing::test_broker& b, engine_options options);

// sql parsed as one statement; fails the test (an empty statement) on errors.
ast::statement parse_one(const std::string& sql);

// Runs a script of statements, expecting success; their outputs, joined.
std::string run_script(engine& e, const std::string& sql);

// Polls cond every 20 ms until it holds or the timeout passed; whether it held.
bool eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

struct test_record {
    std::optional<std::string> key = std::nullopt;
    std::optional<std::string> value = std::nullopt;
    std::vector<client::record_header> headers = {};
    int32_t partition = -1;  // -1: the partitioner's choice
    int64_t timestamp_ms = 0;
};

// Produces and flushes; fails the test on any error.
void produce(const cs::testing::test_broker& b, const std::string& topic,
             const std::vector<test_record>& records);

struct read_record {
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t timestamp_ms = 0;
};

// A consumed message as a read_record.
read_record to_read_record(const client::message& m);

// Reads topic from the beginning of every partition until `count` records
// arrived or the timeout passed. read_committed: a transaction's records
// only once it committed, none of an aborted one.
std::vector<read_record> read_topic(const cs::testing::test_broker& b, const std::string& topic,
                                    int partitions, size_t count,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Steps r until `counter` (one of r.counters()) reaches `want`, or the
// timeout passed. The first failed step's error.
status step_until(query_runner& r, const std::atomic<uint64_t>& counter, uint64_t want,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A rebalance between two members of a query's group: b prepares (joins)
// and steps on a thread of its own; once it has joined, a (already
// running) steps on another. Waits up to `timeout` from then for `until`
// (polled every 20 ms), then one more second for the partitions' new owner
// to start reading, and stops both threads. Whether `until` held.
bool run_while_second_member_joins(query_runner& a, query_runner& b,
                                   const std::function<bool()>& until,
                                   std::chrono::milliseconds timeout);

// Steps r through two polls that find nothing: the first returns early when
// an output batch is due (and sends it), the second waits the whole poll
// timeout and so commits what was processed. The first failed step's error.
status step_until_idle(query_runner& r);

}  // namespace cs::streams::test
