// broker_bench: our broker vs librdkafka's mock cluster vs this machine's
// physical limits, side by side in one run, with the librdkafka client in the
// same process (so on a small machine client and broker share the cores).
//
//   broker_bench [--records N] [--rate R] [--latency-seconds S] [--dir PATH]
//                [--loopback-mb M] [--disk-mb M] [--broker-props "k=v;k=v"]
//                [--timeout S] [--compression lz4|none|...] [--keep] [--thread-cpu]
//                [--mock-first] [--consumer-props "k=v;k=v"]
//
// Cases (same client settings for both clusters: lz4, linger.ms=5, keyed by
// user id, 6 partitions): produce N records with acks=1 and with acks=all,
// consume the acks=1 topic from the beginning (with librdkafka's consumer,
// then again with our own fetcher, client/fetcher.h), and a paced produce at R
// records/s for S seconds for p50/p99 delivery latency. Exits non-zero if any
// run fails (delivery errors, missing records, stall): numbers are printed
// only for runs that completed. Results and their reading: bench/RESULTS.md.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <unistd.h>

#include "base/allocator.h"
#include "base/log.h"
#include "broker/broker.h"
#include "broker_bench_fetcher.h"
#include "broker_bench_kafka.h"
#include "broker_bench_limits.h"
#include "config/broker_settings.h"
#include "thread_cpu.h"

namespace {

namespace fs = std::filesystem;
using namespace cs::bench;

constexpr int partitions = 6;

struct options {
    uint64_t records = 1'000'000;
    double rate = 20'000;
    double latency_seconds = 3;
    fs::path dir = fs::temp_directory_path();
    uint64_t loopback_mb = 1024;
    uint64_t disk_mb = 256;
    std::string broker_props;
    std::string consumer_props;  // "k=v;k=v" for librdkafka's consumer, both clusters
    double timeout_s = 120;
    std::string compression = "lz4";
    bool keep = false;        // keep the broker's data dir (to inspect the stored batches)
    bool thread_cpu = false;  // print each thread's CPU during the produce cases
    bool mock_first = false;  // run librdkafka's mock cluster before ours (order effects)
};

[[noreturn]] void usage(const char* msg) {
    std::fprintf(stderr,
                 "broker_bench: %s\nusage: broker_bench [--records N] [--rate R] "
                 "[--latency-seconds S] [--dir PATH] [--loopback-mb M] [--disk-mb M] "
                 "[--broker-props \"k=v;k=v\"] [--timeout S] [--compression C] [--keep] "
                 "[--thread-cpu] [--mock-first] [--consumer-props \"k=v;k=v\"]\n",
                 msg);
    std::exit(2);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--keep") {
            o.keep = true;
            continue;
        }
        if (a == "--thread-cpu") {
            o.thread_cpu = true;
            continue;
        }
        if (a == "--mock-first") {
            o.mock_first = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage(("missing value for " + a).c_str());
        }
        std::string v = argv[++i];
        try {
            if (a == "--records") {
                o.records = std::stoull(v);
            } else if (a == "--rate") {
                o.rate = std::stod(v);
            } else if (a == "--latency-seconds") {
                o.latency_seconds = std::stod(v);
            } else if (a == "--dir") {
                o.dir = v;
            } else if (a == "--loopback-mb") {
                o.loopback_mb = std::stoull(v);
            } else if (a == "--disk-mb") {
                o.disk_mb = std::stoull(v);
            } else if (a == "--broker-props") {
                o.broker_props = v;
            } else if (a == "--consumer-props") {
                o.consumer_props = v;
            } else if (a == "--compression") {
                o.compression = v;
            } else if (a == "--timeout") {
                o.timeout_s = std::stod(v);
            } else {
                usage(("unknown option " + a).c_str());
            }
        } catch (const std::logic_error&) {
            usage(("bad value for " + a + ": " + v).c_str());
        }
    }
    if (o.records == 0 || o.rate <= 0 || o.latency_seconds <= 0 || o.disk_mb == 0 ||
        o.loopback_mb == 0) {
        usage("sizes and rates must be positive");
    }
    return o;
}

