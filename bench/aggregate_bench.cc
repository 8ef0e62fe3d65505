// The windowed aggregation hot path end to end, against its peers in the
// same run on the same broker and the same click events as enrichment_bench:
//
//   url:     CREATE TABLE ... AS SELECT url, COUNT(*) AS views FROM clickstream
//            WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY url EMIT CHANGES;
//            grouped by a value column: each click goes through the query's
//            repartition topic (written and read back by the same runner),
//            then each update to the changelog topic and to the output
//   key:     the same grouped by the record key (user_id): no repartition,
//            changelog and output only
//   python:  the same count written by hand with confluent_kafka (consume,
//            json.loads, window start, dict count, json.dumps, produce one
//            update per click, as EMIT CHANGES does): bench/aggregate_python.py
//   floor:   simdjson parsing of the same values, a hash map of counts and
//            each update's key and JSON written, no Kafka
//
// Ours runs on this thread (step()) against our broker in this process, and
// is reported as events/s wall and per CPU-second of the runner's thread
// (and of the runner's plus librdkafka's threads). Each click has its own
// record timestamp (7 ms apart: 300k clicks span 35 one-minute windows).
//
// The results are checked before anything is printed: every output record
// of ours and of the Python loop is read back; the last count of each
// (group, window) must equal the floor's count over the same clicks (ours
// over all of them, the Python loop over the first --python-events, and
// ours' first --python-events updates against the Python loop's). A
// mismatch exits 1.
//
//   aggregate_bench [--events N] [--python-events M] [--python PATH]
//                   [--only url,key,python,floor] [--thread-cpu]
//
// --only runs some cases (e.g. `--only url` to profile one query: the
// runner is the main thread, `perf record -t <pid>`). Results and the
// command line: bench/RESULTS.md.

#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include "base/allocator.h"
#include "base/bytes.h"
#include "click_bench.h"
#include "client/consumer.h"
#include "streams/query_runner.h"
#include "testing/test_brokers.h"

