#include "tools/progress.h"

#include <gtest/gtest.h>

namespace cs::tools {
namespace {

TEST(Progress, RendersBarPercentRateAndEta) {
    progress_state s{.items = 50000, .done = 500, .total = 1000, .elapsed_s = 10};
    EXPECT_EQ(render_progress(s, "events", 10),
              "[=====>    ]  50%  50,000 events  5.0k/s  ETA 0:10");
    s.done = 1000;
    EXPECT_EQ(render_progress(s, "events", 0), "100%  50,000 events  5.0k/s  in 0:10");
}

TEST(Progress, WithoutATotalShowsCountRateAndElapsed) {
    progress_state s{.items = 3000000, .done = 0, .total = std::nullopt, .elapsed_s = 3725};
    EXPECT_EQ(render_progress(s, "records"), "3,000,000 records  805/s  elapsed 1:02:05");
}

TEST(Progress, RedrawsOnlyWhenDueAndOnceAtTheEnd) {
    manual_clock clk(0);
    char* buf = nullptr;
    size_t len = 0;
    FILE* out = open_memstream(&buf, &len);
    {
        progress p("events", 100, clk, out, /*terminal=*/false, std::chrono::seconds(5));
        p.update(1, 1);
        clk.advance_ms(4999);
        p.update(2, 2);
        clk.advance_ms(1);
        p.update(3, 3);
        p.finish();
        p.finish();
    }
    std::fclose(out);
    std::string text(buf, len);
    std::free(buf);  // NOLINT: open_memstream's buffer
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
}

}  // namespace
}  // namespace cs::tools