// Everything measured against one cluster.
struct cluster_results {
    run_result produce_acks1;
    run_result produce_acks_all;
    run_result consume;
    run_result consume_fetcher;  // the same topic read by our fetcher
    latency_result latency_acks1;
    latency_result latency_acks_all;
    uint64_t acks_all_log_bytes = 0;  // on-disk .log bytes of the acks=all topic (ours)
    int stored_codec = -1;            // codec of a stored acks=all batch (ours)
};

bool report(const char* what, const std::string& error) {
    if (!error.empty()) {
        std::fprintf(stderr, "  FAILED %s: %s\n", what, error.c_str());
        return false;
    }
    return true;
}

// Runs every case against `bootstrap`; `create` makes a 6-partition topic.
template <typename CreateTopic>
bool run_cases(const char* name, const options& o, const std::vector<click_event>& events,
               const std::string& bootstrap, bool limited_retention, CreateTopic create,
               cluster_results& out) {
    std::printf("[%s] bootstrap %s\n", name, bootstrap.c_str());
    std::fflush(stdout);
    client_settings s;
    s.bootstrap = bootstrap;
    s.deadline_s = o.timeout_s;
    s.compression = o.compression;
    for (size_t at = 0; at < o.consumer_props.size();) {
        size_t end = o.consumer_props.find(';', at);
        end = end == std::string::npos ? o.consumer_props.size() : end;
        const std::string kv = o.consumer_props.substr(at, end - at);
        if (const size_t eq = kv.find('='); eq != std::string::npos) {
            s.consumer_props.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        }
        at = end + 1;
    }
    for (const char* t : {"clicks-acks1", "clicks-acksall", "clicks-lat1", "clicks-latall"}) {
        if (!report("create topic", create(s, t))) {
            return false;
        }
    }
    auto step = [&](const char* what, const auto& r, auto print) {
        if (!report(what, r.error)) {
            return false;
        }
        print(r);
        std::fflush(stdout);
        return true;
    };
    auto print_run = [](const char* what) {
        return [what](const run_result& r) {
            std::printf("  %-16s %9llu records in %6.3f s: %10.0f records/s %7.1f MB/s\n", what,
                        static_cast<unsigned long long>(r.records), r.seconds, r.records_per_s(),
                        r.mb_per_s());
        };
    };
    auto print_lat = [](const char* what) {
        return [what](const latency_result& r) {
            std::printf(
                "  %-16s %9llu records at %7.0f/s: p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms\n",
                what, static_cast<unsigned long long>(r.records), r.achieved_rate, r.p50_ms,
                r.p99_ms, r.max_ms);
        };
    };
    // --thread-cpu: which threads (client "rdk:", broker "cs:") used the cores;
    // the client's own threads end inside each case.
    auto with_thread_cpu = [&](const char* what, auto run_case) {
        if (!o.thread_cpu) {
            return run_case();
        }
        const auto before = thread_cpu();
        const double process_before = process_cpu();
        run_result r = run_case();
        std::printf("  CPU by thread, %s (the client's threads end inside):\n", what);
        print_phase_cpu(before, process_before, r.records, "record");
        return r;
    };
    auto produce_case = [&](const char* topic, const char* acks) {
        return with_thread_cpu(acks[0] == '1' ? "produce acks=1" : "produce acks=all",
                               [&] { return produce(s, topic, acks, events, o.records); });
    };
    out.produce_acks1 = produce_case("clicks-acks1", "1");
    if (!step("produce acks=1", out.produce_acks1, print_run("produce acks=1"))) {
        return false;
    }
    // Both consume cases read the acks=1 topic from its low watermark to its end.
    auto consumed = [&](const char* what, const run_result& r) {
        if (r.available != o.records + 1) {  // + the warm-up record
            std::printf("  %-16s the cluster held only %llu of the %llu records produced\n", "",
                        static_cast<unsigned long long>(r.available),
                        static_cast<unsigned long long>(o.records + 1));
            if (!limited_retention) {
                return report(what, "records missing from the log");
            }
        }
        std::printf("  %-16s first record after %.3f s; after that %.0f records/s %.1f MB/s\n", "",
                    r.startup_seconds, r.steady_records_per_s(), r.steady_mb_per_s());
        std::printf("  %-16s CPU us/record: polling thread %.3f, process %.3f", "",
                    r.cpu_us_per_record(), r.process_cpu_us_per_record());
        if (r.fetch_requests > 0) {
            std::printf("; %llu Fetch requests", static_cast<unsigned long long>(r.fetch_requests));
        }
        std::printf("\n");
        return true;
    };
    out.consume =
        with_thread_cpu("consume", [&] { return consume(s, "clicks-acks1", partitions); });
    if (!step("consume", out.consume, print_run("consume")) || !consumed("consume", out.consume)) {
        return false;
    }
    out.consume_fetcher = with_thread_cpu("consume, our fetcher", [&] {
        return consume_with_fetcher(s, "clicks-acks1", partitions);
    });
    if (!step("consume (our fetcher)", out.consume_fetcher, print_run("consume, fetcher")) ||
        !consumed("consume (our fetcher)", out.consume_fetcher)) {
        return false;
    }
    out.produce_acks_all = produce_case("clicks-acksall", "all");
    if (!step("produce acks=all", out.produce_acks_all, print_run("produce acks=all"))) {
        return false;
    }
    out.latency_acks1 = produce_latency(s, "clicks-lat1", "1", events, o.rate, o.latency_seconds);
    if (!step("latency acks=1", out.latency_acks1, print_lat("latency acks=1"))) {
        return false;
    }
    out.latency_acks_all =
        produce_latency(s, "clicks-latall", "all", events, o.rate, o.latency_seconds);
    return step("latency acks=all", out.latency_acks_all, print_lat("latency acks=all"));
}

