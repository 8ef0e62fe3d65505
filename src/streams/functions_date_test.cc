// DATE and TIME functions (functions_date.cc), with the cases of ksqlDB's
// query-validation tests (parse-date.json, format-date.json, dateadd.json,
// ...) and its UDF unit tests' edge cases.

#include <gtest/gtest.h>

#include "base/clock.h"
#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

bool fails_with(const result<value>& r, std::string_view text) {
    return !r.ok() && r.err().message.find(text) != std::string::npos;
}

TEST(FunctionsDate, ParseDate) {
    EXPECT_EQ(call("PARSE_DATE", {str("2018-05-11Lit"), str("yyyy-MM-dd'Lit'")}),
              value(date_days{17662}));
    EXPECT_EQ(call("PARSE_DATE", {str("11/05/2019"), str("dd/MM/yyyy")}), value(date_days{18027}));
    EXPECT_EQ(call("PARSE_DATE", {str("01-Jan-2022"), str("dd-MMM-yyyy")}),
              value(date_days{18993}));
    EXPECT_EQ(call("PARSE_DATE", {str("01-JAN-2022"), str("dd-MMM-yyyy")}),
              value(date_days{18993}));
    EXPECT_EQ(call("PARSE_DATE", {str("JAN-2022"), str("MMM-yyyy")}), value(date_days{18993}));
    EXPECT_EQ(call("PARSE_DATE", {str("01-01-1970"), str("dd-MM-yyyy")}), value(date_days{0}));
    EXPECT_EQ(call("PARSE_DATE", {str("1969-12-31"), str("yyyy-MM-dd")}), value(date_days{-1}));
    // A time of day that is midnight passes, as ksqlDB checks only the result.
    EXPECT_EQ(call("PARSE_DATE", {str("2018-05-11 00:00"), str("yyyy-MM-dd HH:mm")}),
              value(date_days{17662}));
    EXPECT_EQ(return_type("PARSE_DATE", {sql_type::string(), sql_type::string()}),
              sql_type::date());
    EXPECT_TRUE(call("PARSE_DATE", {null_of(sql_type::string()), str("yyyy")}).is_null());
    EXPECT_TRUE(call("PARSE_DATE", {str("2020"), null_of(sql_type::string())}).is_null());
}

TEST(FunctionsDate, ParseDateFailuresAreRecordErrors) {
    EXPECT_TRUE(
        fails_with(try_call("PARSE_DATE", {str("2018-05-11 10:00"), str("yyyy-MM-dd HH:mm")}),
                   "Date format contains time field."));
    EXPECT_TRUE(fails_with(try_call("PARSE_DATE", {str("11 May"), str("yyyy-MM-dd")}),
                           "Failed to parse date '11 May' with formatter 'yyyy-MM-dd'"));
    EXPECT_TRUE(
        fails_with(try_call("PARSE_DATE", {str("2020"), str("qq")}), "Failed to parse date"));
}

TEST(FunctionsDate, FormatDate) {
    EXPECT_EQ(call("FORMAT_DATE", {date(17662), str("yyyy-MM-dd")}), value("2018-05-11"));
    EXPECT_EQ(call("FORMAT_DATE", {date(18027), str("dd/MM/yyyy")}), value("11/05/2019"));
    EXPECT_EQ(call("FORMAT_DATE", {date(18993), str("dd-MMM-yyyy")}), value("01-Jan-2022"));
    EXPECT_EQ(call("FORMAT_DATE", {date(0), str("dd-MM-yyyy")}), value("01-01-1970"));
    EXPECT_EQ(call("FORMAT_DATE", {date(-1), str("dd-MM-yyyy'Sophia'")}),
              value("31-12-1969Sophia"));
    EXPECT_EQ(call("FORMAT_DATE", {date(18993), str("EEEE D")}), value("Saturday 1"));
    // LocalDate has no time or zone fields.
    EXPECT_TRUE(
        fails_with(try_call("FORMAT_DATE", {date(0), str("yyyy HH")}), "Unsupported field"));
    EXPECT_TRUE(
        fails_with(try_call("FORMAT_DATE", {date(0), str("yyyy XXX")}), "Unsupported field"));
    EXPECT_TRUE(call("FORMAT_DATE", {null_of(sql_type::date()), str("yyyy")}).is_null());
}

