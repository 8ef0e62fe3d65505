#pragma once

// The interactive side of `clickstream streams` with no --file/--execute:
// statements read line by line from a file descriptor (a terminal, or a
// pipe), each input run as soon as its ';' arrives (ksqlDB's CLI). On a
// terminal a prompt ("ksql> ", then "    > " while a statement continues),
// and an error leaves the shell running. Ctrl-C ends a running push query
// or PRINT, or drops the line being typed; Ctrl-D, `exit` or `quit` leave.

#include <atomic>
#include <functional>
#include <string>

#include "base/result.h"

namespace cs::cli {

struct shell_io {
    int in_fd = 0;
    bool interactive = false;  // prompts, and a welcome line
    // Set by the SIGINT handler; the shell clears it after each input.
    std::atomic<bool>* interrupted = nullptr;
    // Set by the SIGTERM handler: the shell ends.
    std::atomic<bool>* terminated = nullptr;
};

// Runs `run` on each complete input until the end of input, exit/quit or
// termination. Returns how many inputs failed (their errors are printed to
// stderr as they happen).
size_t run_shell(const shell_io& io, const std::function<status(const std::string& sql)>& run);

}  // namespace cs::cli
