#include "tools/generate/timestamps.h"

#include <gtest/gtest.h>

namespace cs::tools::gen {
namespace {

TEST(Timestamps, FormatsUtcWithMilliseconds) {
    EXPECT_EQ(format_iso8601_ms(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso8601_ms(1'767'225'600'000), "2026-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso8601_ms(951'782'400'000 + 86'399'999), "2000-02-29T23:59:59.999Z");
    EXPECT_EQ(format_iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(format_date(1'767'225'600'000 - 1), "2025-12-31");
}

TEST(Timestamps, ParsesIsoFormsAndEpochMilliseconds) {
    EXPECT_EQ(*parse_start_time("1767225600000"), 1'767'225'600'000);
    EXPECT_EQ(*parse_start_time("2026-01-01"), 1'767'225'600'000);
    EXPECT_EQ(*parse_start_time("2026-01-01T00:00:00Z"), 1'767'225'600'000);
    EXPECT_EQ(*parse_start_time("2026-01-01T00:00"), 1'767'225'600'000);
    EXPECT_EQ(*parse_start_time("2026-01-01T00:00:00.250Z"), 1'767'225'600'250);
    EXPECT_EQ(*parse_start_time("2026-01-01T00:00:00.123456789Z"), 1'767'225'600'123);
    EXPECT_EQ(*parse_start_time("2026-01-01T02:00:00+02:00"), 1'767'225'600'000);
    EXPECT_EQ(*parse_start_time("2025-12-31T19:00:00-0500"), 1'767'225'600'000);
    EXPECT_EQ(*parse_start_time("2026-01-01 00:00:00"), 1'767'225'600'000);
}

TEST(Timestamps, RoundTripsEveryFormattedTime) {
    for (int64_t t : {int64_t{0}, int64_t{1'767'225'600'123}, int64_t{4'102'444'799'999},
                      int64_t{951'868'800'001}}) {
        EXPECT_EQ(*parse_start_time(format_iso8601_ms(t)), t) << t;
    }
}

TEST(Timestamps, RejectsWhatIsNotATime) {
    for (const char* bad :
         {"", "yesterday", "2026-13-01", "2026-02-30", "2026-01-01T25:00",
          "2026-01-01T10:00:00Zjunk", "2026-01-01T10:00:00.", "12ab", "2026-1-1"}) {
        auto r = parse_start_time(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_NE(r.err().message.find("ISO-8601"), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace cs::tools::gen