TEST(FunctionsDate, ParseTime) {
    EXPECT_EQ(call("PARSE_TIME", {str("00:01:05Lit"), str("HH:mm:ss'Lit'")}),
              value(time_ms{65000}));
    EXPECT_EQ(call("PARSE_TIME", {str("11/05/19"), str("HH/mm/ss")}), value(time_ms{39919000}));
    EXPECT_EQ(call("PARSE_TIME", {str("01:00:00 PM"), str("hh:mm:ss a")}),
              value(time_ms{46800000}));
    EXPECT_EQ(call("PARSE_TIME", {str("01:00:00 Pm"), str("hh:mm:ss a")}),
              value(time_ms{46800000}));
    EXPECT_EQ(call("PARSE_TIME", {str("23:59:59.999"), str("HH:mm:ss.SSS")}),
              value(time_ms{86399999}));
    EXPECT_EQ(return_type("PARSE_TIME", {sql_type::string(), sql_type::string()}),
              sql_type::time());
    EXPECT_TRUE(fails_with(try_call("PARSE_TIME", {str("2020 10:00"), str("yyyy HH:mm")}),
                           "Time format contains date field."));
    EXPECT_TRUE(fails_with(try_call("PARSE_TIME", {str("10:00"), str("mm:ss")}),
                           "Failed to parse time '10:00'"));
    EXPECT_TRUE(
        fails_with(try_call("PARSE_TIME", {str("25:00"), str("HH:mm")}), "Failed to parse time"));
    EXPECT_TRUE(
        fails_with(try_call("PARSE_TIME", {str("10:00Z"), str("HH:mmX")}), "not supported yet"));
    EXPECT_TRUE(call("PARSE_TIME", {null_of(sql_type::string()), str("HH")}).is_null());
}

TEST(FunctionsDate, FormatTime) {
    EXPECT_EQ(call("FORMAT_TIME", {time_of_day(65000), str("HH_mm_ss_SSS")}),
              value("00_01_05_000"));
    EXPECT_EQ(call("FORMAT_TIME", {time_of_day(1234567), str("HHmmss'AAAAA'")}),
              value("002034AAAAA"));
    EXPECT_EQ(call("FORMAT_TIME", {time_of_day(0), str("HH:mm:ss")}), value("00:00:00"));
    EXPECT_EQ(call("FORMAT_TIME", {time_of_day(46800123), str("hh:mm a SSS")}),
              value("01:00 PM 123"));
    EXPECT_TRUE(
        fails_with(try_call("FORMAT_TIME", {time_of_day(0), str("yyyy HH")}), "Unsupported field"));
    EXPECT_FALSE(try_call("FORMAT_TIME", {time_of_day(86'400'000), str("HH")}).ok());
    EXPECT_TRUE(call("FORMAT_TIME", {null_of(sql_type::time()), str("HH")}).is_null());
}

TEST(FunctionsDate, DateAddAndSub) {
    EXPECT_EQ(call("DATEADD", {str("DAYS"), i32(10), date(10)}), value(date_days{20}));
    EXPECT_EQ(call("DATEADD", {str("DAYS"), i32(-5), date(2)}), value(date_days{-3}));
    EXPECT_EQ(call("DATESUB", {str("DAYS"), i32(5), date(0)}), value(date_days{-5}));
    // Sub-day units: MILLISECONDS.toDays truncates toward zero.
    EXPECT_EQ(call("DATEADD", {str("HOURS"), i32(23), date(10)}), value(date_days{10}));
    EXPECT_EQ(call("DATEADD", {str("HOURS"), i32(24), date(10)}), value(date_days{11}));
    EXPECT_EQ(call("DATESUB", {str("HOURS"), i32(1), date(10)}), value(date_days{9}));
    EXPECT_EQ(call("DATESUB", {str("HOURS"), i32(1), date(0)}), value(date_days{0}));
    EXPECT_EQ(call("DATEADD", {str("HOURS"), i32(1), date(-10)}), value(date_days{-9}));
    EXPECT_EQ(return_type("DATEADD", {sql_type::string(), sql_type::integer(), sql_type::date()}),
              sql_type::date());
    EXPECT_TRUE(
        call("DATEADD", {str("MILLISECONDS"), null_of(sql_type::integer()), date(5)}).is_null());
    EXPECT_TRUE(call("DATEADD", {str("DAYS"), i32(5), null_of(sql_type::date())}).is_null());
    // dateadd.json: (DATE, INTEGER, DATE) is no signature; the interval is an INTEGER.
    EXPECT_FALSE(try_call("DATEADD", {date(1), i32(5), date(1)}).ok());
    EXPECT_FALSE(try_call("DATEADD", {str("DAYS"), i64(5), date(1)}).ok());
    EXPECT_TRUE(fails_with(try_call("DATEADD", {str("WEEKS"), i32(1), date(1)}), "WEEKS"));
}

