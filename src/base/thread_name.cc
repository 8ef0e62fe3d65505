#include "base/thread_name.h"

#include <algorithm>
#include <string>

#include <pthread.h>

namespace cs {

void set_thread_name(std::string_view name) {
    constexpr size_t max_bytes = 15;  // TASK_COMM_LEN - 1
    size_t n = std::min(name.size(), max_bytes);
    // Back off to the start of a UTF-8 character.
    while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) {
        --n;
    }
    const std::string cut(name.substr(0, n));
    (void)pthread_setname_np(pthread_self(), cut.c_str());
}

std::string thread_name_keeping_number(std::string_view prefix, std::string_view name) {
    constexpr size_t max_bytes = 15;
    size_t start = name.find_last_not_of("0123456789");
    start = start == std::string_view::npos ? 0 : start + 1;
    if (start > 0 && start < name.size() && (name[start - 1] == '_' || name[start - 1] == '-')) {
        --start;
    }
    const std::string_view tail = start < name.size() ? name.substr(start) : std::string_view();
    name = name.substr(0, start);
    const size_t fixed = prefix.size() + tail.size();
    const size_t room = fixed < max_bytes ? max_bytes - fixed : 0;
    std::string_view kept = name.substr(0, room);
    if (!tail.empty()) {
        // "postgres-" + "-12" would read "postgres--12".
        while (!kept.empty() && (kept.back() == '-' || kept.back() == '_')) {
            kept.remove_suffix(1);
        }
    }
    return std::string(prefix) + std::string(kept) + std::string(tail);
}

std::string thread_name() {
    char buf[32] = {};
    if (pthread_getname_np(pthread_self(), buf, sizeof buf) != 0) {
        return {};
    }
    return buf;
}

}  // namespace cs
