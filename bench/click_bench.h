#pragma once

// What the streams benchmarks (enrichment_bench, aggregate_bench) share: the
// seeds' click events and dimension ids, producing them to a broker, the
// clocks, planning a query and running it on the calling thread (measured),
// and running a Python peer script that prints one JSON line.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "client/settings.h"
#include "streams/query_plan.h"
#include "streams/query_runner.h"

namespace cs::bench {

// The command line both streams benchmarks take:
//   [--events N] [--python-events M] [--python PATH] [--thread-cpu] [--only LIST]
// (--only only where allow_only). Dies on an unknown flag; python_events is
// at most events.
struct bench_flags {
    size_t events = 300'000;
    size_t python_events = 0;
    std::string python = "/usr/bin/python3";
    std::string only;  // comma-separated names, empty: all
    bool thread_cpu = false;
};
bench_flags parse_flags(int argc, char** argv, size_t python_events, bool allow_only);

// Whether `what` is named in a comma-separated list (an empty list names all).
bool selected(std::string_view list, std::string_view what);

// Hash maps looked up by string_view (no key copied per look-up).
struct view_hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Prints "<program>: what" to stderr and exits 1.
[[noreturn]] void die(const std::string& what);

double thread_cpu_seconds();  // CLOCK_THREAD_CPUTIME_ID of the caller
double now_seconds();         // steady clock

inline constexpr int n_users = 100'000;
inline constexpr int n_devices = 20'000;
inline constexpr int n_urls = 5'000;

std::string user_id(int i);    // "u000042"
std::string device_id(int i);  // "d00042"
std::string url_of(int i);     // "/products/2/42"

struct event {
    std::string key;
    std::string value;
    int64_t timestamp_ms = 0;  // the record's; 0: the producer's clock
};

// n click events (key: user_id; value: JSON with timestamp, user_id, url,
// device_id, event_type), the same for the same n and base: event i happens
// at base_ms + 7 i (its record timestamp and its "timestamp" field).
std::vector<event> make_events(size_t n, int64_t base_ms);

// The start of the current UTC hour minus one hour: a base for make_events
// whose timestamps lie well inside any retention.
int64_t recent_base_ms();

client::client_settings settings_for(const std::string& bootstrap);

// Produces every record (with its timestamp) and waits for all acks.
void produce_all(const std::string& bootstrap, const std::string& topic,
                 const std::vector<event>& records);

// The seeds' click stream (key user_id; JSON values), on topic "clicks".
inline constexpr const char* clickstream_ddl =
    "CREATE STREAM clickstream (user_id VARCHAR KEY, `timestamp` VARCHAR, url VARCHAR, "
    "device_id VARCHAR, event_type VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');";

// `sql` (CREATE ... AS SELECT) planned over the sources `ddl` creates, with
// this query id; dies on errors.
streams::query_plan plan_query(const std::vector<std::string>& ddl, const std::string& sql,
                               const std::string& id);

struct query_timing {
    double wall_s = 0;
    double runner_cpu_s = 0;  // the calling thread's (the runner's)
    double rdk_cpu_s = 0;     // librdkafka's threads'
};

// Loads the plan's tables, prepares its runner and steps it on the calling
// thread until `outputs` output records are acknowledged (counters().produced),
// timing that loop; dies on errors or after 10 minutes. print_threads: one
// line of CPU per busy thread (the runner's, librdkafka's).
query_timing run_query(streams::query_plan plan, const std::string& bootstrap, uint64_t outputs,
                       const streams::runner_options& options, bool print_threads);

struct script_timing {
    double wall_s = 0;
    double cpu_s = 0;
};

// Events per second of one side of a comparison.
struct measured {
    double events_per_s = 0;            // wall clock
    double events_per_cpu_s = 0;        // per CPU-second of the runner thread / the process
    double events_per_query_cpu_s = 0;  // ours: runner thread + librdkafka threads
};
measured rates(const query_timing& t, uint64_t events);
measured rates(const script_timing& t, uint64_t events);

// Runs a command that prints one JSON object with "wall_s" and "cpu_s" (a
// Python peer); dies when it fails.
script_timing run_timed_script(const std::string& command);

}  // namespace cs::bench
