#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

TEST(FunctionsTime, ParseAndFormatTimestamp) {
    EXPECT_EQ(call("PARSE_TIMESTAMP", {str("2021-05-04 12:00:00"), str("yyyy-MM-dd HH:mm:ss")}),
              value(timestamp_ms{1620129600000}));
    EXPECT_EQ(call("PARSE_TIMESTAMP",
                   {str("2021-05-04 14:00:00"), str("yyyy-MM-dd HH:mm:ss"), str("Europe/Paris")}),
              value(timestamp_ms{1620129600000}));
    EXPECT_EQ(call("FORMAT_TIMESTAMP", {ts(1620129600000), str("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")}),
              value("2021-05-04T12:00:00.000Z"));
    EXPECT_EQ(call("FORMAT_TIMESTAMP", {ts(1620129600000), str("HH:mm"), str("America/New_York")}),
              value("08:00"));
    EXPECT_EQ(return_type("PARSE_TIMESTAMP", {sql_type::string(), sql_type::string()}),
              sql_type::timestamp());
    EXPECT_TRUE(call("PARSE_TIMESTAMP", {null_of(sql_type::string()), str("yyyy")}).is_null());
}

TEST(FunctionsTime, BadTextFormatOrZoneIsARecordError) {
    auto r = try_call("PARSE_TIMESTAMP", {str("not a date"), str("yyyy-MM-dd")});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, errc::invalid_argument);
    EXPECT_NE(r.err().message.find("not a date"), std::string::npos);
    EXPECT_FALSE(try_call("FORMAT_TIMESTAMP", {ts(0), str("qqq")}).ok());
    EXPECT_FALSE(try_call("FORMAT_TIMESTAMP", {ts(0), str("yyyy"), str("Nowhere/Land")}).ok());
}

TEST(FunctionsTime, ConvertTz) {
    // 2021-01-01T12:00:00Z: Los Angeles is UTC-8 then, London UTC+0.
    const int64_t noon = 1609502400000;
    EXPECT_EQ(call("CONVERT_TZ", {ts(noon), str("America/Los_Angeles"), str("Europe/London")}),
              value(timestamp_ms{noon + 8 * 3600 * 1000}));
    EXPECT_EQ(call("CONVERT_TZ", {ts(noon), str("UTC"), str("Asia/Kolkata")}),
              value(timestamp_ms{noon + 330 * 60 * 1000}));
    // 2021-07-01T12:00:00Z: Paris is on summer time (UTC+2).
    const int64_t july = 1625140800000;
    EXPECT_EQ(call("CONVERT_TZ", {ts(july), str("UTC"), str("Europe/Paris")}),
              value(timestamp_ms{july + 2 * 3600 * 1000}));
    auto bad = try_call("CONVERT_TZ", {ts(noon), str("Mars/Olympus"), str("UTC")});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("Invalid time zone"), std::string::npos);
    EXPECT_TRUE(
        call("CONVERT_TZ", {null_of(sql_type::timestamp()), str("UTC"), str("UTC")}).is_null());
}

TEST(FunctionsTime, TimestampAddAndSub) {
    EXPECT_EQ(call("TIMESTAMPADD", {str("SECONDS"), i32(5), ts(1000)}), value(timestamp_ms{6000}));
    EXPECT_EQ(call("TIMESTAMPADD", {str("DAY"), i32(-1), ts(0)}), value(timestamp_ms{-86'400'000}));
    EXPECT_EQ(call("TIMESTAMPSUB", {str("MILLISECONDS"), i64(1), ts(1000)}),
              value(timestamp_ms{999}));
    EXPECT_EQ(call("TIMESTAMPSUB", {str("hours"), i32(2), ts(7'200'000)}), value(timestamp_ms{0}));
    EXPECT_FALSE(try_call("TIMESTAMPADD", {str("WEEKS"), i32(1), ts(0)}).ok());
    EXPECT_TRUE(
        call("TIMESTAMPADD", {str("SECONDS"), null_of(sql_type::integer()), ts(0)}).is_null());
}

TEST(FunctionsTime, LegacyBigintFunctions) {
    EXPECT_EQ(call("STRINGTOTIMESTAMP", {str("2021-05-04 12:00:00"), str("yyyy-MM-dd HH:mm:ss")}),
              value(int64_t{1620129600000}));
    EXPECT_EQ(call("TIMESTAMPTOSTRING", {i64(1620129600000), str("yyyy-MM-dd HH:mm:ss")}),
              value("2021-05-04 12:00:00"));
    EXPECT_EQ(
        call("TIMESTAMPTOSTRING", {i64(1620129600000), str("yyyy-MM-dd HH:mm:ss"), str("+02:00")}),
        value("2021-05-04 14:00:00"));
    EXPECT_EQ(call("FROM_UNIXTIME", {i64(1620129600000)}), value(timestamp_ms{1620129600000}));
    EXPECT_EQ(call("UNIX_TIMESTAMP", {ts(1620129600000)}), value(int64_t{1620129600000}));
}

TEST(FunctionsTime, UnixTimestampReadsTheInjectedClock) {
    cs::manual_clock clock(1'650'000'000'000);
    auto f = bind_function("UNIX_TIMESTAMP", std::vector<sql_type>{}, clock);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->return_type(), sql_type::bigint());
    EXPECT_EQ(*(*f)->call({}), value(int64_t{1'650'000'000'000}));
    clock.advance_ms(5);
    EXPECT_EQ(*(*f)->call({}), value(int64_t{1'650'000'000'005}));
}

TEST(FunctionsTime, PatternCacheSurvivesManyPatterns) {
    // More distinct patterns than the per-thread cache holds, twice over.
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 20; ++i) {
            const std::string pattern = "yyyy'" + std::to_string(i) + "'";
            EXPECT_EQ(call("FORMAT_TIMESTAMP", {ts(0), str(pattern)}),
                      value("1970" + std::to_string(i)));
        }
    }
}

}  // namespace
}  // namespace cs::streams
