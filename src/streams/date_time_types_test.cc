// The DATE and TIME types: text forms (sql_time_types.h), CAST, comparisons
// and the JSON, DELIMITED and KAFKA formats, as ksqlDB's date.json and
// time.json query-validation tests and its SqlTimeTypes.

#include <gtest/gtest.h>

#include "streams/binder.h"
#include "streams/cast.h"
#include "streams/operators.h"
#include "streams/parser.h"
#include "streams/serde.h"
#include "streams/sql_time_types.h"
#include "streams/test_columns.h"
#include "streams/value_text.h"

namespace cs::streams {
namespace {

const sql_type S = sql_type::string();
const sql_type DT = sql_type::date();
const sql_type TM = sql_type::time();
const sql_type TS = sql_type::timestamp();

TEST(DateTimeText, ParseDateWithKsqlPartials) {
    EXPECT_EQ(*parse_sql_date("1970-01-10"), date_days{9});
    EXPECT_EQ(*parse_sql_date("1970-01"), date_days{0});
    EXPECT_EQ(*parse_sql_date("1971"), date_days{365});
    EXPECT_EQ(*parse_sql_date("1969-12-31"), date_days{-1});
    EXPECT_EQ(*parse_sql_date("2020-02-29"), date_days{18321});
    EXPECT_EQ(*parse_sql_date("+12345-01-01"), date_days{3789391});
    for (const char* bad : {"foo", "", "2020-1-5", "2021-02-29", "20201-01-01", "2020-01-01T00",
                            "2020-13", " 2020-01-01"}) {
        auto r = parse_sql_date(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_NE(r.err().message.find("Failed to parse date"), std::string::npos);
    }
}

TEST(DateTimeText, ParseTimeAsLocalTime) {
    EXPECT_EQ(*parse_sql_time("00:00:00.010"), time_ms{10});
    EXPECT_EQ(*parse_sql_time("00:00:01"), time_ms{1000});
    EXPECT_EQ(*parse_sql_time("00:01"), time_ms{60000});
    EXPECT_EQ(*parse_sql_time("23:59:59.999999999"), time_ms{86399999});
    for (const char* bad : {"foo", "24:00", "1:00", "00:00:00.", "12", "12:00:60", "12:00Z"}) {
        EXPECT_FALSE(parse_sql_time(bad).ok()) << bad;
    }
}

TEST(DateTimeText, FormatAsJavaTime) {
    EXPECT_EQ(sql_date_text(date_days{10}), "1970-01-11");
    EXPECT_EQ(sql_date_text(date_days{-1}), "1969-12-31");
    EXPECT_EQ(sql_date_text(date_days{3789391}), "+12345-01-01");
    EXPECT_EQ(sql_date_text(date_days{-719528}), "0000-01-01");
    EXPECT_EQ(*sql_time_text(time_ms{5000}), "00:00:05");
    EXPECT_EQ(*sql_time_text(time_ms{0}), "00:00");  // LocalTime.toString drops :00 seconds
    EXPECT_EQ(*sql_time_text(time_ms{4000}), "00:00:04");
    EXPECT_EQ(*sql_time_text(time_ms{45296789}), "12:34:56");
    EXPECT_FALSE(sql_time_text(time_ms{86'400'000}).ok());
    EXPECT_EQ(java_sql_time_text(time_ms{0}), "00:00:00");
    EXPECT_EQ(timestamp_to_date(timestamp_ms{-2000}), date_days{-1});
    EXPECT_EQ(timestamp_to_time(timestamp_ms{-2000}), time_ms{86398000});
    EXPECT_EQ(timestamp_to_time(timestamp_ms{86400100}), time_ms{100});
}

TEST(DateTimeCast, AsKsqlCastEvaluator) {
    EXPECT_EQ(*cast_value(value(date_days{10}), DT, S), value("1970-01-11"));
    EXPECT_EQ(*cast_value(value(time_ms{5000}), TM, S), value("00:00:05"));
    EXPECT_EQ(*cast_value(value(" 1970-01-10 "), S, DT), value(date_days{9}));
    EXPECT_EQ(*cast_value(value("1970-01"), S, DT), value(date_days{0}));
    EXPECT_EQ(*cast_value(value("00:01"), S, TM), value(time_ms{60000}));
    EXPECT_EQ(*cast_value(value(timestamp_ms{86400100}), TS, DT), value(date_days{1}));
    EXPECT_EQ(*cast_value(value(timestamp_ms{-2000}), TS, TM), value(time_ms{86398000}));
    EXPECT_EQ(*cast_value(value(date_days{2}), DT, TS), value(timestamp_ms{172800000}));
    EXPECT_TRUE(cast_value(value(), S, DT)->is_null());
    auto bad = cast_value(value("foo"), S, DT);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("'foo'"), std::string::npos);
    EXPECT_FALSE(cast_value(value("foo"), S, TM).ok());
    // No DATE <-> TIME, no TIME -> TIMESTAMP, no numbers (ksqlDB's CastEvaluator).
    EXPECT_FALSE(can_cast(DT, TM));
    EXPECT_FALSE(can_cast(TM, DT));
    EXPECT_FALSE(can_cast(TM, TS));
    EXPECT_FALSE(can_cast(sql_type::integer(), DT));
    EXPECT_FALSE(can_cast(DT, sql_type::integer()));
    EXPECT_TRUE(can_cast(sql_type::array(DT), sql_type::array(S)));
    // Inside a container a TIME prints as java.sql.Time does.
    EXPECT_EQ(
        value_text(value::array({value(time_ms{0}), value(time_ms{61000})}), sql_type::array(TM)),
        "[00:00:00, 00:01:01]");
    EXPECT_EQ(value_text(value::array({value(date_days{0})}), sql_type::array(DT)), "[1970-01-01]");
}

TEST(DateTimeCompare, AsKsqlComparisonUtil) {
    auto cmp = [](const value& a, const sql_type& ta, const value& b, const sql_type& tb) {
        auto r = compare_values(a, ta, b, tb);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return r.ok() ? *r : 99;
    };
    EXPECT_EQ(cmp(date_days{10}, DT, date_days{12}, DT), -1);
    EXPECT_EQ(cmp(time_ms{10}, TM, time_ms{10}, TM), 0);
    // DATE with TIMESTAMP: the date's midnight.
    EXPECT_EQ(cmp(date_days{10}, DT, timestamp_ms{864000000}, TS), 0);
    EXPECT_EQ(cmp(date_days{10}, DT, timestamp_ms{863999999}, TS), 1);
    EXPECT_EQ(cmp(timestamp_ms{864000005}, TS, date_days{10}, DT), 1);
    // With a STRING: the string read as the other side's type.
    EXPECT_EQ(cmp(date_days{11}, DT, value("1970-01-11"), S), 1);
    EXPECT_EQ(cmp(value("1970-01-11"), S, date_days{10}, DT), 0);
    EXPECT_EQ(cmp(time_ms{11}, TM, value("00:00:00.010"), S), 1);
    EXPECT_FALSE(compare_values(date_days{1}, DT, value("nope"), S).ok());
    EXPECT_TRUE(comparable(DT, TS));
    EXPECT_TRUE(comparable(S, TM));
    EXPECT_FALSE(comparable(DT, TM));
    EXPECT_FALSE(comparable(TM, TS));
    EXPECT_FALSE(comparable(DT, sql_type::integer()));
    EXPECT_EQ(DT.to_string(), "DATE");
    EXPECT_EQ(TM.to_string(), "TIME");
}

// INSERT ... VALUES: a string for a DATE or TIME column (DefaultSqlValueCoercer).
TEST(DateTimeInsert, StringValuesCoerce) {
    auto value_of = [](std::string_view sql, const sql_type& t) {
        auto e = parse_expression(sql);
        EXPECT_TRUE(e.ok());
        return eval_constant(**e, t);
    };
    EXPECT_EQ(*value_of("'2020-05-26'", DT), value(date_days{18408}));
    EXPECT_EQ(*value_of("'01:34'", TM), value(time_ms{5640000}));
    EXPECT_EQ(*value_of("DATE '1970-01-02'", DT), value(date_days{1}));
    EXPECT_FALSE(value_of("'01:34'", DT).ok());
    EXPECT_FALSE(value_of("5", DT).ok());
}

using testing::col;

// Decodes `in` with the columns D DATE, T TIME in `format` and encodes the row again.
result<std::pair<row, std::string>> round_trip(data_format format, std::string_view in) {
    source_def d;
    d.value_format.format = format;
    d.columns = {col("D", DT), col("T", TM)};
    auto dec = row_decoder::create(d);
    if (!dec) {
        return dec.take_error();
    }
    row r;
    int64_t rowtime = 0;
    auto ok = (*dec)->decode(record_view{.key = std::nullopt, .value = in, .timestamp_ms = 1}, r,
                             rowtime);
    if (!ok) {
        return ok.take_error();
    }
    auto enc = row_encoder::create(d);
    if (!enc) {
        return enc.take_error();
    }
    std::string k, v;
    bool key_null = false;
    if (auto st = (*enc)->encode(r, k, key_null, v); !st) {
        return st.err();
    }
    return std::pair{std::move(r), std::move(v)};
}

TEST(DateTimeSerde, JsonDaysAndMillisAsKsqlJsonDeserializer) {
    auto out = round_trip(data_format::json, R"({"D": 10, "T": 5000})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->first[0], value(date_days{10}));
    EXPECT_EQ(out->first[1], value(time_ms{5000}));
    EXPECT_EQ(out->second, R"({"D":10,"T":5000})");
    // Numeric strings are accepted (JsonSerdeUtils.toDate/toTime), as is the
    // end of the day itself.
    out = round_trip(data_format::json, R"({"D": "-10", "T": "86400000"})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->second, R"({"D":-10,"T":86400000})");
    out = round_trip(data_format::json, R"({"D": null})");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->second, R"({"D":null,"T":null})");
    for (const char* bad : {R"({"T": -1})", R"({"T": 86400001})", R"({"D": "1970-01-01"})",
                            R"({"D": 3000000000})", R"({"T": true})"}) {
        EXPECT_FALSE(round_trip(data_format::json, bad).ok()) << bad;
    }
}

TEST(DateTimeSerde, DelimitedAsKsqlAndCommonsCsv) {
    auto out = round_trip(data_format::delimited, "10,5000");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->second, "10,5000");
    // Commons CSV 1.4 quotes a first field that does not start with a
    // letter or digit (date.json: -10 is written "-10").
    out = round_trip(data_format::delimited, "-10,");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->first[0], value(date_days{-10}));
    EXPECT_TRUE(out->first[1].is_null());
    EXPECT_EQ(out->second, "\"-10\",");
    EXPECT_FALSE(round_trip(data_format::delimited, "1,-5").ok());
    EXPECT_FALSE(round_trip(data_format::delimited, "x,5").ok());
}

TEST(DateTimeSerde, KafkaFormatRefusesDateAndTime) {
    auto out = round_trip(data_format::kafka, "");
    ASSERT_FALSE(out.ok());
    source_def d;
    d.value_format.format = data_format::kafka;
    d.columns = {col("T", TM)};
    auto dec = row_decoder::create(d);
    ASSERT_FALSE(dec.ok());
    EXPECT_EQ(dec.err().code, errc::unsupported);
    EXPECT_NE(dec.err().message.find("TIME"), std::string::npos);
}

}  // namespace
}  // namespace cs::streams
