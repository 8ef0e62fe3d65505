#pragma once

// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it
// ("cs:net-0", "cs:flusher", ...), so an operator can tell which part of
// clickstream is busy. Linux keeps 15 bytes of a name: longer names are cut
// there (a multi-byte character is not split).

#include <string>
#include <string_view>

namespace cs {

void set_thread_name(std::string_view name);

// prefix + name, cut to the 15 bytes a name keeps so that name's trailing
// number (a task's or query's, with the '_' or '-' before it) survives:
// ("cs:", "CSAS_ENRICHED_3") -> "cs:CSAS_ENRIC_3".
std::string thread_name_keeping_number(std::string_view prefix, std::string_view name);

// The calling thread's name ("" when it cannot be read).
std::string thread_name();

}  // namespace cs
