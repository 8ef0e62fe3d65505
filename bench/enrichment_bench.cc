// The seeds' enrichment query end to end, against its peers in the same run
// on the same broker and the same data:
//
//   ours:    the SQL engine's query runner (parse -> plan -> consume ->
//            decode -> three LEFT JOINs -> project -> encode -> produce,
//            until every output record is acknowledged), one thread,
//            reading the clicks with the built-in fetcher (client/fetcher.h)
//            and writing with the built-in producer (client/direct_producer.h);
//            "ours-rdkp" is the same query writing with librdkafka's producer,
//            "ours-rdk" reading and writing with librdkafka (all keep
//            librdkafka for the group, commits and metadata)
//   python:  the seeds' way, a confluent_kafka loop (consume, json.loads,
//            dict lookups, json.dumps, produce): bench/enrichment_python.py
//   floor:   simdjson parsing of the same event values, hash lookups and
//            writing the enriched JSON, no Kafka (the least any engine does)
//
// Dimensions: 100k users, 20k devices, 5k urls in one-partition compacted
// topics; clicks in one partition (one core). Our broker runs in this
// process (its threads are not the runner's: "ours" is reported both as
// wall-clock events/s and per CPU-second of the runner's thread).
//
//   enrichment_bench [--events N] [--python-events M] [--python PATH] [--thread-cpu]
//
// --thread-cpu prints the CPU of the runner's thread and of each busy
// librdkafka thread during our run (which thread is the consumer's and which
// the producer's: the consumer's fetch thread is the busiest).
//
// Results and the command line: bench/RESULTS.md.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include "base/allocator.h"
#include "click_bench.h"
#include "client/producer.h"
#include "formats/json_writer.h"
#include "streams/parser.h"
#include "streams/planner.h"
#include "streams/query_runner.h"
#include "streams/table_store.h"
#include "testing/test_brokers.h"
#include "thread_cpu.h"

namespace {

using namespace cs;
using namespace std::chrono_literals;
using namespace cs::bench;

streams::query_plan plan_enrichment() {
    return plan_query(
        {"CREATE TABLE users (user_id VARCHAR PRIMARY KEY, user_name VARCHAR, country VARCHAR) "
         "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');",
         "CREATE TABLE devices (device_id VARCHAR PRIMARY KEY, device_type VARCHAR) "
         "WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON');",
         "CREATE TABLE urls (url VARCHAR PRIMARY KEY, url_category VARCHAR) "
         "WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON');",
         clickstream_ddl},
        "CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched', PARTITIONS=1) AS SELECT "
        "c.user_id AS `user_id`, c.`timestamp` AS `timestamp`, c.device_id AS `device_id`, "
        "c.url AS `url`, u.user_name AS `user_name`, d.device_type AS `device_type`, "
        "l.url_category AS `url_category` FROM clickstream c "
        "LEFT JOIN users u ON c.user_id = u.user_id "
        "LEFT JOIN devices d ON c.device_id = d.device_id "
        "LEFT JOIN urls l ON c.url = l.url;",
        "CSAS_ENRICHED_BENCH");
}

// Which of the query's Kafka paths are our own and which librdkafka's.
struct client_path {
    const char* label;
    const char* group_suffix;  // each run is a consumer group of its own
    bool builtin_fetch;
    bool builtin_produce;
};

measured run_ours(const std::string& bootstrap, size_t n, bool thread_cpu, client_path path) {
    auto plan = plan_enrichment();
    plan.id += path.group_suffix;
    if (thread_cpu) {
        fmt::print("{}: fetch by {}, produce by {}:\n", path.label,
                   path.builtin_fetch ? "ours" : "librdkafka",
                   path.builtin_produce ? "ours" : "librdkafka");
    }
    streams::runner_options opts;
    opts.auto_offset_reset = "earliest";
    opts.builtin_fetch = path.builtin_fetch;
    opts.builtin_produce = path.builtin_produce;
    return rates(run_query(std::move(plan), bootstrap, n, opts, thread_cpu), n);
}

measured run_python(const std::string& python, const std::string& bootstrap, size_t n) {
    return rates(run_timed_script(fmt::format("{} {}/bench/enrichment_python.py {} clicks "
                                              "enriched_py {}",
                                              python, CS_SOURCE_DIR, bootstrap, n)),
                 n);
}

using dimension = std::unordered_map<std::string, std::string, view_hash, std::equal_to<>>;

measured run_floor(const std::vector<event>& events) {
    dimension users, devices, urls;
    for (int i = 0; i < n_users; ++i) {
        users.emplace(user_id(i), "Name " + std::to_string(i));
    }
    for (int i = 0; i < n_devices; ++i) {
        devices.emplace(device_id(i), i % 2 ? "mobile" : "desktop");
    }
    for (int i = 0; i < n_urls; ++i) {
        urls.emplace(url_of(i), "product-page");
    }
    simdjson::dom::parser parser;
    std::string out;
    size_t bytes = 0;
    const double cpu0 = thread_cpu_seconds();
    const double wall0 = now_seconds();
    for (const auto& e : events) {
        simdjson::dom::element doc;
        if (parser.parse(e.value).get(doc)) {
            die("floor: bad event");
        }
        std::string_view ts, uid, url, dev;
        if (doc["timestamp"].get(ts) || doc["user_id"].get(uid) || doc["url"].get(url) ||
            doc["device_id"].get(dev)) {
            die("floor: missing field");
        }
        out.clear();
        auto field = [&](const char* name, std::string_view v, bool first = false) {
            out += first ? "{\"" : ",\"";
            out += name;
            out += "\":";
            formats::append_json_string(out, v);
        };
        auto lookup = [&](const dimension& m, std::string_view k, const char* name) {
            auto it = m.find(k);
            if (it == m.end()) {
                out += ",\"";
                out += name;
                out += "\":null";
            } else {
                field(name, it->second);
            }
        };
        field("user_id", uid, true);
        field("timestamp", ts);
        field("device_id", dev);
        field("url", url);
        lookup(users, uid, "user_name");
        lookup(devices, dev, "device_type");
        lookup(urls, url, "url_category");
        out += '}';
        bytes += out.size();
    }
    const double wall = now_seconds() - wall0;
    const double cpu = thread_cpu_seconds() - cpu0;
    if (bytes == 0) {
        die("floor: nothing written");
    }
    return {static_cast<double>(events.size()) / wall, static_cast<double>(events.size()) / cpu};
}

}  // namespace