uint64_t log_bytes(const fs::path& data, const std::string& topic) {
    uint64_t total = 0;
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(data, ec)) {
        std::string n = d.path().filename().string();
        if (!d.is_directory() || n.rfind(topic + "-", 0) != 0) {
            continue;
        }
        for (const auto& f : fs::directory_iterator(d.path(), ec)) {
            if (f.path().extension() == ".log") {
                total += f.file_size(ec);
            }
        }
    }
    return total;
}

// The compression codec (attributes & 7 of RecordBatch v2: 0 none, 3 lz4) of the
// batch at offset `pos` of the first partition's first segment of `topic`, or
// -1 if there is none. Shows what the client actually sent: librdkafka < 2.11.1
// drops lz4 when the broker's lowest Produce version is above 0.
int stored_codec(const fs::path& data, const std::string& topic, uint64_t pos) {
    std::ifstream f(data / (topic + "-0") / "00000000000000000000.log", std::ios::binary);
    char h[23];
    if (!f.seekg(static_cast<std::streamoff>(pos)) || !f.read(h, sizeof h)) {
        return -1;
    }
    return static_cast<unsigned char>(h[22]) & 7;
}

bool run_ours(const options& o, const std::vector<click_event>& events, const fs::path& work,
              cluster_results& out) {
    std::string props =
        "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=" + (work / "data").string() +
        "\n";
    for (char c : o.broker_props) {
        props += c == ';' ? '\n' : c;
    }
    props += "\n";
    cs::config::diagnostics diags;
    auto cfg = cs::config::parse_broker_config(props, "bench.properties", diags,
                                               cs::config::process_environment());
    if (!cfg.ok()) {
        std::fprintf(stderr, "broker config: %s\n", diags.to_string().c_str());
        return false;
    }
    cs::broker::broker b(std::move(*cfg));
    if (auto st = b.start(); !st.ok()) {
        std::fprintf(stderr, "broker start: %s\n", st.message().c_str());
        return false;
    }
    std::string bootstrap = "127.0.0.1:" + std::to_string(b.listeners().front().port);
    bool ok = run_cases(
        "ours", o, events, bootstrap, false,
        [](const client_settings& s, const std::string& t) {
            return create_topic(s, t, partitions);
        },
        out);
    out.acks_all_log_bytes = log_bytes(work / "data", "clicks-acksall");
    // Offset 0 is the uncompressed single-record warm-up batch; read the next one.
    std::ifstream first(work / "data" / "clicks-acksall-0" / "00000000000000000000.log",
                        std::ios::binary);
    char len[12];
    if (first.read(len, sizeof len)) {
        uint32_t n = 0;
        for (int i = 8; i < 12; ++i) {
            n = n << 8 | static_cast<unsigned char>(len[i]);
        }
        out.stored_codec = stored_codec(work / "data", "clicks-acksall", 12 + uint64_t{n});
    }
    b.stop();
    return ok;
}

