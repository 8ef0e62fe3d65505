#pragma once

// The consume case of the broker benchmark with our own Fetch client
// (client/fetcher.h) instead of librdkafka's consumer: same topic, same
// data, same run, so the two consume rows show what the client costs.
// librdkafka is used only for metadata (partition leaders) and watermarks.

#include <string>

#include "broker_bench_kafka.h"

namespace cs::bench {

// Reads partitions 0..partitions-1 from their low watermark until every
// record the cluster holds (sum of high - low, queried first: `available`)
// has arrived, checking that each partition's offsets come without a gap or
// repeat. Polls batches of up to 10,000 records with a 100 ms timeout.
// poll_thread_cpu_seconds is the polling thread's CPU time, which here is all of
// the client's work (the fetcher does its I/O and decoding on that thread).
run_result consume_with_fetcher(const client_settings& s, const std::string& topic, int partitions);

}  // namespace cs::bench
