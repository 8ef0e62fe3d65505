// The parser on damaged SQL (mutation_test_util.h): the seeds' statements,
// the enrichment query and statements using most of the grammar, mutated
// at random. Parsing never crashes (the ASan build runs this too); it
// yields statements or an error that says where (line:column), and a
// statement it accepts parses again from its own text to the same text.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "streams/mutation_test_util.h"
#include "streams/parser.h"

namespace cs::streams {
namespace {

const std::vector<std::string> sql_seeds = {
    "CREATE STREAM source_json (Event_Type VARCHAR, Event_Version VARCHAR, User_ID VARCHAR, "
    "Listing_ID VARCHAR, Server_Time VARCHAR, Device_Type VARCHAR) WITH (KAFKA_TOPIC='events', "
    "VALUE_FORMAT='JSON');",
    "CREATE STREAM target_json WITH (KAFKA_TOPIC='events_avro',REPLICAS=1,PARTITIONS=1,"
    "VALUE_FORMAT='JSON') AS SELECT *, SUBSTRING(Server_Time, 0, 10) as Server_Date FROM "
    "source_json;",
    "CREATE TABLE users (user_id VARCHAR PRIMARY KEY, user_name VARCHAR) WITH "
    "(KAFKA_TOPIC='users', VALUE_FORMAT='JSON');\n"
    "CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched-clickstream') AS SELECT c.`timestamp` AS "
    "`timestamp`, c.user_id AS `user_id`, u.user_name AS `user_name` FROM clickstream c LEFT "
    "JOIN users u ON c.user_id = u.user_id LEFT JOIN devices d ON c.device_id = d.device_id;",
    "SELECT url, COUNT(*) AS views, WINDOWSTART AS ws FROM clicks WINDOW TUMBLING (SIZE 1 "
    "MINUTE, GRACE PERIOD 10 SECONDS) WHERE url LIKE '%/p/%' AND n BETWEEN 1 AND 10 GROUP BY url "
    "HAVING COUNT(*) > 1 EMIT CHANGES LIMIT 5;",
    "SELECT CASE WHEN a IS NULL THEN 'x' ELSE CAST(b AS DECIMAL(10, 2)) END, "
    "TRANSFORM(tags, (t) => UCASE(t)), m['k'], s->f, ARRAY[1, 2][1], MAP('a' := 1), "
    "STRUCT(x := 1) FROM s PARTITION BY a EMIT CHANGES;",
    "INSERT INTO clicks (user_id, url) VALUES ('u1', '/it''s');\n"
    "DEFINE topic = 'clicks'; PRINT '${topic}' FROM BEGINNING LIMIT 2; DROP STREAM IF EXISTS s "
    "DELETE TOPIC; -- done\n/* a comment */ SHOW STREAMS; DESCRIBE EXTENDED clicks;",
};

TEST(ParserMutation, DamagedSqlParsesOrFailsSayingWhere) {
    auto rng = testing::mutation_rng();
    size_t parsed = 0;
    constexpr int rounds = 20000;
    for (int i = 0; i < rounds; ++i) {
        const std::string input =
            testing::mutate(sql_seeds[static_cast<size_t>(i) % sql_seeds.size()], rng);
        auto stmts = parse_script(input);
        if (!stmts) {
            EXPECT_NE(stmts.err().message.find("line "), std::string::npos)
                << "input #" << i << ": " << input << "\nerror: " << stmts.err().message;
            continue;
        }
        ++parsed;
        for (const auto& s : *stmts) {
            auto again = parse_statement(s.text);
            ASSERT_TRUE(again.ok()) << "input #" << i << ": " << input << "\nstatement: " << s.text
                                    << "\nerror: " << again.err().message;
            EXPECT_EQ(again->text, s.text) << input;
        }
    }
    EXPECT_GT(parsed, static_cast<size_t>(rounds) / 50);
}

}  // namespace
}  // namespace cs::streams
