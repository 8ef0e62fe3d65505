#include "connect/connectors/s3/time_util.h"

#include <gtest/gtest.h>

namespace cs::connect::s3 {
namespace {

TEST(S3TimeUtil, CivilRoundTrip) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    const civil_time t = civil_from_ms(1'736'948'710'123);  // 2025-01-15T13:45:10.123Z
    EXPECT_EQ(t.year, 2025);
    EXPECT_EQ(t.month, 1);
    EXPECT_EQ(t.day, 15);
    EXPECT_EQ(t.hour, 13);
    EXPECT_EQ(t.minute, 45);
    EXPECT_EQ(t.second, 10);
    const civil_time before = civil_from_ms(-1);
    EXPECT_EQ(before.year, 1969);
    EXPECT_EQ(before.hour, 23);
    EXPECT_EQ(before.second, 59);
}

TEST(S3TimeUtil, ParsesIso8601) {
    EXPECT_EQ(parse_iso8601_micros("2025-01-15T13:45:10.123Z"), 1'736'948'710'123'000);
    EXPECT_EQ(parse_iso8601_micros("2025-01-15T13:45:10.123456Z"), 1'736'948'710'123'456);
    EXPECT_EQ(parse_iso8601_micros("2025-01-15 14:45:10.123+01:00"), 1'736'948'710'123'000);
    EXPECT_EQ(parse_iso8601_micros("2025-01-15T13:45:10"), 1'736'948'710'000'000);
    EXPECT_EQ(parse_iso8601_micros("2025-01-15T08:15-0530"), 1'736'948'700'000'000);
    EXPECT_EQ(parse_iso8601_micros("2025-01-15"), 1'736'899'200'000'000);
    EXPECT_FALSE(parse_iso8601_micros("2025-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601_micros("2025-01-15T25:00:00Z"));
    EXPECT_FALSE(parse_iso8601_micros("2025-01-15T13:45:10Zjunk"));
    EXPECT_FALSE(parse_iso8601_micros("click"));
    EXPECT_FALSE(parse_iso8601_micros("1736948710123"));
}

TEST(S3TimeUtil, JodaPatterns) {
    auto p = joda_pattern::compile("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH/");
    ASSERT_TRUE(p) << p.err().message;
    EXPECT_EQ(p->finest_unit_ms(), 3'600'000);
    EXPECT_EQ(p->format(civil_from_ms(1'736'948'710'123)), "year=2025/month=01/day=15/hour=13");
    auto q = joda_pattern::compile("yy-MMM-d 'at' HH''mm");
    ASSERT_TRUE(q) << q.err().message;
    EXPECT_EQ(q->format(civil_from_ms(1'736'948'710'123)), "25-Jan-15 at 13'45");
    EXPECT_EQ(q->finest_unit_ms(), 60'000);
    EXPECT_EQ(joda_pattern::compile("'year'=YYYY")->finest_unit_ms(), 86'400'000);
    EXPECT_FALSE(joda_pattern::compile("'year=YYYY"));
    EXPECT_FALSE(joda_pattern::compile("YYYY/ww"));
    EXPECT_FALSE(joda_pattern::compile("'only text'"));
}

}  // namespace
}  // namespace cs::connect::s3
