#include "base/time_zone.h"

#include <gtest/gtest.h>

#include "base/civil_time.h"

namespace cs {
namespace {

int64_t utc_s(int64_t y, int32_t mo, int32_t d, int64_t h = 0, int64_t mi = 0) {
    return civil::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

time_zone zone(std::string_view id) {
    auto z = time_zone::find(id);
    EXPECT_TRUE(z.ok()) << id;
    return z.ok() ? *z : time_zone::utc();
}

TEST(TimeZone, FixedAndNamedZones) {
    EXPECT_EQ(zone("UTC").offset_at(0), 0);
    EXPECT_EQ(zone("Z").offset_at(0), 0);
    EXPECT_EQ(zone("+05:30").offset_at(0), 19800);
    EXPECT_EQ(zone("-0800").offset_at(0), -28800);
    EXPECT_EQ(zone("UTC+2").offset_at(0), 7200);
    EXPECT_EQ(zone("GMT-03:00").offset_at(0), -10800);
    const time_zone paris = zone("Europe/Paris");
    EXPECT_EQ(paris.offset_at(utc_s(2021, 1, 15)), 3600);
    EXPECT_EQ(paris.offset_at(utc_s(2021, 7, 15)), 7200);
    // Beyond the last transition in the file the POSIX footer rule applies.
    EXPECT_EQ(paris.offset_at(utc_s(2060, 7, 15)), 7200);
    EXPECT_EQ(paris.offset_at(utc_s(2060, 12, 15)), 3600);
    const time_zone ny = zone("America/New_York");
    EXPECT_EQ(ny.offset_at(utc_s(2021, 1, 15)), -18000);
    EXPECT_EQ(ny.offset_at(utc_s(2061, 7, 4)), -14400);
    EXPECT_EQ(zone("Asia/Kolkata").offset_at(utc_s(2021, 1, 1)), 19800);
    for (std::string_view bad : {"Mars/Olympus", "../etc/passwd", "+25:00", "", "/etc/passwd"}) {
        EXPECT_FALSE(time_zone::find(bad).ok()) << bad;
    }
}

TEST(TimeZone, LocalTimesInGapsAndOverlaps) {
    const time_zone berlin = zone("Europe/Berlin");
    // 2021-03-28 02:30 does not exist: the earlier offset (+01:00) is used.
    EXPECT_EQ(berlin.offset_for_local(utc_s(2021, 3, 28, 2, 30)), 3600);
    // 2021-10-31 02:30 happens twice: the earlier instant (+02:00).
    EXPECT_EQ(berlin.offset_for_local(utc_s(2021, 10, 31, 2, 30)), 7200);
    EXPECT_EQ(berlin.id(), "Europe/Berlin");
    EXPECT_EQ(time_zone::fixed(-3600).offset_for_local(0), -3600);
}

}  // namespace
}  // namespace cs
