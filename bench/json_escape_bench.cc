// JSON string writing (formats::append_json_string), the last step of every
// JSON record the streams engine, the tools and the sinks write, against the
// physical floor measured in the same run on the same strings: copying their
// bytes with memcpy between quotes (what a writer does when it knows that
// nothing needs escaping). Also the two scans inside it (json_plain.h),
// sixteen bytes at a time with SSE2 and eight at a time in SWAR.
//
// Strings: the enriched clicks' values (ids, ISO timestamps, URL paths, user
// names), 1,024 distinct ones; counters report MB/s and ratio = memcpy time
// / our time (1.0 = as fast as the floor).
//
//   json_escape_bench [--benchmark_filter=...]

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "formats/json_plain.h"
#include "formats/json_writer.h"

namespace {

std::vector<std::string> strings() {
    std::vector<std::string> out;
    for (int i = 0; i < 1024; ++i) {
        switch (i % 6) {
            case 0:
                out.push_back(fmt::format("u{:06}", i * 97));
                break;
            case 1:
                out.push_back(fmt::format("2026-11-27T04:{:02}:{:02}.{:03}Z", i % 60, i % 59, i));
                break;
            case 2:
                out.push_back(fmt::format("d{:05}", i * 13));
                break;
            case 3:
                out.push_back(fmt::format("https://shop.example.com/products/{}/{}", i % 40, i));
                break;
            case 4:
                out.push_back(fmt::format("Name {}", i * 31));
                break;
            default:
                out.push_back(i % 2 ? "mobile" : "product-page");
        }
    }
    return out;
}

size_t total_bytes(const std::vector<std::string>& in) {
    size_t n = 0;
    for (const auto& s : in) {
        n += s.size();
    }
    return n;
}

// Seconds per pass of memcpy between quotes over the same strings, measured
// in the same process just before the case (the floor).
double memcpy_seconds(const std::vector<std::string>& in, std::string& out) {
    constexpr int passes = 2000;
    const auto t0 = std::chrono::steady_clock::now();
    for (int p = 0; p < passes; ++p) {
        out.clear();
        for (const auto& s : in) {
            const size_t at = out.size();
            out.resize(at + s.size() + 2);
            out[at] = '"';
            std::memcpy(out.data() + at + 1, s.data(), s.size());
            out[at + s.size() + 1] = '"';
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / passes;
}

template <typename Pass>
void run(benchmark::State& state, Pass pass) {
    const auto in = strings();
    std::string out;
    out.reserve(total_bytes(in) * 2 + in.size() * 2);
    const double floor_s = memcpy_seconds(in, out);
    size_t passes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (auto _ : state) {
        out.clear();
        pass(in, out);
        benchmark::DoNotOptimize(out.data());
        ++passes;
    }
    const double ours_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() /
        static_cast<double>(passes);
    state.SetBytesProcessed(static_cast<int64_t>(passes * total_bytes(in)));
    state.counters["ratio"] = floor_s / ours_s;
}

void BM_AppendJsonString(benchmark::State& state) {
    run(state, [](const std::vector<std::string>& in, std::string& out) {
        for (const auto& s : in) {
            cs::formats::append_json_string(out, s);
        }
    });
}

// One of json_plain's scans over every string (its result kept alive in out).
template <size_t (*Scan)(std::string_view)>
void BM_Scan(benchmark::State& state) {
    run(state, [](const std::vector<std::string>& in, std::string& out) {
        size_t plain = 0;
        for (const auto& s : in) {
            plain += Scan(s);
        }
        out.push_back(static_cast<char>(plain));
    });
}

#if defined(__SSE2__)
BENCHMARK(BM_Scan<cs::formats::json_plain::prefix_sse2>)->Name("BM_ScanSse2");
#endif
BENCHMARK(BM_Scan<cs::formats::json_plain::prefix_swar>)->Name("BM_ScanSwar");

}  // namespace

BENCHMARK(BM_AppendJsonString);

BENCHMARK_MAIN();