bool run_mock(const options& o, const std::vector<click_event>& events, cluster_results& out) {
    // The mock cluster lives inside a client handle; this one only hosts it.
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // No bootstrap.servers on purpose: don't log the notice about it.
    (void)rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr);
    rd_kafka_t* host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (host == nullptr) {
        std::fprintf(stderr, "mock host: %s\n", errstr);
        return false;
    }
    rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(host, 1);
    bool ok = mc != nullptr;
    if (ok) {
        ok = run_cases(
            "mock", o, events, rd_kafka_mock_cluster_bootstraps(mc), true,
            [mc](const client_settings&, const std::string& t) -> std::string {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, t.c_str(), partitions, 1);
                return err ? rd_kafka_err2str(err) : "";
            },
            out);
        rd_kafka_mock_cluster_destroy(mc);
    } else {
        std::fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    }
    rd_kafka_destroy(host);
    return ok;
}

struct limits {
    throughput loopback;
    disk_result page_cache;
    disk_result fsync_64k;  // fdatasync after every 64 KiB chunk
    disk_result fsync_1m;   // fdatasync after every 16 chunks (1 MiB)
};

limits measure_limits(const options& o, const fs::path& work) {
    limits l;
    uint64_t mb = 1'000'000;
    l.loopback = loopback_tcp(o.loopback_mb * mb);
    std::printf("  loopback TCP        %7.1f MB/s (%llu MB)\n", l.loopback.mb_per_s(),
                static_cast<unsigned long long>(o.loopback_mb));
    l.page_cache = sequential_write(work, o.disk_mb * mb, 64 << 10, 0);
    std::printf("  disk, no fsync      %7.1f MB/s\n", l.page_cache.write.mb_per_s());
    auto print_sync = [](const char* what, const disk_result& d) {
        std::printf("  %-19s %7.1f MB/s  %llu fdatasync, avg %.2f ms\n", what, d.write.mb_per_s(),
                    static_cast<unsigned long long>(d.fsyncs),
                    d.fsyncs ? d.fsync_seconds * 1e3 / static_cast<double>(d.fsyncs) : 0.0);
    };
    // Every-chunk syncing is latency-bound: an eighth of the volume is enough.
    l.fsync_64k = sequential_write(work, std::max<uint64_t>(o.disk_mb / 8, 1) * mb, 64 << 10, 1);
    print_sync("disk, fsync/64KiB", l.fsync_64k);
    l.fsync_1m = sequential_write(work, o.disk_mb * mb, 64 << 10, 16);
    print_sync("disk, fsync/1MiB", l.fsync_1m);
    std::fflush(stdout);
    return l;
}

