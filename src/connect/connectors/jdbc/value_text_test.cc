#include "connect/connectors/jdbc/value_text.h"

#include <gtest/gtest.h>

#include "connect/connectors/jdbc/sql_builder.h"

namespace cs::connect::jdbc {
namespace {

TEST(ValueText, DecimalFromTwosComplement) {
    EXPECT_EQ(decimal_text(std::string("\x30\x39", 2), 2), "123.45");  // 12345
    EXPECT_EQ(decimal_text(std::string("\xcf\xc7", 2), 2), "-123.45");
    EXPECT_EQ(decimal_text(std::string("\x05", 1), 3), "0.005");
    EXPECT_EQ(decimal_text(std::string("\x00", 1), 0), "0");
    EXPECT_EQ(decimal_text(std::string("\x01", 1), -2), "100");
    // Round trip through decimal_bytes, including a 20-digit value.
    for (std::string v : {"123.45", "-0.01", "98765432109876543210.12", "-1.00"}) {
        auto b = decimal_bytes(v, 2);
        ASSERT_TRUE(b.ok());
        EXPECT_EQ(decimal_text(*b, 2), v);
    }
}

TEST(ValueText, TemporalForms) {
    EXPECT_EQ(date_text(0), "1970-01-01");
    EXPECT_EQ(date_text(20208), "2025-04-30");
    EXPECT_EQ(date_text(-1), "1969-12-31");
    EXPECT_EQ(time_text(45296789), "12:34:56.789");
    EXPECT_EQ(timestamp_text(1746014400000), "2025-04-30 12:00:00.000");
    EXPECT_EQ(timestamp_text(-1), "1969-12-31 23:59:59.999");
    EXPECT_EQ(*parse_timestamp("2025-04-30 12:00:00"), 1746014400000);
    EXPECT_EQ(*parse_timestamp("2025-04-30T12:00:00.5Z"), 1746014400500);
    EXPECT_EQ(*parse_timestamp("2025-04-30 14:00:00+02"), 1746014400000);
    EXPECT_EQ(*parse_date("2025-04-30"), 20208);
    EXPECT_EQ(*parse_time("12:34:56.789"), 45296789);
    EXPECT_FALSE(parse_timestamp("yesterday").ok());
}

TEST(ValueText, JsonOfNestedValues) {
    data v = data::map({{"a", data::list({int64_t{1}, 2.5, true, data()})},
                        {"s", "q\"x"},
                        {"b", bytes_data{"hi"}}});
    EXPECT_EQ(json_text(v), R"({"a":[1,2.5,true,null],"s":"q\"x","b":"aGk="})");
}

TEST(SqlBuilder, PostgresStatements) {
    sql_builder b(dialect_kind::postgres, true);
    std::vector<column_spec> cols{{"user_id", col_type::text, false, true},
                                  {"timestamp", col_type::text, false, true},
                                  {"url", col_type::text, true, false},
                                  {"n", col_type::int64, true, false}};
    table_id t{"", "clickstream_events"};
    EXPECT_EQ(b.create_table(t, cols),
              "CREATE TABLE IF NOT EXISTS \"clickstream_events\" (\"user_id\" TEXT NOT NULL, "
              "\"timestamp\" TEXT NOT NULL, \"url\" TEXT NULL, \"n\" BIGINT NULL, PRIMARY "
              "KEY(\"user_id\",\"timestamp\"))");
    EXPECT_EQ(b.insert(t, cols, 2, true),
              "INSERT INTO \"clickstream_events\" (\"user_id\",\"timestamp\",\"url\",\"n\") "
              "VALUES ($1,$2,$3,$4),($5,$6,$7,$8) ON CONFLICT (\"user_id\",\"timestamp\") DO "
              "UPDATE SET \"url\"=EXCLUDED.\"url\",\"n\"=EXCLUDED.\"n\"");
    std::vector<column_spec> keys_only{cols[0], cols[1]};
    EXPECT_EQ(b.insert(t, keys_only, 1, true),
              "INSERT INTO \"clickstream_events\" (\"user_id\",\"timestamp\") VALUES ($1,$2) ON "
              "CONFLICT (\"user_id\",\"timestamp\") DO NOTHING");
    EXPECT_EQ(b.update(t, cols),
              "UPDATE \"clickstream_events\" SET \"url\"=$3,\"n\"=$4 WHERE \"user_id\"=$1 AND "
              "\"timestamp\"=$2");
    EXPECT_EQ(b.remove(t, keys_only),
              "DELETE FROM \"clickstream_events\" WHERE \"user_id\"=$1 AND \"timestamp\"=$2");
    EXPECT_EQ(b.add_column({"s", "t"}, {"x", col_type::json, true, false}),
              "ALTER TABLE \"s\".\"t\" ADD COLUMN \"x\" JSONB NULL");
    EXPECT_EQ(b.ident("we\"ird"), "\"we\"\"ird\"");
    sql_builder never(dialect_kind::sqlite, false);
    EXPECT_EQ(never.insert(t, keys_only, 1, false),
              "INSERT INTO clickstream_events (user_id,timestamp) VALUES (?1,?2)");
    EXPECT_EQ(never.type_of(col_type::timestamp), "NUMERIC");
    EXPECT_EQ(b.type_of(col_type::timestamp), "TIMESTAMP");
    EXPECT_EQ(b.type_of(col_type::decimal), "DECIMAL");
    EXPECT_EQ(b.type_of(col_type::float64), "DOUBLE PRECISION");
}

}  // namespace
}  // namespace cs::connect::jdbc
