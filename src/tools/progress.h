#pragma once

// Progress of a long operation (produce --file, generate --count, ...).
// On a terminal: one line redrawn in place at most ten times a second,
//   [=========>          ] 45%  123,456 events  98.2k/s  ETA 0:12
// Elsewhere (a pipe, a log file): a plain line every report_interval.
// The percentage and ETA come from the work's total size (bytes of a file,
// or a record count) when it is known; the rate counts items.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "base/clock.h"

namespace cs::tools {

struct progress_state {
    uint64_t items = 0;             // records handled so far
    uint64_t done = 0;              // units of total done (bytes or records)
    std::optional<uint64_t> total;  // units of the whole job, when known
    double elapsed_s = 0;
};

// The line for state, without the carriage return. width is the bar's width
// in characters (0: no bar).
std::string render_progress(const progress_state& s, const std::string& unit, int width = 20);

class progress {
  public:
    // out: where to draw (stderr); terminal: draw in place (isatty(out) by
    // default).
    progress(std::string unit, std::optional<uint64_t> total, clock& clk = system_clock::instance(),
             FILE* out = stderr, std::optional<bool> terminal = std::nullopt,
             std::chrono::milliseconds report_interval = std::chrono::seconds(5));
    // Cheap to call per record: redraws only when due.
    void update(uint64_t items, uint64_t done);
    // Draws the final line (and a newline on a terminal).
    void finish();

  private:
    void draw(bool final);
    std::string unit_;
    clock& clock_;
    FILE* out_;
    bool terminal_;
    std::chrono::milliseconds interval_;
    progress_state state_;
    int64_t start_ms_;
    int64_t last_draw_ms_ = 0;
    bool finished_ = false;
};

}  // namespace cs::tools
