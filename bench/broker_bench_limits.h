#pragma once

// Physical limits of the machine the broker benchmark runs on, measured in the
// same process and run as the broker numbers so the ratios share conditions
// (same CPU contention, same filesystem).

#include <cstdint>
#include <filesystem>
#include <string>

namespace cs::bench {

struct throughput {
    uint64_t bytes = 0;
    double seconds = 0;
    double mb_per_s() const { return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0; }
};

// One sender thread writes `total_bytes` in `write_size` writes over a TCP
// connection on 127.0.0.1 to a receiver thread that reads and discards them.
// Throughput is bytes received / time until the receiver saw the last byte.
throughput loopback_tcp(uint64_t total_bytes, size_t write_size = 1 << 20);

struct disk_result {
    throughput write;
    uint64_t fsyncs = 0;
    double fsync_seconds = 0;  // total time spent inside fdatasync
};

// Sequential write of `total_bytes` in `chunk`-sized write(2) calls to a fresh
// file in `dir`, with fdatasync after every `fsync_every` chunks (0 = never;
// one final fdatasync is always included so the data is on disk when the
// clock stops, except for fsync_every == 0 which measures the page cache).
// The file is removed afterwards.
disk_result sequential_write(const std::filesystem::path& dir, uint64_t total_bytes, size_t chunk,
                             uint64_t fsync_every);

// The filesystem type of the mount that holds `path` (from /proc/self/mounts),
// or "unknown".
std::string filesystem_type(const std::filesystem::path& path);

}  // namespace cs::bench
