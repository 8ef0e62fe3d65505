// Parquet writer throughput on clickstream-shaped rows (7 columns: event_id,
// user_id, session_id, event_type, page_url, country as strings, ts as
// TIMESTAMP micros), against physical limits measured in the same run on the
// same data:
//
//   memcpy:  copying the rows' PLAIN-encoded column bytes once
//   snappy:  snappy-compressing those PLAIN column bytes in 1 MiB blocks (what
//            a writer with no encoding work at all would still pay)
//
// range(0): rows per file; range(1): codec (0 none, 1 snappy, 6 zstd).
// Times are thread CPU time. Counters: rows/s, raw MB/s (PLAIN bytes of the values), file bytes per
// row, and ours / limit. Optional: --csv=<path> writes the rows as CSV (for
// bench/parquet_duckdb_bench.mjs, DuckDB's COPY ... TO parquet of the same
// rows) and exits.
//
//   parquet_bench [--benchmark_filter=...] [--csv=/tmp/rows.csv]

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <snappy-c.h>

#include "formats/parquet/byte_sink.h"
#include "formats/parquet/file_writer.h"

namespace cs::formats::parquet {
namespace {

// Thread CPU time: the machine is shared with parallel builds, so wall time
// mostly measures the scheduler. Each side (ours, memcpy, snappy) is timed
// on the same clock, single-threaded.
struct cpu_clock {
    using time_point = double;
    static double now() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
};

constexpr size_t kRows = 200'000;

struct rows_t {
    std::vector<std::string> event_id, user_id, session_id, event_type, page_url, country;
    std::vector<int64_t> ts;
    size_t plain_bytes = 0;  // PLAIN size of all values
};

// Deterministic clickstream-like data: unique event ids, ~20k users, ~60k
// sessions, 6 event types, ~300 URLs, ~40 countries (10 % null).
const rows_t& data() {
    static const rows_t rows = [] {
        rows_t r;
        uint64_t s = 42;
        auto next = [&s] {
            uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            return z ^ (z >> 31);
        };
        static const char* kTypes[] = {"page_view", "click",  "add_to_cart",
                                       "purchase",  "search", "remove_from_cart"};
        int64_t ts = 1'767'225'600'000'000;
        for (size_t i = 0; i < kRows; ++i) {
            uint64_t a = next(), b = next();
            r.event_id.push_back(fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32,
                                             (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                                             b & 0xffffffffffffULL));
            uint64_t user = next() % 20'000;
            r.user_id.push_back(fmt::format("user-{:06}", user));
            r.session_id.push_back(
                fmt::format("sess-{:08x}", (user * 3 + next() % 3) * 2654435761ULL & 0xffffffff));
            r.event_type.push_back(kTypes[next() % 6]);
            r.page_url.push_back(fmt::format("https://shop.example.com/category/{}/product/{}",
                                             next() % 12, next() % 25));
            uint64_t c = next() % 44;
            r.country.push_back(c >= 40 ? std::string() : fmt::format("C{:02}", c));
            ts += static_cast<int64_t>(next() % 2000);
            r.ts.push_back(ts);
            r.plain_bytes += 6 * 4 + r.event_id.back().size() + r.user_id.back().size() +
                             r.session_id.back().size() + r.event_type.back().size() +
                             r.page_url.back().size() + r.country.back().size() + 8;
        }
        return r;
    }();
    return rows;
}

schema bench_schema() {
    return {column_spec::string("event_id", repetition::required),
            column_spec::string("user_id", repetition::required),
            column_spec::string("session_id", repetition::required),
            column_spec::string("event_type", repetition::required),
            column_spec::string("page_url", repetition::required),
            column_spec::string("country"),
            column_spec::timestamp_micros("ts", repetition::required)};
}

// The rows' values PLAIN-encoded column after column (4-byte lengths).
bytes plain_columns(const rows_t& r) {
    bytes out;
    out.reserve(r.plain_bytes);
    auto put_str = [&out](const std::string& s) {
        uint32_t n = static_cast<uint32_t>(s.size());
        const auto* p = reinterpret_cast<const std::byte*>(&n);
        out.insert(out.end(), p, p + 4);
        out.insert(out.end(), as_bytes(s).begin(), as_bytes(s).end());
    };
    for (const auto* col :
         {&r.event_id, &r.user_id, &r.session_id, &r.event_type, &r.page_url, &r.country}) {
        for (const auto& s : *col) {
            put_str(s);
        }
    }
    for (int64_t t : r.ts) {
        const auto* p = reinterpret_cast<const std::byte*>(&t);
        out.insert(out.end(), p, p + 8);
    }
    return out;
}

double time_write(const rows_t& r, size_t rows, compression codec, size_t& file_bytes) {
    memory_sink sink;
    writer_options o;
    o.codec = codec;
    const double t0 = cpu_clock::now();
    auto w = file_writer::open(sink, bench_schema(), o);
    if (!w) {
        std::abort();
    }
    file_writer& fw = **w;
    column_writer& c0 = fw.column(0);
    column_writer& c1 = fw.column(1);
    column_writer& c2 = fw.column(2);
    column_writer& c3 = fw.column(3);
    column_writer& c4 = fw.column(4);
    column_writer& c5 = fw.column(5);
    column_writer& c6 = fw.column(6);
    for (size_t i = 0; i < rows; ++i) {
        c0.put_bytes(as_bytes(r.event_id[i]));
        c1.put_bytes(as_bytes(r.user_id[i]));
        c2.put_bytes(as_bytes(r.session_id[i]));
        c3.put_bytes(as_bytes(r.event_type[i]));
        c4.put_bytes(as_bytes(r.page_url[i]));
        if (r.country[i].empty()) {
            c5.put_null();
        } else {
            c5.put_bytes(as_bytes(r.country[i]));
        }
        c6.put_int64(r.ts[i]);
        if (!fw.end_row().ok()) {
            std::abort();
        }
    }
    if (!fw.close().ok()) {
        std::abort();
    }
    double t = cpu_clock::now() - t0;
    file_bytes = sink.data().size();
    return t;
}

double time_memcpy(const bytes& src, bytes& dst) {
    dst.resize(src.size());
    const double t0 = cpu_clock::now();
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
    return cpu_clock::now() - t0;
}

double time_snappy(const bytes& src, bytes& dst) {
    constexpr size_t kBlock = 1 << 20;
    dst.resize(snappy_max_compressed_length(kBlock));
    const double t0 = cpu_clock::now();
    for (size_t off = 0; off < src.size(); off += kBlock) {
        size_t n = std::min(kBlock, src.size() - off);
        size_t out = dst.size();
        snappy_compress(reinterpret_cast<const char*>(src.data() + off), n,
                        reinterpret_cast<char*>(dst.data()), &out);
        benchmark::DoNotOptimize(dst.data());
    }
    return cpu_clock::now() - t0;
}

void BM_ParquetWrite(benchmark::State& state) {
    const auto rows = static_cast<size_t>(state.range(0));
    const auto codec = static_cast<compression>(state.range(1));
    const rows_t& r = data();
    bytes plain = plain_columns(r);
    const double raw = static_cast<double>(plain.size()) * static_cast<double>(rows) / kRows;
    bytes scratch;
    double ours_s = 0, copy_s = 0, snappy_s = 0, total_rows = 0, total_raw = 0, file = 0;
    for (auto _ : state) {
        size_t file_bytes = 0;
        const double t = time_write(r, rows, codec, file_bytes);
        copy_s += time_memcpy(plain, scratch) * static_cast<double>(rows) / kRows;
        snappy_s += time_snappy(plain, scratch) * static_cast<double>(rows) / kRows;
        ours_s += t;
        total_rows += static_cast<double>(rows);
        total_raw += raw;
        file += static_cast<double>(file_bytes);
        state.SetIterationTime(t);
    }
    state.SetLabel(compression_name(codec));
    state.counters["rows_per_s"] = total_rows / ours_s;
    state.counters["raw_MBps"] = total_raw / ours_s / 1e6;
    state.counters["raw_bytes_per_row"] = total_raw / total_rows;
    state.counters["file_bytes_per_row"] = file / total_rows;
    state.counters["memcpy_MBps"] = total_raw / copy_s / 1e6;
    state.counters["snappy_MBps"] = total_raw / snappy_s / 1e6;
    state.counters["ratio_vs_snappy"] = snappy_s / ours_s;
    state.counters["ratio_vs_memcpy"] = copy_s / ours_s;
}

BENCHMARK(BM_ParquetWrite)
    ->Args({static_cast<int64_t>(kRows), 1})
    ->Args({static_cast<int64_t>(kRows), 0})
    ->Args({static_cast<int64_t>(kRows), 6})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

int write_csv(const std::string& path) {
    const rows_t& r = data();
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) {
        return 1;
    }
    fmt::print(f, "event_id,user_id,session_id,event_type,page_url,country,ts_us\n");
    for (size_t i = 0; i < kRows; ++i) {
        fmt::print(f, "{},{},{},{},{},{},{}\n", r.event_id[i], r.user_id[i], r.session_id[i],
                   r.event_type[i], r.page_url[i], r.country[i], r.ts[i]);
    }
    return std::fclose(f) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cs::formats::parquet

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--csv=", 0) == 0) {
            return cs::formats::parquet::write_csv(a.substr(6));
        }
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
