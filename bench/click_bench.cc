#include "click_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

#include <errno.h>
#include <fmt/format.h>
#include <simdjson.h>

#include "client/producer.h"
#include "config/diagnostics.h"
#include "streams/parser.h"
#include "streams/planner.h"
#include "streams/table_store.h"
#include "thread_cpu.h"

namespace cs::bench {

using namespace std::chrono_literals;

void die(const std::string& what) {
    fmt::print(stderr, "{}: {}\n", program_invocation_short_name, what);
    std::exit(1);
}

bench_flags parse_flags(int argc, char** argv, size_t python_events, bool allow_only) {
    bench_flags f;
    f.python_events = python_events;
    for (int i = 1; i < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--thread-cpu") {
            f.thread_cpu = true;
            --i;
            continue;
        }
        if (i + 1 >= argc) {
            die("missing value after " + flag);
        }
        if (flag == "--events") {
            f.events = std::stoul(argv[i + 1]);
        } else if (flag == "--python-events") {
            f.python_events = std::stoul(argv[i + 1]);
        } else if (flag == "--python") {
            f.python = argv[i + 1];
        } else if (flag == "--only" && allow_only) {
            f.only = argv[i + 1];
        } else {
            die("unknown flag " + flag);
        }
    }
    f.python_events = std::min(f.python_events, f.events);
    return f;
}

bool selected(std::string_view list, std::string_view what) {
    if (list.empty()) {
        return true;
    }
    for (size_t at = 0; at <= list.size();) {
        size_t comma = std::min(list.find(',', at), list.size());
        if (list.substr(at, comma - at) == what) {
            return true;
        }
        at = comma + 1;
    }
    return false;
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string user_id(int i) {
    return fmt::format("u{:06}", i);
}
std::string device_id(int i) {
    return fmt::format("d{:05}", i);
}
std::string url_of(int i) {
    return fmt::format("/products/{}/{}", i % 40, i);
}

std::vector<event> make_events(size_t n, int64_t base_ms) {
    std::mt19937_64 rng(42);
    std::vector<event> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        // A few ids miss their table, as real traffic does.
        int u = static_cast<int>(rng() % (n_users + n_users / 50));
        int d = static_cast<int>(rng() % n_devices);
        int l = static_cast<int>(rng() % n_urls);
        const int64_t ms = base_ms + static_cast<int64_t>(i) * 7;
        const time_t secs = static_cast<time_t>(ms / 1000);
        tm t{};
        gmtime_r(&secs, &t);
        std::string ts =
            fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.tm_year + 1900,
                        t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms % 1000);
        out.push_back({user_id(u),
                       fmt::format(R"({{"timestamp":"{}","user_id":"{}","url":"{}",)"
                                   R"("device_id":"{}","event_type":"page_view"}})",
                                   ts, user_id(u), url_of(l), device_id(d)),
                       ms});
    }
    return out;
}

int64_t recent_base_ms() {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    return now - now % 3'600'000 - 3'600'000;
}

client::client_settings settings_for(const std::string& bootstrap) {
    client::client_settings s;
    client::apply_bootstrap(s, bootstrap);
    return s;
}

void produce_all(const std::string& bootstrap, const std::string& topic,
                 const std::vector<event>& records) {
    auto s = settings_for(bootstrap);
    s.set("linger.ms", "20", "bench");
    s.set("batch.num.messages", "10000", "bench");
    config::diagnostics diags;
    auto p = client::producer::create(s, diags);
    if (!p) {
        die(p.err().message);
    }
    for (const auto& r : records) {
        if (auto st = (*p)->send(
                {.topic = topic, .key = r.key, .value = r.value, .timestamp_ms = r.timestamp_ms});
            !st) {
            die(st.message());
        }
    }
    if (auto st = (*p)->flush(120s); !st || (*p)->stats().failed > 0) {
        die("producing to " + topic + ": " + (*p)->summary());
    }
}

