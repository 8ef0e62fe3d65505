// `clickstream generate` throughput: the generator (simulation + JSON, as
// written to stdout: key<TAB>value lines) against physical limits measured in
// the same run on the very same bytes:
//
//   memcpy:     copying the generated output buffer once (memory bandwidth)
//   /dev/null:  write(2) of the output in 64 KiB chunks (the syscall path
//               stdout takes when nothing consumes it)
//
// Each iteration generates `events` records into a buffer, then copies and
// writes that buffer; counters report events/s, MB/s and ratio = ours / raw.
//
//   generate_bench [--benchmark_filter=...]

#include <chrono>
#include <cstring>
#include <string>

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include "tools/generate/generator.h"

namespace cs::tools::gen {
namespace {

using seconds = std::chrono::duration<double>;
using steady = std::chrono::steady_clock;

double time_generate(generator& g, size_t events, std::string& out) {
    out.clear();
    auto t0 = steady::now();
    for (size_t i = 0; i < events; ++i) {
        const auto& r = g.next();
        out += r.key;
        out += '\t';
        out += r.value;
        out += '\n';
    }
    return seconds(steady::now() - t0).count();
}

double time_memcpy(const std::string& src, std::string& dst) {
    dst.resize(src.size());
    auto t0 = steady::now();
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
    return seconds(steady::now() - t0).count();
}

double time_devnull(const std::string& src, int fd) {
    auto t0 = steady::now();
    for (size_t off = 0; off < src.size(); off += 65536) {
        size_t n = std::min<size_t>(65536, src.size() - off);
        if (::write(fd, src.data() + off, n) != static_cast<ssize_t>(n)) {
            std::abort();
        }
    }
    return seconds(steady::now() - t0).count();
}

// range(0): events per iteration; range(1): 1 with 5 % unknown and 5 %
// malformed records mixed in.
void BM_Generate(benchmark::State& state) {
    const auto events = static_cast<size_t>(state.range(0));
    const bool faults = state.range(1) != 0;
    generator g({.seed = 1,
                 .start_ms = 1'767'225'600'000,
                 .unknown_ratio = faults ? 0.05 : 0,
                 .malformed_ratio = faults ? 0.05 : 0});
    int fd = ::open("/dev/null", O_WRONLY);
    std::string out, copy;
    out.reserve(events * 256);
    double gen_s = 0, copy_s = 0, null_s = 0, bytes = 0, total_events = 0;
    for (auto _ : state) {
        const double t = time_generate(g, events, out);
        copy_s += time_memcpy(out, copy);
        null_s += time_devnull(out, fd);
        gen_s += t;
        bytes += static_cast<double>(out.size());
        total_events += static_cast<double>(events);
        state.SetIterationTime(t);
    }
    ::close(fd);
    state.counters["events_per_s"] = total_events / gen_s;
    state.counters["bytes_per_event"] = bytes / total_events;
    state.counters["gen_MBps"] = bytes / gen_s / 1e6;
    state.counters["memcpy_MBps"] = bytes / copy_s / 1e6;
    state.counters["devnull_MBps"] = bytes / null_s / 1e6;
    state.counters["ratio_vs_devnull"] = (bytes / gen_s) / (bytes / null_s);
    state.counters["ratio_vs_memcpy"] = (bytes / gen_s) / (bytes / copy_s);
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK(BM_Generate)
    ->Args({200'000, 0})
    ->Args({200'000, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace
}  // namespace cs::tools::gen

BENCHMARK_MAIN();
