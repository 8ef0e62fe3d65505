#include "tools/progress.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <unistd.h>

namespace cs::tools {
namespace {

std::string with_commas(uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string rate_text(double per_s) {
    if (per_s >= 1e6) {
        return fmt::format("{:.2f}M/s", per_s / 1e6);
    }
    if (per_s >= 1e3) {
        return fmt::format("{:.1f}k/s", per_s / 1e3);
    }
    return fmt::format("{:.0f}/s", per_s);
}

std::string duration_text(double s) {
    auto total = static_cast<uint64_t>(std::llround(std::max(0.0, s)));
    if (total >= 3600) {
        return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
    }
    return fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

std::string render_progress(const progress_state& s, const std::string& unit, int width) {
    std::string out;
    double rate = s.elapsed_s > 0 ? static_cast<double>(s.items) / s.elapsed_s : 0;
    if (s.total && *s.total > 0) {
        double fraction =
            std::min(1.0, static_cast<double>(s.done) / static_cast<double>(*s.total));
        if (width > 0) {
            int filled = static_cast<int>(fraction * width);
            out += '[';
            for (int i = 0; i < width; ++i) {
                out += i < filled ? '=' : (i == filled ? '>' : ' ');
            }
            out += "] ";
        }
        out += fmt::format("{:3.0f}%  ", fraction * 100);
        out += fmt::format("{} {}  {}", with_commas(s.items), unit, rate_text(rate));
        if (fraction > 0 && fraction < 1 && s.elapsed_s > 0) {
            out += "  ETA " + duration_text(s.elapsed_s * (1 - fraction) / fraction);
        } else if (fraction >= 1) {
            out += "  in " + duration_text(s.elapsed_s);
        }
        return out;
    }
    out += fmt::format("{} {}  {}  elapsed {}", with_commas(s.items), unit, rate_text(rate),
                       duration_text(s.elapsed_s));
    return out;
}

progress::progress(std::string unit, std::optional<uint64_t> total, clock& clk, FILE* out,
                   std::optional<bool> terminal, std::chrono::milliseconds report_interval)
    : unit_(std::move(unit)),
      clock_(clk),
      out_(out),
      terminal_(terminal.value_or(::isatty(::fileno(out)) == 1)),
      interval_(report_interval),
      start_ms_(clk.monotonic_ms()) {
    state_.total = total;
    last_draw_ms_ = start_ms_;
}

void progress::update(uint64_t items, uint64_t done) {
    state_.items = items;
    state_.done = done;
    int64_t now = clock_.monotonic_ms();
    int64_t due = terminal_ ? 100 : interval_.count();
    if (now - last_draw_ms_ >= due) {
        last_draw_ms_ = now;
        draw(false);
    }
}

void progress::finish() {
    if (finished_) {
        return;
    }
    finished_ = true;
    draw(true);
}

void progress::draw(bool final) {
    state_.elapsed_s = static_cast<double>(clock_.monotonic_ms() - start_ms_) / 1000.0;
    std::string line = render_progress(state_, unit_, terminal_ ? 20 : 0);
    if (terminal_) {
        // \r and erase-to-end-of-line: the previous line may have been longer.
        std::fprintf(out_, "\r%s\x1b[K%s", line.c_str(), final ? "\n" : "");
    } else {
        std::fprintf(out_, "%s\n", line.c_str());
    }
    std::fflush(out_);
}

}  // namespace cs::tools