streams::query_plan plan_query(const std::vector<std::string>& ddl, const std::string& sql,
                               const std::string& id) {
    streams::map_catalog catalog;
    for (const auto& text : ddl) {
        auto st = streams::parse_statement(text);
        if (!st) {
            die(st.err().message);
        }
        auto def =
            streams::make_source_def(std::get<streams::ast::create_source_stmt>(st->body), *st);
        if (!def) {
            die(def.err().message);
        }
        catalog.defs[def->name] = *def;
    }
    auto stmt = streams::parse_statement(sql);
    if (!stmt) {
        die(stmt.err().message);
    }
    auto plan = streams::plan_create_as_select(
        std::get<streams::ast::create_as_select_stmt>(stmt->body), *stmt, catalog);
    if (!plan) {
        die(plan.err().message);
    }
    plan->id = id;
    return std::move(*plan);
}

query_timing run_query(streams::query_plan plan, const std::string& bootstrap, uint64_t outputs,
                       const streams::runner_options& options, bool print_threads) {
    std::vector<std::shared_ptr<streams::table_reader>> readers;
    for (const auto& t : plan.tables) {
        auto store = streams::table_store::create(t);
        if (!store) {
            die(store.err().message);
        }
        auto reader = streams::table_reader::start(*store, settings_for(bootstrap));
        if (!reader) {
            die(reader.err().message);
        }
        readers.push_back(std::shared_ptr<streams::table_reader>(std::move(*reader)));
    }
    for (auto& r : readers) {
        if (auto st = r->wait_loaded(std::chrono::minutes(5)); !st) {
            die(st.message());
        }
    }
    auto runner =
        streams::query_runner::create(std::move(plan), readers, settings_for(bootstrap), options);
    if (!runner) {
        die(runner.err().message);
    }
    auto& r = **runner;
    if (auto st = r.prepare(); !st) {
        die(st.message());
    }
    const double wall0 = now_seconds();
    const double cpu0 = thread_cpu_seconds();
    const auto rdk0 = thread_cpu("rdk:");
    while (r.counters().produced.load() < outputs) {
        if (auto st = r.step(); !st) {
            die(st.err().message);
        }
        if (now_seconds() - wall0 > 600) {
            die(fmt::format("query did not finish in 10 minutes: {} of {} outputs",
                            r.counters().produced.load(), outputs));
        }
    }
    query_timing t;
    t.wall_s = now_seconds() - wall0;
    t.runner_cpu_s = thread_cpu_seconds() - cpu0;
    if (print_threads) {
        fmt::print("  thread {:<24} {:.2f} CPU-s ({:.2f} us per output)\n", "runner",
                   t.runner_cpu_s, t.runner_cpu_s * 1e6 / static_cast<double>(outputs));
    }
    t.rdk_cpu_s = thread_cpu_between(rdk0, thread_cpu("rdk:"), outputs, "output", print_threads);
    r.stop();
    return t;
}

measured rates(const query_timing& t, uint64_t events) {
    const auto n = static_cast<double>(events);
    return {n / t.wall_s, n / t.runner_cpu_s, n / (t.runner_cpu_s + t.rdk_cpu_s)};
}

measured rates(const script_timing& t, uint64_t events) {
    const auto n = static_cast<double>(events);
    return {n / t.wall_s, n / t.cpu_s, n / t.cpu_s};
}

script_timing run_timed_script(const std::string& command) {
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr) {
        die("cannot run " + command);
    }
    char buf[4096];
    std::string out;
    while (std::fgets(buf, sizeof buf, p) != nullptr) {
        out += buf;
    }
    if (::pclose(p) != 0) {
        die("the Python loop failed: " + command + "\n" + out);
    }
    simdjson::dom::parser parser;
    auto doc = parser.parse(out);
    script_timing t;
    if (doc["wall_s"].get(t.wall_s) || doc["cpu_s"].get(t.cpu_s)) {
        die("unexpected output of the Python loop: " + out);
    }
    return t;
}

}  // namespace cs::bench