namespace {

using namespace cs;
using namespace cs::bench;
using namespace std::chrono_literals;

constexpr int64_t window_ms = 60'000;

// One of the two queries.
struct query_case {
    const char* name;        // "url", "key"
    const char* column;      // the GROUP BY column
    bool by_url;             // grouped by the value's url (else the record key)
    const char* sink;        // our output topic
    const char* python_out;  // the Python loop's output topic
};

constexpr query_case cases[] = {
    {"url", "url", true, "pageviews", "pageviews_py"},
    {"key", "user_id", false, "userviews", "userviews_py"},
};

// (group bytes + big-endian window start, as the output key) -> count.
using counts = std::unordered_map<std::string, int64_t, view_hash, std::equal_to<>>;

void append_window(std::string& key, int64_t start) {
    std::byte b[8];
    store_be(b, static_cast<uint64_t>(start));
    key.append(reinterpret_cast<const char*>(b), sizeof b);
}

std::string describe_key(std::string_view key) {
    if (key.size() < 8) {
        return fmt::format("'{}' (no window)", key);
    }
    const auto start = static_cast<int64_t>(
        load_be<uint64_t>(reinterpret_cast<const std::byte*>(key.data() + key.size() - 8)));
    return fmt::format("'{}' window {}", key.substr(0, key.size() - 8), start);
}

// The floor, and the expected counts: the first n clicks counted per
// (group, window) as the query does, each update's key and JSON value
// written as an output record would be. final_counts: the counts at the end.
measured run_floor(const std::vector<event>& events, size_t n, bool by_url, counts& final_counts) {
    simdjson::dom::parser parser;
    counts c;
    std::string key;
    std::string value;
    size_t bytes = 0;
    const double cpu0 = thread_cpu_seconds();
    const double wall0 = now_seconds();
    for (size_t i = 0; i < n; ++i) {
        const event& e = events[i];
        simdjson::dom::element doc;
        if (parser.parse(e.value).get(doc)) {
            die("floor: bad event");
        }
        std::string_view group = e.key;
        if (by_url && doc["url"].get(group)) {
            die("floor: no url");
        }
        key.assign(group);
        append_window(key, e.timestamp_ms - e.timestamp_ms % window_ms);
        auto it = c.find(std::string_view(key));
        if (it == c.end()) {
            it = c.emplace(key, 0).first;
        }
        ++it->second;
        value.assign(R"({"VIEWS":)");
        value += std::to_string(it->second);
        value += '}';
        bytes += key.size() + value.size();
    }
    const double wall = now_seconds() - wall0;
    const double cpu = thread_cpu_seconds() - cpu0;
    if (bytes == 0 && n > 0) {
        die("floor: nothing written");
    }
    final_counts = std::move(c);
    return {static_cast<double>(n) / wall, static_cast<double>(n) / cpu,
            static_cast<double>(n) / cpu};
}

struct output_record {
    std::string key;
    int64_t views = 0;
};

// Every record of a one-partition topic, in order, until `count` arrived
// (dies after two minutes without all of them); values are {"VIEWS":n}.
std::vector<output_record> read_outputs(const std::string& bootstrap, const std::string& topic,
                                        size_t count) {
    auto s = settings_for(bootstrap);
    s.set("group.id", "aggregate-bench-check", "bench");
    s.set("enable.auto.commit", "false", "bench");
    config::diagnostics diags;
    auto c = client::consumer::create(s, diags);
    if (!c) {
        die(c.err().message);
    }
    if (auto st = (*c)->assign({{topic, 0, client::offset_beginning}}); !st) {
        die(st.message());
    }
    std::vector<output_record> out;
    out.reserve(count);
    simdjson::dom::parser parser;
    std::vector<client::message> batch;
    const double deadline = now_seconds() + 120;
    while (out.size() < count) {
        if (now_seconds() > deadline) {
            die(fmt::format("{}: {} of {} output records in two minutes", topic, out.size(),
                            count));
        }
        batch.clear();
        auto n = (*c)->poll_batch(batch, 10000, 200ms);
        if (!n) {
            die(n.err().message);
        }
        for (const auto& m : batch) {
            if (!m.key() || !m.value()) {
                die(fmt::format("{} @{}: a record without key or value", topic, m.offset()));
            }
            int64_t views = 0;
            simdjson::dom::element doc;
            if (parser.parse(*m.value()).get(doc) || doc["VIEWS"].get(views)) {
                die(fmt::format("{} @{}: unexpected value {}", topic, m.offset(), *m.value()));
            }
            out.push_back({std::string(*m.key()), views});
        }
    }
    (void)(*c)->close();
    if (out.size() != count) {
        die(fmt::format("{}: {} output records, expected {}", topic, out.size(), count));
    }
    return out;
}

// The last count of each key among the first `limit` updates.
counts last_counts(const std::vector<output_record>& updates, size_t limit) {
    counts c;
    for (size_t i = 0; i < limit && i < updates.size(); ++i) {
        c[updates[i].key] = updates[i].views;
    }
    return c;
}

void expect_equal(const counts& got, const counts& want, const std::string& what) {
    for (const auto& [key, n] : want) {
        auto it = got.find(key);
        if (it == got.end() || it->second != n) {
            die(fmt::format("{}: {}: count {}, expected {}", what, describe_key(key),
                            it == got.end() ? std::string("missing") : std::to_string(it->second),
                            n));
        }
    }
    if (got.size() != want.size()) {
        die(fmt::format("{}: {} (group, window) counts, expected {}", what, got.size(),
                        want.size()));
    }
}

streams::query_plan plan_count(const query_case& c) {
    return plan_query({clickstream_ddl},
                      fmt::format("CREATE TABLE {0} WITH (KAFKA_TOPIC='{0}', PARTITIONS=1) AS "
                                  "SELECT {1}, COUNT(*) AS views FROM clickstream "
                                  "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY {1} EMIT CHANGES;",
                                  c.sink, c.column),
                      fmt::format("CTAS_{}_BENCH", c.sink));
}

measured run_ours(const query_case& c, const std::string& bootstrap, size_t n, bool thread_cpu) {
    if (thread_cpu) {
        fmt::print("ours ({}): runner thread {}\n", c.name, ::gettid());
        std::fflush(stdout);  // for a profiler waiting for the id
    }
    streams::runner_options opts;
    opts.auto_offset_reset = "earliest";
    return rates(run_query(plan_count(c), bootstrap, n, opts, thread_cpu), n);
}

measured run_python(const query_case& c, const std::string& python, const std::string& bootstrap,
                    size_t n) {
    return rates(run_timed_script(fmt::format("{} {}/bench/aggregate_python.py {} clicks {} {} {}",
                                              python, CS_SOURCE_DIR, bootstrap, c.python_out, n,
                                              c.by_url ? "url" : "key")),
                 n);
}

void row(const char* name, const measured& m) {
    fmt::print("  {:<7} {:>10.0f} events/s wall  {:>10.0f} per CPU-s ({:.2f} us/event)", name,
               m.events_per_s, m.events_per_cpu_s, 1e6 / m.events_per_cpu_s);
    if (m.events_per_query_cpu_s != m.events_per_cpu_s) {
        fmt::print("  {:>10.0f} per CPU-s with librdkafka's threads ({:.2f} us/event)",
                   m.events_per_query_cpu_s, 1e6 / m.events_per_query_cpu_s);
    }
    fmt::print("\n");
}

}  // namespace

