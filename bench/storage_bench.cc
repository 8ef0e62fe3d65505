// Partition log append/read throughput against the raw speed of the same
// disk, measured in the same run with the same I/O pattern:
//
//   append, fsync off:  partition_log::append (acks=1)    vs  write(2) of same-sized buffers
//   append, fsync on:   append + wait_durable (acks=all,   vs  write(2) + fdatasync after every
//                       group commit, 64 batches in           k buffers, k = batches per fsync
//                       flight, like a pipelining producer)   that the log achieved
//   read:               partition_log::read + pread of the  vs  pread of the same .log file in
//                       returned slice, 1 MiB per fetch         1 MiB chunks
//
// Each benchmark iteration runs raw and ours back to back and reports both
// rates and ratio = ours / raw. Reads come from the page cache (the data was
// just written); append numbers with fsync off measure page-cache writes.
//
//   storage_bench [--benchmark_filter=...]   (files go to $TMPDIR or /tmp)

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/clock.h"
#include "protocol/record_batch.h"
#include "storage/flusher.h"
#include "storage/partition_log.h"

namespace cs::storage {
namespace {

using seconds = std::chrono::duration<double>;
using steady = std::chrono::steady_clock;

std::filesystem::path make_temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/cs-storage-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
        std::abort();
    }
    return tmpl;
}

// A producer batch of about `size` bytes: 1 KiB records (one record for small batches).
bytes make_batch_of(size_t size) {
    size_t per_record = std::min<size_t>(size, 1024);
    size_t records = std::max<size_t>(1, size / per_record);
    kafka::batch_builder b;
    std::string value(per_record > 100 ? per_record - 90 : 10, 'v');
    for (size_t i = 0; i < records; ++i) {
        b.add("user-" + std::to_string(i), value, 1'700'000'000'000 + static_cast<int64_t>(i));
    }
    return b.build();
}

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "storage_bench: %s failed\n", what);
        std::abort();
    }
}

struct append_run {
    double seconds = 0;
    uint64_t bytes = 0;
    uint64_t fsyncs = 0;
    std::filesystem::path log_file;
};

// Ours: `count` appends of `proto` to a fresh partition log.
append_run run_ours(const std::filesystem::path& dir, const bytes& proto, size_t count,
                    bool durable) {
    manual_clock clk;
    flusher fl;
    auto log = partition_log::open(dir / "bench-0", {"bench", kafka::partition_id(0)}, log_config{},
                                   clk, &fl, open_options{});
    check(log.ok(), "open log");
    std::mutex mu;
    std::condition_variable cv;
    size_t in_flight = 0;
    constexpr size_t window = 64;
    bytes b = proto;
    auto start = steady::now();
    for (size_t i = 0; i < count; ++i) {
        std::memcpy(b.data(), proto.data(),
                    kafka::batch_layout::header_size);  // baseOffset 0 again
        auto r = (*log)->append(b);
        check(r.ok(), "append");
        if (durable) {
            std::unique_lock lock(mu);
            ++in_flight;
            lock.unlock();
            (*log)->wait_durable(r->last_offset, [&](status s) {
                check(s.ok(), "fsync");
                std::lock_guard l(mu);
                --in_flight;
                cv.notify_one();
            });
            lock.lock();
            cv.wait(lock, [&] { return in_flight < window; });
        }
    }
    if (durable) {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight == 0; });
    }
    append_run out;
    out.seconds = seconds(steady::now() - start).count();
    out.bytes = proto.size() * count;
    fl.stop();
    out.fsyncs = fl.passes();
    out.log_file = dir / "bench-0" / "00000000000000000000.log";
    return out;
}

// Raw: write(2) of the same buffers, fdatasync after every `per_fsync` (0 = never).
double run_raw_write(const std::filesystem::path& path, const bytes& proto, size_t count,
                     size_t per_fsync) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    check(fd >= 0, "open raw file");
    auto start = steady::now();
    for (size_t i = 0; i < count; ++i) {
        size_t done = 0;
        while (done < proto.size()) {
            ssize_t n = ::write(fd, proto.data() + done, proto.size() - done);
            check(n > 0, "raw write");
            done += static_cast<size_t>(n);
        }
        if (per_fsync > 0 && ((i + 1) % per_fsync == 0 || i + 1 == count)) {
            check(::fdatasync(fd) == 0, "raw fdatasync");
        }
    }
    double s = seconds(steady::now() - start).count();
    ::close(fd);
    return s;
}

void report(benchmark::State& state, double ours_bytes, double ours_s, double raw_bytes,
            double raw_s) {
    double ours = ours_bytes / ours_s / 1e6;
    double raw = raw_bytes / raw_s / 1e6;
    state.counters["ours_MBps"] = ours;
    state.counters["raw_MBps"] = raw;
    state.counters["ratio"] = ours / raw;
}

