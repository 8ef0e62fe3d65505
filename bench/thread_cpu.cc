#include "thread_cpu.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

namespace cs::bench {

std::map<std::string, double> thread_cpu(std::string_view prefix) {
    std::map<std::string, double> out;
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        std::ifstream in(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // pid (comm) state ...: comm may hold spaces, so split after ')'.
        const size_t open = stat.find('(');
        const size_t close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close + 2 > stat.size()) {
            continue;  // the thread ended while being read
        }
        const std::string name = stat.substr(open + 1, close - open - 1);
        if (!name.starts_with(prefix)) {
            continue;
        }
        std::istringstream rest(stat.substr(close + 2));
        std::string field;
        double utime = 0;
        double stime = 0;
        for (int i = 3; rest >> field; ++i) {  // field 3 is the state
            if (i == 14) {
                utime = std::stod(field);
            } else if (i == 15) {
                stime = std::stod(field);
                break;
            }
        }
        out[task.path().filename().string() + " " + name] = (utime + stime) / tick;
    }
    return out;
}

double process_cpu() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return s(u.ru_utime) + s(u.ru_stime);
}

double thread_cpu_between(const std::map<std::string, double>& before,
                          const std::map<std::string, double>& after, uint64_t items,
                          std::string_view item, bool print) {
    double total = 0;
    for (const auto& [thread, cpu] : after) {
        auto it = before.find(thread);
        const double d = cpu - (it == before.end() ? 0.0 : it->second);
        total += d;
        if (print && d > 0) {
            if (items > 0) {
                fmt::print("  thread {:<24} {:.2f} CPU-s ({:.3f} us per {})\n", thread, d,
                           d * 1e6 / static_cast<double>(items), item);
            } else {
                fmt::print("  thread {:<24} {:.2f} CPU-s\n", thread, d);
            }
        }
    }
    return total;
}

void print_phase_cpu(const std::map<std::string, double>& before, double process_before,
                     uint64_t items, std::string_view item) {
    const double surviving = thread_cpu_between(before, thread_cpu(), items, item, true);
    const double ended = process_cpu() - process_before - surviving;
    if (ended > 0.005) {
        fmt::print("  {:<31} {:.2f} CPU-s ({:.3f} us per {})\n", "threads that ended", ended,
                   items > 0 ? ended * 1e6 / static_cast<double>(items) : 0.0, item);
    }
}

}  // namespace cs::bench