int main(int argc, char** argv) {
    // Before any allocation that matters (base/allocator.h says why).
    (void)cs::tune_allocator_for_streaming();
    const bench_flags flags = parse_flags(argc, argv, 100'000, true);
    const size_t n = flags.events;
    const size_t n_py = flags.python_events;
    const std::string& only = flags.only;
    auto broker = testing::start_clickstream_broker();
    for (const char* topic : {"clicks", "pageviews", "pageviews_py", "userviews", "userviews_py"}) {
        if (auto st = broker->create_topic(topic, 1); !st) {
            die(st.message());
        }
    }
    const std::string bootstrap = broker->bootstrap();
    auto events = make_events(n, recent_base_ms());
    produce_all(bootstrap, "clicks", events);
    fmt::print("aggregate_bench: {} events (Python loop: {}), 1-minute tumbling windows\n", n,
               n_py);

    for (const query_case& c : cases) {
        if (!selected(only, c.name)) {
            continue;
        }
        counts want;
        counts want_py;
        measured floor = run_floor(events, n, c.by_url, want);
        (void)run_floor(events, n_py, c.by_url, want_py);
        measured ours = run_ours(c, bootstrap, n, flags.thread_cpu);
        const auto ours_out = read_outputs(bootstrap, c.sink, n);
        expect_equal(last_counts(ours_out, n), want, fmt::format("ours ({})", c.name));
        const bool py = selected(only, "python");
        measured python_m;
        if (py) {
            python_m = run_python(c, flags.python, bootstrap, n_py);
            const auto py_out = read_outputs(bootstrap, c.python_out, n_py);
            const counts got_py = last_counts(py_out, n_py);
            expect_equal(got_py, want_py, fmt::format("python ({})", c.name));
            expect_equal(last_counts(ours_out, n_py), got_py,
                         fmt::format("ours ({}) after {} events vs python", c.name, n_py));
        }
        fmt::print("GROUP BY {} ({}): {} (group, window) counts, checked\n", c.column,
                   c.by_url ? "repartition + changelog" : "changelog, no repartition", want.size());
        row("ours", ours);
        if (py) {
            row("python", python_m);
        }
        if (selected(only, "floor")) {
            row("floor", floor);
        }
        if (py) {
            fmt::print(
                "  ours / python: {:.1f}x wall, {:.1f}x per CPU-s (runner thread), {:.1f}x per "
                "CPU-s (runner + librdkafka threads, like for like with the Python process)\n",
                ours.events_per_s / python_m.events_per_s,
                ours.events_per_cpu_s / python_m.events_per_cpu_s,
                ours.events_per_query_cpu_s / python_m.events_per_cpu_s);
        }
        fmt::print("  ours / floor:  {:.3f} wall, {:.3f} per CPU-s\n",
                   ours.events_per_s / floor.events_per_s,
                   ours.events_per_cpu_s / floor.events_per_cpu_s);
    }
    return 0;
}
