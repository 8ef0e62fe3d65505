#pragma once

// CPU time per thread of this process, for benchmarks that run a client, a
// broker and librdkafka's threads in one process and must say which of them
// used the cores. Threads are told apart by id and name (clickstream's are
// named "cs:...", base/thread_name.h; librdkafka's "rdk:..."). Clock-tick
// resolution (10 ms): meant for phases of a second or more.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace cs::bench {

// "tid name" -> CPU seconds (user + system) so far, of the threads whose name
// starts with prefix (all when empty), from /proc/self/task.
std::map<std::string, double> thread_cpu(std::string_view prefix = "");

// CPU seconds (user + system) of the whole process so far, ended threads
// included.
double process_cpu();

// Prints, one line each, the threads that used CPU between two snapshots
// (with microseconds per item when items > 0) when print is set; returns the
// total CPU seconds.
double thread_cpu_between(const std::map<std::string, double>& before,
                          const std::map<std::string, double>& after, uint64_t items,
                          std::string_view item, bool print);

// The same for a phase whose own threads end inside it (a client created and
// destroyed there): the process CPU that no surviving thread accounts for is
// printed as one line, "threads that ended".
void print_phase_cpu(const std::map<std::string, double>& before, double process_before,
                     uint64_t items, std::string_view item);

}  // namespace cs::bench