// Args: batch bytes, fsync (0 = acks=1, 1 = acks=all group commit), total MiB.
void BM_Append(benchmark::State& state) {
    const size_t batch = static_cast<size_t>(state.range(0));
    const bool durable = state.range(1) != 0;
    const size_t total = static_cast<size_t>(state.range(2)) << 20;
    const bytes proto = make_batch_of(batch);
    const size_t count = total / proto.size();
    double ours_s = 0, raw_s = 0, ours_b = 0, raw_b = 0;
    uint64_t fsyncs = 0;
    int iteration = 0;
    for (auto _ : state) {
        auto dir = make_temp_dir();
        // Alternate which side runs first, so neither always meets a cold
        // (or a dirty) page cache; with fsync on, raw needs ours' cadence.
        double raw = 0;
        bool raw_first = !durable && (iteration++ % 2 == 1);
        if (raw_first) {
            raw = run_raw_write(dir / "raw.bin", proto, count, 0);
        }
        auto ours = run_ours(dir, proto, count, durable);
        if (!raw_first) {
            size_t per_fsync =
                durable ? std::max<size_t>(1, count / std::max<uint64_t>(1, ours.fsyncs)) : 0;
            raw = run_raw_write(dir / "raw.bin", proto, count, per_fsync);
        }
        ours_s += ours.seconds;
        ours_b += static_cast<double>(ours.bytes);
        raw_s += raw;
        raw_b += static_cast<double>(proto.size() * count);
        fsyncs += ours.fsyncs;
        state.SetIterationTime(ours.seconds);
        std::filesystem::remove_all(dir);
    }
    report(state, ours_b, ours_s, raw_b, raw_s);
    state.counters["batches_per_fsync"] =
        durable ? static_cast<double>(count) * static_cast<double>(state.iterations()) /
                      static_cast<double>(std::max<uint64_t>(1, fsyncs))
                : 0;
    state.SetBytesProcessed(static_cast<int64_t>(ours_b));
}

// Args: batch bytes, total MiB.
void BM_Read(benchmark::State& state) {
    const size_t batch = static_cast<size_t>(state.range(0));
    const size_t total = static_cast<size_t>(state.range(1)) << 20;
    const bytes proto = make_batch_of(batch);
    const size_t count = total / proto.size();
    auto dir = make_temp_dir();
    manual_clock clk;
    auto log = partition_log::open(dir / "bench-0", {"bench", kafka::partition_id(0)}, log_config{},
                                   clk, nullptr, open_options{});
    check(log.ok(), "open log");
    bytes b = proto;
    for (size_t i = 0; i < count; ++i) {
        std::memcpy(b.data(), proto.data(), kafka::batch_layout::header_size);
        check((*log)->append(b).ok(), "append");
    }
    auto file = dir / "bench-0" / "00000000000000000000.log";
    const uint64_t file_size = std::filesystem::file_size(file);
    constexpr uint64_t fetch = 1 << 20;
    bytes buf(fetch + proto.size());
    double ours_s = 0, raw_s = 0, ours_b = 0, raw_b = 0;
    for (auto _ : state) {
        // Raw: pread of the same file in 1 MiB chunks.
        int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        check(fd >= 0, "open raw");
        auto t0 = steady::now();
        for (uint64_t pos = 0; pos < file_size; pos += fetch) {
            size_t n = static_cast<size_t>(std::min(fetch, file_size - pos));
            check(::pread(fd, buf.data(), n, static_cast<off_t>(pos)) == static_cast<ssize_t>(n),
                  "raw pread");
        }
        double raw = seconds(steady::now() - t0).count();
        ::close(fd);
        // Ours: fetch by offset, then pread the returned slice.
        auto t1 = steady::now();
        kafka::offset from(0);
        uint64_t got = 0;
        const kafka::offset end = (*log)->high_watermark();
        while (from < end) {
            auto r = (*log)->read(from, fetch);
            check(r.ok(), "read");
            const read_slice& s = r->slice;
            mutable_bytes_view into(buf.data(), s.length);
            check(s.log_file->pread_exact(into, s.position).ok(), "slice pread");
            // The next fetch starts after the last batch returned.
            auto split = kafka::split_batches(into);
            auto last = kafka::decode_header(split->batches.back());
            from = last.last_offset() + 1;
            got += s.length;
        }
        double ours = seconds(steady::now() - t1).count();
        state.SetIterationTime(ours);
        ours_s += ours;
        raw_s += raw;
        ours_b += static_cast<double>(got);
        raw_b += static_cast<double>(file_size);
    }
    report(state, ours_b, ours_s, raw_b, raw_s);
    state.SetBytesProcessed(static_cast<int64_t>(ours_b));
    log->reset();
    std::filesystem::remove_all(dir);
}

BENCHMARK(BM_Append)
    ->ArgNames({"batch", "fsync", "MiB"})
    ->Args({1024, 0, 64})
    ->Args({65536, 0, 256})
    ->Args({1024, 1, 8})
    ->Args({65536, 1, 64})
    ->Iterations(4)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_Read)
    ->ArgNames({"batch", "MiB"})
    ->Args({1024, 64})
    ->Args({65536, 256})
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cs::storage

BENCHMARK_MAIN();