int main(int argc, char** argv) {
    // Before any allocation that matters (base/allocator.h says why).
    (void)cs::tune_allocator_for_streaming();
    const bench_flags flags = parse_flags(argc, argv, 50'000, false);
    const size_t n = flags.events;
    const size_t n_py = flags.python_events;
    const bool thread_cpu = flags.thread_cpu;
    auto broker = testing::start_clickstream_broker();
    for (auto [topic, parts] :
         {std::pair{"users", 1}, std::pair{"devices", 1}, std::pair{"urls", 1},
          std::pair{"clicks", 1}, std::pair{"enriched", 1}, std::pair{"enriched_py", 1}}) {
        if (auto st = broker->create_topic(topic, parts); !st) {
            die(st.message());
        }
    }
    const std::string bootstrap = broker->bootstrap();
    std::vector<event> users, devices, urls;
    for (int i = 0; i < n_users; ++i) {
        users.push_back({user_id(i), fmt::format(R"({{"user_id":"{}","user_name":"Name {}",)"
                                                 R"("country":"DE"}})",
                                                 user_id(i), i)});
    }
    for (int i = 0; i < n_devices; ++i) {
        devices.push_back({device_id(i), fmt::format(R"({{"device_id":"{}","device_type":"{}"}})",
                                                     device_id(i), i % 2 ? "mobile" : "desktop")});
    }
    for (int i = 0; i < n_urls; ++i) {
        urls.push_back(
            {url_of(i), fmt::format(R"({{"url":"{}","url_category":"product-page"}})", url_of(i))});
    }
    produce_all(bootstrap, "users", users);
    produce_all(bootstrap, "devices", devices);
    produce_all(bootstrap, "urls", urls);
    auto events = make_events(n, recent_base_ms());
    produce_all(bootstrap, "clicks", events);
    fmt::print(
        "enrichment_bench: {} events, {} users, {} devices, {} urls (Python loop: {} "
        "events)\n",
        n, n_users, n_devices, n_urls, n_py);

    measured floor = run_floor(events);
    measured ours = run_ours(bootstrap, n, thread_cpu, {"ours", "", true, true});
    measured ours_rdkp =
        run_ours(bootstrap, n, thread_cpu, {"ours-rdkp", "_RDKAFKA_PRODUCE", true, false});
    measured ours_rdk =
        run_ours(bootstrap, n, thread_cpu, {"ours-rdk", "_RDKAFKA_FETCH", false, false});
    measured py = run_python(flags.python, bootstrap, n_py);
    auto row = [](const char* name, const measured& m) {
        fmt::print("  {:<9} {:>12.0f} events/s wall   {:>12.0f} events per CPU-second\n", name,
                   m.events_per_s, m.events_per_cpu_s);
    };
    row("ours", ours);
    fmt::print("  {:<9} {:>12.0f} events per CPU-second of the runner and its librdkafka threads\n",
               "ours", ours.events_per_query_cpu_s);
    row("ours-rdkp", ours_rdkp);
    fmt::print(
        "  {:<9} {:>12.0f} events per CPU-second of the runner and its librdkafka threads "
        "(librdkafka's produce instead of ours)\n",
        "ours-rdkp", ours_rdkp.events_per_query_cpu_s);
    row("ours-rdk", ours_rdk);
    fmt::print(
        "  {:<9} {:>12.0f} events per CPU-second of the runner and its librdkafka threads "
        "(librdkafka's fetch and produce instead of ours)\n",
        "ours-rdk", ours_rdk.events_per_query_cpu_s);
    row("python", py);
    row("floor", floor);
    fmt::print(
        "  ours / python: {:.1f}x wall, {:.1f}x per CPU-second (runner thread), {:.1f}x per "
        "CPU-second (runner + librdkafka threads, like for like with the Python process)\n",
        ours.events_per_s / py.events_per_s, ours.events_per_cpu_s / py.events_per_cpu_s,
        ours.events_per_query_cpu_s / py.events_per_cpu_s);
    fmt::print("  ours / floor:  {:.3f} wall, {:.3f} per CPU-second\n",
               ours.events_per_s / floor.events_per_s,
               ours.events_per_cpu_s / floor.events_per_cpu_s);
    return 0;
}