TEST(FunctionsDate, TimeAddAndSubWrapAroundMidnight) {
    EXPECT_EQ(call("TIMEADD", {str("MILLISECONDS"), i32(10), time_of_day(10)}), value(time_ms{20}));
    EXPECT_EQ(call("TIMEADD", {str("MILLISECONDS"), i32(10), time_of_day(86399995)}),
              value(time_ms{5}));
    EXPECT_EQ(call("TIMEADD", {str("MILLISECONDS"), i32(-5), time_of_day(2)}),
              value(time_ms{86399997}));
    EXPECT_EQ(call("TIMESUB", {str("MILLISECONDS"), i32(5), time_of_day(10)}), value(time_ms{5}));
    EXPECT_EQ(call("TIMESUB", {str("HOURS"), i32(1), time_of_day(0)}), value(time_ms{82800000}));
    EXPECT_EQ(call("TIMEADD", {str("DAYS"), i32(3), time_of_day(1000)}), value(time_ms{1000}));
    // DAYS.toNanos saturates; LocalTime.plusNanos takes it modulo a day.
    const int64_t max_mod_day_ms = (INT64_MAX % (86'400'000LL * 1'000'000)) / 1'000'000;
    EXPECT_EQ(call("TIMEADD", {str("DAYS"), i32(INT32_MAX), time_of_day(0)}),
              value(time_ms{static_cast<int32_t>(max_mod_day_ms)}));
    EXPECT_TRUE(call("TIMESUB", {str("SECONDS"), i32(1), null_of(sql_type::time())}).is_null());
    EXPECT_FALSE(try_call("TIMEADD", {time_of_day(1), i32(5), time_of_day(1)}).ok());
}

// stringdate.json / datestring.json: the deprecated INTEGER-day forms.
TEST(FunctionsDate, DateToStringAndStringToDate) {
    EXPECT_EQ(call("DATETOSTRING", {i32(18993), str("dd-MMM-yyyy")}), value("01-Jan-2022"));
    EXPECT_EQ(call("DATETOSTRING", {i32(-1), str("dd-MM-yyyy'Sophia'")}),
              value("31-12-1969Sophia"));
    EXPECT_TRUE(call("DATETOSTRING", {i32(1), null_of(sql_type::string())}).is_null());
    EXPECT_EQ(call("STRINGTODATE", {str("2018-05-11Lit"), str("yyyy-MM-dd'Lit'")}),
              value(int32_t{17662}));
    EXPECT_EQ(call("STRINGTODATE", {str("01-01-1970"), str("dd-MM-yyyy")}), value(int32_t{0}));
    EXPECT_EQ(call("STRINGTODATE", {str("2018-05-11 23:00"), str("yyyy-MM-dd HH:mm")}),
              value(int32_t{17662}));
    EXPECT_EQ(return_type("STRINGTODATE", {sql_type::string(), sql_type::string()}),
              sql_type::integer());
    EXPECT_FALSE(try_call("STRINGTODATE", {str("05-11"), str("MM-dd")}).ok());
    EXPECT_FALSE(try_call("STRINGTODATE", {null_of(sql_type::string()), str("yyyy")}).ok());
}

TEST(FunctionsDate, UnixDateAndFromDays) {
    EXPECT_EQ(call("UNIX_DATE", {date(10)}), value(int32_t{10}));
    EXPECT_EQ(call("UNIX_DATE", {date(-3)}), value(int32_t{-3}));
    EXPECT_TRUE(call("UNIX_DATE", {null_of(sql_type::date())}).is_null());
    EXPECT_EQ(call("FROM_DAYS", {i32(-10)}), value(date_days{-10}));
    EXPECT_TRUE(call("FROM_DAYS", {null_of(sql_type::integer())}).is_null());
    EXPECT_FALSE(try_call("FROM_DAYS", {i64(1)}).ok());

    manual_clock clock(1'700'000'000'000);  // 2023-11-14T22:13:20Z
    std::vector<sql_type> none;
    auto now = bind_function("UNIX_DATE", none, clock);
    ASSERT_TRUE(now.ok()) << now.err().message;
    EXPECT_EQ((*now)->return_type(), sql_type::integer());
    EXPECT_EQ(*(*now)->call({}), value(int32_t{19675}));
    clock.advance_ms(2 * 3600 * 1000);  // past midnight UTC
    EXPECT_EQ(*(*now)->call({}), value(int32_t{19676}));
}

}  // namespace
}  // namespace cs::streams