std::string ratio(double a, double b) {
    if (a <= 0 || b <= 0) {
        return "–";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", a / b);
    return buf;
}

std::string num(double v, const char* fmt = "%.0f") {
    char buf[32];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

void row(const std::string& c, const std::string& ours, const std::string& mock,
         const std::string& r, const std::string& limit = "–", const std::string& lr = "–") {
    std::printf("| %s | %s | %s | %s | %s | %s |\n", c.c_str(), ours.c_str(), mock.c_str(),
                r.c_str(), limit.c_str(), lr.c_str());
}

void print_table(const cluster_results& us, const cluster_results& mock, const limits& l) {
    double lo = l.loopback.mb_per_s();
    std::string los = num(lo, "%.0f") + " (loopback)";
    std::printf("\n| case | ours | mock | ours/mock | physical limit | ours/limit |\n");
    std::printf("|---|---|---|---|---|---|\n");
    auto thr = [&](const char* name, const run_result& a, const run_result& b) {
        row(std::string(name) + " records/s", num(a.records_per_s()), num(b.records_per_s()),
            ratio(a.records_per_s(), b.records_per_s()));
        row(std::string(name) + " MB/s (values)", num(a.mb_per_s(), "%.1f"),
            num(b.mb_per_s(), "%.1f"), ratio(a.mb_per_s(), b.mb_per_s()), los,
            ratio(a.mb_per_s(), lo));
    };
    thr("produce acks=1", us.produce_acks1, mock.produce_acks1);
    thr("produce acks=all", us.produce_acks_all, mock.produce_acks_all);
    double disk_mb = us.produce_acks_all.seconds > 0 ? static_cast<double>(us.acks_all_log_bytes) /
                                                           1e6 / us.produce_acks_all.seconds
                                                     : 0;
    row("acks=all log bytes written+fsynced MB/s", num(disk_mb, "%.1f"), "(in memory)", "–",
        num(l.fsync_64k.write.mb_per_s(), "%.1f") + " (fsync/64KiB)",
        ratio(disk_mb, l.fsync_64k.write.mb_per_s()));
    row("", "", "", "", num(l.fsync_1m.write.mb_per_s(), "%.1f") + " (fsync/1MiB)",
        ratio(disk_mb, l.fsync_1m.write.mb_per_s()));
    // `name` + " records/s (first to last record)" etc.; the first rows of
    // librdkafka's case keep the names earlier results use.
    auto consume_rows = [&](const std::string& incl_name, const std::string& name,
                            const run_result& a, const run_result& b) {
        thr(incl_name.c_str(), a, b);
        row(name + " startup s (assign to first record)", num(a.startup_seconds, "%.3f"),
            num(b.startup_seconds, "%.3f"), ratio(a.startup_seconds, b.startup_seconds));
        row(name + " records/s (first to last record)", num(a.steady_records_per_s()),
            num(b.steady_records_per_s()),
            ratio(a.steady_records_per_s(), b.steady_records_per_s()));
        row(name + " MB/s (first to last record)", num(a.steady_mb_per_s(), "%.1f"),
            num(b.steady_mb_per_s(), "%.1f"), ratio(a.steady_mb_per_s(), b.steady_mb_per_s()), los,
            ratio(a.steady_mb_per_s(), lo));
        row(name + " polling thread CPU us/record", num(a.cpu_us_per_record(), "%.3f"),
            num(b.cpu_us_per_record(), "%.3f"),
            ratio(a.cpu_us_per_record(), b.cpu_us_per_record()));
        row(name + " process CPU us/record (client + broker)",
            num(a.process_cpu_us_per_record(), "%.3f"), num(b.process_cpu_us_per_record(), "%.3f"),
            ratio(a.process_cpu_us_per_record(), b.process_cpu_us_per_record()));
    };
    consume_rows("consume (incl. startup)", "consume", us.consume, mock.consume);
    consume_rows("consume, our fetcher (incl. startup)", "consume, our fetcher,",
                 us.consume_fetcher, mock.consume_fetcher);
    auto lat = [&](const char* name, const latency_result& a, const latency_result& b) {
        row(std::string(name) + " p50 ms", num(a.p50_ms, "%.2f"), num(b.p50_ms, "%.2f"),
            ratio(a.p50_ms, b.p50_ms));
        row(std::string(name) + " p99 ms", num(a.p99_ms, "%.2f"), num(b.p99_ms, "%.2f"),
            ratio(a.p99_ms, b.p99_ms));
    };
    lat("latency acks=1", us.latency_acks1, mock.latency_acks1);
    lat("latency acks=all", us.latency_acks_all, mock.latency_acks_all);

    auto yes = [](bool b) { return b ? "met" : "NOT met"; };
    double m1 = mock.produce_acks1.records_per_s();
    std::printf("\nGoals:\n");
    std::printf("  produce acks=1 >= mock acks=1 (%.0f/s): %.0f/s, %s\n", m1,
                us.produce_acks1.records_per_s(), yes(us.produce_acks1.records_per_s() >= m1));
    std::printf("  produce acks=all >= half of mock acks=1 (%.0f/s): %.0f/s, %s\n", m1 / 2,
                us.produce_acks_all.records_per_s(),
                yes(us.produce_acks_all.records_per_s() >= m1 / 2));
    std::printf(
        "  consume >= 2,000,000 records/s: %.0f/s incl. startup, %s; "
        "%.0f/s first to last record, %s\n",
        us.consume.records_per_s(), yes(us.consume.records_per_s() >= 2e6),
        us.consume.steady_records_per_s(), yes(us.consume.steady_records_per_s() >= 2e6));
    const run_result& uf = us.consume_fetcher;
    std::printf(
        "  consume >= 2,000,000 records/s with our own fetcher as the client: %.0f/s incl. "
        "startup, %s; %.0f/s first to last record, %s\n",
        uf.records_per_s(), yes(uf.records_per_s() >= 2e6), uf.steady_records_per_s(),
        yes(uf.steady_records_per_s() >= 2e6));
    std::printf(
        "  acks=all on-disk bytes: %llu for %llu value bytes; stored batches use codec "
        "%d (0 none, 3 lz4)\n",
        static_cast<unsigned long long>(us.acks_all_log_bytes),
        static_cast<unsigned long long>(us.produce_acks_all.bytes), us.stored_codec);
}

std::string load_average() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv) {
    // As the clickstream binary does (base/allocator.h says why).
    (void)cs::tune_allocator_for_streaming();
    options o = parse(argc, argv);
    cs::log::set_level("warn");
    fs::path work = o.dir / ("broker-bench-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    if (ec) {
        std::fprintf(stderr, "cannot create %s: %s\n", work.c_str(), ec.message().c_str());
        return 1;
    }
    std::printf(
        "broker_bench: %llu records/case, compression %s, latency %.0f records/s for %.1f s\n",
        static_cast<unsigned long long>(o.records), o.compression.c_str(), o.rate,
        o.latency_seconds);
    std::printf("machine: %u hardware threads, load average %s, data dir %s on %s\n",
                std::thread::hardware_concurrency(), load_average().c_str(), work.c_str(),
                filesystem_type(work).c_str());
    auto events = make_click_events(65'536, 42);

    int rc = 0;
    try {
        cluster_results us, mock;
        bool ok = true;
        if (o.mock_first) {
            ok = run_mock(o, events, mock);
            ok = run_ours(o, events, work, us) && ok;
        } else {
            ok = run_ours(o, events, work, us);
            ok = run_mock(o, events, mock) && ok;
        }
        std::printf("[limits]\n");
        limits l = measure_limits(o, work);
        if (ok) {
            print_table(us, mock, l);
        } else {
            rc = 1;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "broker_bench: %s\n", e.what());
        rc = 1;
    }
    std::printf("load average at end: %s\n", load_average().c_str());
    if (o.keep) {
        std::printf("kept %s\n", work.c_str());
    } else {
        fs::remove_all(work, ec);
    }
    return rc;
}
