#pragma once

// The librdkafka side of the broker benchmark: a producer throughput run, a
// consumer throughput run and a paced latency run against any bootstrap
// address (our broker or librdkafka's mock cluster), with the same client
// settings for both. Every run fails loudly (ok == false, error set) instead
// of reporting a number it did not measure: delivery errors, missing records
// or a stall past the deadline all end the run.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cs::bench {

// ~120-byte JSON click events keyed by user id, generated once and cycled.
struct click_event {
    std::string key;
    std::string value;
};
std::vector<click_event> make_click_events(size_t count, uint64_t seed);

// CPU time the calling thread / the whole process (client, and the broker
// when it runs in this process) has used so far.
double thread_cpu_seconds();
double process_cpu_seconds();

struct client_settings {
    std::string bootstrap;
    int linger_ms = 5;
    std::string compression = "lz4";
    double deadline_s = 120;  // a run that takes longer is reported as stalled
    // librdkafka properties for the consume case's consumer, after the
    // bench's own (same for both clusters): --consumer-props.
    std::vector<std::pair<std::string, std::string>> consumer_props;
};

struct run_result {
    bool ok = false;
    std::string error;
    uint64_t records = 0;
    uint64_t bytes = 0;  // value bytes (what the application hands over)
    double seconds = 0;
    // Consumer only: assign() to first record (metadata, connection, first
    // fetch). Part of `seconds`; see steady_records_per_s().
    double startup_seconds = 0;
    uint64_t available = 0;  // consumer only: records the cluster held when the run began
    // Consumer only: CPU time of the thread that polled, from start to the
    // last record. With librdkafka that excludes its broker threads, which
    // do the fetching and decoding.
    double poll_thread_cpu_seconds = 0;
    double process_cpu_seconds = 0;  // consumer only: same span, every thread of the process
    uint64_t fetch_requests = 0;     // our fetcher only: Fetch requests sent
    double cpu_us_per_record() const {
        return records > 0 ? poll_thread_cpu_seconds * 1e6 / static_cast<double>(records) : 0;
    }
    double process_cpu_us_per_record() const {
        return records > 0 ? process_cpu_seconds * 1e6 / static_cast<double>(records) : 0;
    }
    double records_per_s() const {
        return seconds > 0 ? static_cast<double>(records) / seconds : 0;
    }
    double mb_per_s() const { return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0; }
    // Throughput once data flows: time from the first record to the last.
    double steady_seconds() const { return seconds - startup_seconds; }
    double steady_records_per_s() const {
        return steady_seconds() > 0 ? static_cast<double>(records) / steady_seconds() : 0;
    }
    double steady_mb_per_s() const {
        return steady_seconds() > 0 ? static_cast<double>(bytes) / 1e6 / steady_seconds() : 0;
    }
};

// Produces `records` events (after one untimed warm-up record that opens the
// connections) and waits for every delivery report. acks is "1" or "all".
run_result produce(const client_settings& s, const std::string& topic, const std::string& acks,
                   const std::vector<click_event>& events, uint64_t records);

// Assigns partitions 0..partitions-1 from their low watermark and reads until
// every record the cluster holds (sum of high - low watermarks, queried
// first; that is `available` in the result) has arrived. The mock cluster
// keeps only the newest ~5 MiB per partition, so its low watermark moves.
run_result consume(const client_settings& s, const std::string& topic, int partitions);

struct latency_result {
    bool ok = false;
    std::string error;
    uint64_t records = 0;
    double achieved_rate = 0;  // records/s actually offered
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

// Offers `rate` records/s for `seconds` and measures, per record, delivery
// report time minus produce() call time. A separate thread serves the
// delivery reports so their timing does not depend on the pacing loop.
latency_result produce_latency(const client_settings& s, const std::string& topic,
                               const std::string& acks, const std::vector<click_event>& events,
                               double rate, double seconds);

// Creates a topic through the Admin API (CreateTopics) on the cluster at
// s.bootstrap. Returns an empty string on success, else the error.
std::string create_topic(const client_settings& s, const std::string& topic, int partitions);

}  // namespace cs::bench
