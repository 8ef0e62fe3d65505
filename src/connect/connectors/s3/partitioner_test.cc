#include "connect/connectors/s3/partitioner.h"

#include <gtest/gtest.h>

#include "connect/connectors/s3/test_records.h"

namespace cs::connect::s3 {
namespace {

record with_value(data_map m, std::optional<int64_t> ts = std::nullopt) {
    record r;
    r.topic = "t";
    r.partition = 3;
    r.kafka_offset = 42;
    r.timestamp = ts;
    r.value = data::map(std::move(m));
    return r;
}

std::string encode(const config_map& c, const record& r, const cs::clock& clk) {
    auto p = make_partitioner(c, clk);
    EXPECT_TRUE(p) << p.err().message;
    if (!p) {
        return {};
    }
    auto e = (*p)->encode_partition(r);
    EXPECT_TRUE(e) << e.err().message;
    return e ? *e : std::string{};
}

TEST(S3Partitioner, DefaultUsesKafkaPartition) {
    manual_clock clk;
    EXPECT_EQ(encode({}, with_value({}), clk), "partition=3");
    EXPECT_EQ(encode({{"partitioner.class",
                       "io.confluent.connect.storage.partitioner.DefaultPartitioner"}},
                     with_value({}), clk),
              "partition=3");
}

TEST(S3Partitioner, FieldPartitionerJoinsFields) {
    manual_clock clk;
    config_map c{{"partitioner.class", "io.confluent.connect.storage.partitioner.FieldPartitioner"},
                 {"partition.field.name", "event_type, country"}};
    EXPECT_EQ(encode(c, with_value({{"event_type", "click"}, {"country", "FR"}}), clk),
              "event_type=click/country=FR");
    auto p = make_partitioner(c, clk);
    auto missing = (*p)->encode_partition(with_value({{"event_type", "click"}}));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.err().message.find("country"), std::string::npos);
    EXPECT_FALSE(make_partitioner({{"partitioner.class", "FieldPartitioner"}}, clk));
}

TEST(S3Partitioner, TimeBasedDerivesDurationFromPathFormat) {
    manual_clock clk;
    // The seed's config: no partition.duration.ms.
    config_map c{
        {"partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"},
        {"path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"},
        {"locale", "en"},
        {"timezone", "UTC"},
        {"timestamp.extractor", "RecordField"},
        {"timestamp.field", "timestamp"}};
    EXPECT_EQ(encode(c, with_value({{"timestamp", "2025-01-15T13:59:59.999Z"}}), clk),
              "year=2025/month=01/day=15/hour=13");
    // Epoch millis, as a number and as a digit string.
    EXPECT_EQ(encode(c, with_value({{"timestamp", int64_t{1'736'948'710'123}}}), clk),
              "year=2025/month=01/day=15/hour=13");
    EXPECT_EQ(encode(c, with_value({{"timestamp", "1736948710123"}}), clk),
              "year=2025/month=01/day=15/hour=13");
    auto p = make_partitioner(c, clk);
    EXPECT_NE((*p)->extractor(), nullptr);
    EXPECT_FALSE((*p)->encode_partition(with_value({{"timestamp", "yesterday"}})));
    EXPECT_FALSE((*p)->encode_partition(with_value({{"other", "x"}})));

    config_map no_tz = c;
    no_tz.erase("timezone");
    EXPECT_FALSE(make_partitioner(no_tz, clk));
    config_map unknown = c;
    unknown["timezone"] = "America/Gotham";
    EXPECT_FALSE(make_partitioner(unknown, clk));
}

TEST(S3Partitioner, DurationAndTimeZoneFloorTheTime) {
    manual_clock clk;
    config_map c{{"partitioner.class", "TimeBasedPartitioner"},
                 {"path.format", "YYYY-MM-dd/HH-mm"},
                 {"partition.duration.ms", "900000"},
                 {"locale", "en"},
                 {"timezone", "+01:00"},
                 {"timestamp.extractor", "Record"}};
    // 13:44:59Z is 14:44:59 at +01:00, floored to the quarter hour.
    EXPECT_EQ(encode(c, with_value({}, 1'736'948'699'000), clk), "2025-01-15/14-30");
    auto p = make_partitioner(c, clk);
    EXPECT_FALSE((*p)->encode_partition(with_value({})));  // no Kafka timestamp
}

TEST(S3Partitioner, NamedTimeZonesFollowDaylightSaving) {
    manual_clock clk;
    config_map c{{"partitioner.class", "TimeBasedPartitioner"},
                 {"path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"},
                 {"partition.duration.ms", "3600000"},
                 {"locale", "en"},
                 {"timezone", "America/New_York"},
                 {"timestamp.extractor", "Record"}};
    // 2025-01-15T13:45:10Z is 08:45 EST (-05:00); 2025-07-15T13:45:10Z is 09:45 EDT.
    EXPECT_EQ(encode(c, with_value({}, 1'736'948'710'000), clk),
              "year=2025/month=01/day=15/hour=08");
    EXPECT_EQ(encode(c, with_value({}, 1'752'587'110'000), clk),
              "year=2025/month=07/day=15/hour=09");
    c["timezone"] = "Asia/Kolkata";  // +05:30: 13:45:10Z is 19:15 local
    EXPECT_EQ(encode(c, with_value({}, 1'736'948'710'000), clk),
              "year=2025/month=01/day=15/hour=19");
    // Daily buckets start at local midnight: 2025-03-30T21:30Z is 23:30 CEST.
    c = {{"partitioner.class", "DailyPartitioner"},
         {"locale", "en"},
         {"timezone", "Europe/Berlin"},
         {"timestamp.extractor", "Record"}};
    EXPECT_EQ(encode(c, with_value({}, 1'743'370'200'000), clk), "year=2025/month=03/day=30");
    // The night of the change to summer time (02:00 -> 03:00): 01:30Z is 03:30.
    c = {{"partitioner.class", "HourlyPartitioner"},
         {"locale", "en"},
         {"timezone", "Europe/Berlin"},
         {"timestamp.extractor", "Record"}};
    EXPECT_EQ(encode(c, with_value({}, 1'743'298'200'000), clk),
              "year=2025/month=03/day=30/hour=03");
    c["timezone"] = "Mars/Olympus_Mons";
    EXPECT_FALSE(make_partitioner(c, clk));
}

TEST(S3Partitioner, WallclockDailyAndHourly) {
    manual_clock clk(1'736'948'710'123);
    config_map c{{"partitioner.class", "io.confluent.connect.storage.partitioner.DailyPartitioner"},
                 {"locale", "en"},
                 {"timezone", "UTC"}};
    EXPECT_EQ(encode(c, with_value({}), clk), "year=2025/month=01/day=15");
    c["partitioner.class"] = "HourlyPartitioner";
    EXPECT_EQ(encode(c, with_value({}), clk), "year=2025/month=01/day=15/hour=13");
    clk.advance_ms(3'600'000);
    EXPECT_EQ(encode(c, with_value({}), clk), "year=2025/month=01/day=15/hour=14");
    auto p = make_partitioner(c, clk);
    // rotate.interval.ms measures the clock's time.
    ASSERT_NE((*p)->extractor(), nullptr);
    EXPECT_EQ(*(*p)->extractor()->extract(with_value({})), clk.now_ms());
}

TEST(S3Partitioner, NestedFieldPaths) {
    data_map inner{{"type", "click"}};
    data v = data::map({{"event", data::map(inner)}});
    ASSERT_NE(find_value_field(v, "event.type"), nullptr);
    EXPECT_EQ(find_value_field(v, "event.type")->as_string(), "click");
    EXPECT_EQ(find_value_field(v, "event.none"), nullptr);
    EXPECT_EQ(find_value_field(v, "event.type.deeper"), nullptr);
}

}  // namespace
}  // namespace cs::connect::s3
