#pragma once

// `clickstream produce`: records from stdin or a file to a topic, in the
// manner of kafka-console-producer.sh (same flags, same line parsing: see
// produce_line.h), plus JSON-lines and CSV input.
//
// Accounting: every record read ends as delivered, failed (a delivery report
// with an error, a record librdkafka refused, or a malformed input line:
// bad JSON, a ragged CSV row, a missing key separator, each reported with its
// line number) or undelivered (still in flight when the run was interrupted
// twice). The run always ends with a one-line summary on stderr and exits 1
// when anything failed or was not delivered.
//
// Partitioning: unless `partitioner` is set, keyed records are placed by
// murmur2_random, the hash of Kafka's Java producer, so a key lands in the
// same partition as when kafka-console-producer.sh or kafka-python sends it.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace cs::tools {

enum class produce_format { lines, json, csv };

struct produce_options {
    std::optional<std::string> bootstrap_server;
    std::optional<std::string> broker_list;  // Kafka's deprecated alias; --bootstrap-server wins
    std::string topic;
    std::optional<std::string> producer_config;    // --producer.config FILE
    std::vector<std::string> producer_properties;  // --producer-property k=v, override the file
    std::vector<std::string> properties;           // --property k=v (the line reader's)
    std::optional<std::string> file;               // else the input stream
    produce_format format = produce_format::lines;
    std::optional<std::string> key_field;  // json/csv: the field that is the record key
    std::optional<double> throughput;      // records per second, > 0
};

// Everything the run touches outside the options, so tests can drive it.
struct produce_env {
    std::istream* in = nullptr;  // input when options.file is not set...
    // ...unless this is a file descriptor (stdin: 0), read with read(2) so
    // that lines piped or typed in are sent as they arrive.
    int in_fd = -1;
    std::ostream* err = nullptr;
    // Ctrl-C presses (incremented by a signal handler): 1 stops reading and
    // waits for what was sent; 2 stops waiting.
    const std::atomic<int>* interrupts = nullptr;
    clock* clk = &system_clock::instance();
    std::function<void(std::chrono::microseconds)> sleep;  // for --throughput; default: real
    // The progress bar for --file: shown when stderr is a terminal unless
    // set here. It is drawn on progress_out.
    std::optional<bool> progress;
    FILE* progress_out = stderr;
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
};

// Runs the tool; the exit code: 0 all delivered, 1 anything failed, was not
// delivered or could not start (unreachable broker, unknown topic, bad
// settings), 2 options that contradict each other, 130 interrupted with
// everything sent delivered.
int run_produce(const produce_options& opts, const produce_env& env);

}  // namespace cs::tools
