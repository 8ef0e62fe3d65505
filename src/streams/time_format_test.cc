#include "streams/time_format.h"

#include <gtest/gtest.h>

#include "base/civil_time.h"

namespace cs::streams {
namespace {

int64_t utc_ms(int64_t y, int32_t mo, int32_t d, int64_t h = 0, int64_t mi = 0, int64_t s = 0,
               int64_t ms = 0) {
    return ((civil::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000) + ms;
}

time_format fmt_of(std::string_view p) {
    auto f = time_format::compile(p);
    EXPECT_TRUE(f.ok()) << p << ": " << (f.ok() ? "" : f.err().message);
    return f.ok() ? *f : *time_format::compile("yyyy");
}

int64_t parse_ok(std::string_view pattern, std::string_view text,
                 const time_zone& zone = time_zone::utc()) {
    auto r = fmt_of(pattern).parse(text, zone);
    EXPECT_TRUE(r.ok()) << pattern << " / " << text << ": " << (r.ok() ? "" : r.err().message);
    return r.ok() ? *r : -1;
}

time_zone zone(std::string_view id) {
    auto z = time_zone::find(id);
    EXPECT_TRUE(z.ok()) << id;
    return z.ok() ? *z : time_zone::utc();
}

TEST(TimeFormat, FormatsCommonPatterns) {
    const int64_t t = utc_ms(2021, 5, 4, 13, 5, 9, 42);
    EXPECT_EQ(fmt_of("yyyy-MM-dd HH:mm:ss.SSS").format(t, time_zone::utc()),
              "2021-05-04 13:05:09.042");
    EXPECT_EQ(fmt_of("yyyy-MM-dd'T'HH:mm:ssXXX").format(t, time_zone::utc()),
              "2021-05-04T13:05:09Z");
    EXPECT_EQ(fmt_of("yy/M/d h:mm a").format(t, time_zone::utc()), "21/5/4 1:05 PM");
    EXPECT_EQ(fmt_of("dd MMM yyyy, EEE").format(t, time_zone::utc()), "04 May 2021, Tue");
    EXPECT_EQ(fmt_of("EEEE d MMMM").format(t, time_zone::utc()), "Tuesday 4 May");
    EXPECT_EQ(fmt_of("D").format(t, time_zone::utc()), "124");
    EXPECT_EQ(fmt_of("''yyyy'' 'o''clock'").format(t, time_zone::utc()), "'2021' o'clock");
    EXPECT_EQ(fmt_of("HH:mm X").format(t, zone("+05:30")), "18:35 +0530");
    EXPECT_EQ(fmt_of("HH:mm XX").format(t, zone("-02:00")), "11:05 -0200");
    EXPECT_EQ(fmt_of("HH:mm Z").format(t, time_zone::utc()), "13:05 +0000");
    EXPECT_EQ(fmt_of("HH:mm xxx").format(t, time_zone::utc()), "13:05 +00:00");
    EXPECT_EQ(fmt_of("SSSSSS").format(t, time_zone::utc()), "042000");
    EXPECT_EQ(fmt_of("HH:mm VV").format(t, zone("Europe/Paris")), "15:05 Europe/Paris");
    EXPECT_EQ(fmt_of("hh a").format(utc_ms(2021, 1, 1), time_zone::utc()), "12 AM");
}

TEST(TimeFormat, ParsesCommonPatterns) {
    EXPECT_EQ(parse_ok("yyyy-MM-dd HH:mm:ss", "2021-05-04 12:00:00"), 1620129600000);
    EXPECT_EQ(parse_ok("yyyy-MM-dd'T'HH:mm:ss.SSSX", "2021-05-04T14:00:00.123+02"), 1620129600123);
    EXPECT_EQ(parse_ok("yyyy-MM-dd'T'HH:mm:ssXXX", "2021-05-04T12:00:00Z"), 1620129600000);
    EXPECT_EQ(parse_ok("yyyy-MM-dd'T'HH:mm:ssZ", "2021-05-04T07:00:00-0500"), 1620129600000);
    EXPECT_EQ(parse_ok("yyyyMMddHHmmss", "20210504120000"), 1620129600000);
    EXPECT_EQ(parse_ok("dd/MM/yyyy", "11/05/2019"), utc_ms(2019, 5, 11));
    // Month names are matched case-insensitively (ksqlDB: '01-JAN-2022' with dd-MMM-yyyy).
    EXPECT_EQ(parse_ok("dd-MMM-yyyy", "01-JAN-2022"), utc_ms(2022, 1, 1));
    EXPECT_EQ(parse_ok("MMM-yyyy", "Jan-2022"), utc_ms(2022, 1, 1));
    EXPECT_EQ(parse_ok("yyyy-MM-dd'Lit'", "2018-05-11Lit"), utc_ms(2018, 5, 11));
    EXPECT_EQ(parse_ok("d/M/yy h:mm a", "4/5/21 1:05 pm"), utc_ms(2021, 5, 4, 13, 5));
    EXPECT_EQ(parse_ok("h a", "12 AM"), utc_ms(1970, 1, 1, 0));
    EXPECT_EQ(parse_ok("HH:mm", "10:30"), utc_ms(1970, 1, 1, 10, 30));
    EXPECT_EQ(parse_ok("yyyy-MM-dd HH:mm:ss.SSSSSS", "2021-05-04 12:00:00.123456"), 1620129600123);
    EXPECT_EQ(parse_ok("yyyy-MM-dd HH:mm:ss VV", "2021-05-04 14:00:00 Europe/Paris"),
              1620129600000);
    EXPECT_EQ(parse_ok("EEE, dd MMM yyyy HH:mm:ss", "Tue, 04 May 2021 12:00:00"), 1620129600000);
    EXPECT_EQ(parse_ok("yyyy-D", "2021-124"), utc_ms(2021, 5, 4));
}

TEST(TimeFormat, OptionalSections) {
    const char* p = "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]";
    EXPECT_EQ(parse_ok(p, "2021-05-04T12:00:00"), 1620129600000);
    EXPECT_EQ(parse_ok(p, "2021-05-04T12:00:00.500"), 1620129600500);
    EXPECT_EQ(parse_ok(p, "2021-05-04T14:00:00+02:00"), 1620129600000);
    EXPECT_EQ(fmt_of(p).format(1620129600500, time_zone::utc()), "2021-05-04T12:00:00.500Z");
}

TEST(TimeFormat, ParseUsesZoneWhenTextHasNone) {
    EXPECT_EQ(parse_ok("yyyy-MM-dd HH:mm:ss", "2021-05-04 14:00:00", zone("Europe/Paris")),
              1620129600000);
    EXPECT_EQ(parse_ok("yyyy-MM-dd HH:mm", "2021-01-15 07:00", zone("America/New_York")),
              1610712000000);
    // An offset in the text wins over the zone argument.
    EXPECT_EQ(parse_ok("yyyy-MM-dd HH:mmX", "2021-01-15 12:00Z", zone("America/New_York")),
              1610712000000);
}

TEST(TimeFormat, RejectsBadInput) {
    const time_format f = fmt_of("yyyy-MM-dd HH:mm:ss");
    for (std::string_view text : {"2021-05-04", "2021-05-04 12:00:00 extra", "2021-13-01 00:00:00",
                                  "2021-02-29 00:00:00", "2021-05-04 24:00:00", "garbage", ""}) {
        auto r = f.parse(text, time_zone::utc());
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.err().code, errc::invalid_argument);
        EXPECT_NE(r.err().message.find("yyyy-MM-dd HH:mm:ss"), std::string::npos);
    }
    // SSS needs exactly three digits; dd two.
    EXPECT_FALSE(fmt_of("ss.SSS").parse("01.12", time_zone::utc()).ok());
    EXPECT_FALSE(fmt_of("dd").parse("1", time_zone::utc()).ok());
}

TEST(TimeFormat, RejectsUnsupportedPatterns) {
    for (std::string_view p :
         {"yyyy-MM-dd 'unterminated", "qqq", "yyyy]", "[yyyy", "ddd", "MMMMM", "VVV"}) {
        auto f = time_format::compile(p);
        ASSERT_FALSE(f.ok()) << p;
        EXPECT_EQ(f.err().code, errc::invalid_argument);
    }
}

TEST(TimeZone, GapsAndOverlapsResolveAsJavaTime) {
    const time_zone paris = zone("Europe/Paris");
    const time_format f = fmt_of("yyyy-MM-dd HH:mm");
    // 2021-03-28 02:30 does not exist in Paris: shifted by the gap to 03:30 CEST.
    EXPECT_EQ(*f.parse("2021-03-28 02:30", paris), utc_ms(2021, 3, 28, 1, 30));
    // 2021-10-31 02:30 happens twice: the earlier (CEST) instant.
    EXPECT_EQ(*f.parse("2021-10-31 02:30", paris), utc_ms(2021, 10, 31, 0, 30));
    EXPECT_EQ(f.format(utc_ms(2021, 10, 31, 0, 30), paris), "2021-10-31 02:30");
    EXPECT_EQ(f.format(utc_ms(2021, 10, 31, 1, 30), paris), "2021-10-31 02:30");
}

}  // namespace
}  // namespace cs::streams
