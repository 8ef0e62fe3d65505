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

std::string thread_name_with_tail(std::string_view prefix, std::string_view name,
                                  std::string_view tail) {
    constexpr size_t max_bytes = 15;
    const size_t fixed = prefix.size() + tail.size();
    const size_t room = fixed < max_bytes ? max_bytes - fixed : 0;
    return std::string(prefix) + std::string(name.substr(0, room)) + std::string(tail);
}

std::string thread_name() {
    char buf[32] = {};
    if (pthread_getname_np(pthread_self(), buf, sizeof buf) != 0) {
        return {};
    }
    return buf;
}

}  // namespace cs
