#pragma once

// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it
// ("cs:net-0", "cs:flusher", ...), so an operator can tell which part of
// clickstream is busy. Linux keeps 15 bytes of a name: longer names are cut
// there (a multi-byte character is not split).

#include <string>
#include <string_view>

namespace cs {

void set_thread_name(std::string_view name);

// prefix + name + tail, with name cut so that the whole fits the 15 bytes a
// name keeps and the tail (a task or query number) survives:
// ("cs:", "CSAS_ENRICHED", "_3") -> "cs:CSAS_ENRIC_3".
std::string thread_name_with_tail(std::string_view prefix, std::string_view name,
                                  std::string_view tail);

// The calling thread's name ("" when it cannot be read).
std::string thread_name();

}  // namespace cs
