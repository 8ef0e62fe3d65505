#pragma once

// `clickstream generate`: the synthetic clickstream (generate/generator.h)
// to stdout (one JSON event per line, or "key<TAB>value" with print_key) or
// to a topic through the client producer, keyed by user id with the header
// source=clickstream-generate and the event time as the record timestamp.
//
// Runs until count records are out, or until stop becomes true (Ctrl-C):
// then it flushes and prints a summary on stderr. Exit code 0, or 1 when
// anything was not delivered or could not be written (with the reason).

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "tools/generate/generator.h"

namespace cs::tools {

struct generate_options {
    gen::generator_config generator;  // its start_ms is replaced by start_ms below
    std::optional<int64_t> start_ms;  // nullopt: now (clk.now_ms())
    double rate = 0;                  // records per second; 0: as fast as possible
    std::optional<uint64_t> count;    // nullopt: until stopped
    // Events generated and dropped before the first one written: a resumed
    // run with the same seed and start continues the same stream.
    uint64_t skip = 0;
    std::optional<std::string> topic;  // nullopt: stdout
    std::optional<std::string> bootstrap_server;
    std::optional<std::string> producer_config;    // --producer.config FILE
    std::vector<std::string> producer_properties;  // --producer-property k=v
    bool print_key = false;
    std::optional<std::filesystem::path> dimensions_dir;
    // Progress on err: nullopt shows it when count is set and err is a terminal.
    std::optional<bool> show_progress;
};

int run_generate(const generate_options& opts, std::FILE* out, std::FILE* err,
                 const std::atomic<bool>& stop, clock& clk = system_clock::instance());

}  // namespace cs::tools
