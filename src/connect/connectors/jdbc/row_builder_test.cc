#include "connect/connectors/jdbc/row_builder.h"

#include <gtest/gtest.h>

#include "connect/connectors/jdbc/test_records.h"

namespace cs::connect::jdbc {
namespace {

using test::make_schema;
using test::struct_schema;

// Date, Time and Timestamp values of one record as bound with `db.timezone`.
std::vector<std::string> temporal_params(const std::string& zone) {
    std::vector<config_problem> problems;
    auto c = parse_sink_config({{"connection.url", "jdbc:sqlite::memory:"}, {"db.timezone", zone}},
                               &problems);
    EXPECT_TRUE(c.ok() && problems.empty()) << zone;
    if (!c.ok()) {
        return {};
    }
    record r;
    r.topic = "t";
    r.value_schema =
        struct_schema("v", {{"d", make_schema(schema_type::int32, false, date_logical)},
                            {"t", make_schema(schema_type::int32, false, time_logical)},
                            {"ts", make_schema(schema_type::int64, false, timestamp_logical)}});
    // 2025-01-15, 13:45:10.123, 2025-07-15T13:45:10.123Z
    r.value = data::struct_(
        {r.value_schema, {int64_t{20103}, int64_t{49'510'123}, int64_t{1'752'587'110'123}}});
    auto row = build_row(*c, r);
    EXPECT_TRUE(row.ok());
    std::vector<std::string> out;
    for (const auto& v : row.ok() ? row->values : std::vector<sql_param>{}) {
        out.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "?");
    }
    return out;
}

TEST(JdbcRowBuilder, TemporalValuesInDbTimezone) {
    EXPECT_EQ(temporal_params("UTC"),
              (std::vector<std::string>{"2025-01-15", "13:45:10.123", "2025-07-15 13:45:10.123"}));
    // Summer time in Berlin (+02:00); a Time is 1970-01-01 (+01:00 then).
    EXPECT_EQ(temporal_params("Europe/Berlin"),
              (std::vector<std::string>{"2025-01-15", "14:45:10.123", "2025-07-15 15:45:10.123"}));
    // A Date is its UTC midnight: the previous evening in New York, as the
    // JDBC driver's setDate with a Calendar in that zone writes it.
    EXPECT_EQ(temporal_params("America/New_York"),
              (std::vector<std::string>{"2025-01-14", "08:45:10.123", "2025-07-15 09:45:10.123"}));
    EXPECT_EQ(temporal_params("+05:30"),
              (std::vector<std::string>{"2025-01-15", "19:15:10.123", "2025-07-15 19:15:10.123"}));
}

TEST(JdbcRowBuilder, UnknownDbTimezoneIsAConfigProblem) {
    std::vector<config_problem> problems;
    (void)parse_sink_config(
        {{"connection.url", "jdbc:sqlite::memory:"}, {"db.timezone", "Mars/Base"}}, &problems);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].key, "db.timezone");
}

}  // namespace
}  // namespace cs::connect::jdbc
