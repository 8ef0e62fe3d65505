// The planner and the expression evaluator on damaged statements
// (mutation_test_util.h): CREATE ... AS SELECT statements over a catalog
// of the seeds' sources, mutated at random. Planning never crashes (the
// ASan build runs this too) and fails with a message; a query it plans
// (other than an aggregation) evaluates its filter and projections over a
// row of NULLs without crashing (a failing expression is an error, which
// the runtime sends to the dead-letter topic).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "streams/enrichment_test_sql.h"
#include "streams/mutation_test_util.h"
#include "streams/planner_test_fixture.h"

namespace cs::streams {
namespace {

class PlannerMutation : public planner_fixture {
  protected:
    PlannerMutation() {
        define(
            "CREATE STREAM clickstream (`timestamp` STRING, `user_id` STRING, `device_id` "
            "STRING, `url` STRING, n INT, price DECIMAL(10, 2), tags ARRAY<STRING>, attrs "
            "MAP<STRING, INT>, device STRUCT<type STRING, ids ARRAY<BIGINT>>, ts TIMESTAMP) "
            "WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON', PARTITIONS=6);");
        define(
            "CREATE STREAM impressions (`user_id` STRING KEY, ad STRING) WITH "
            "(KAFKA_TOPIC='impressions', VALUE_FORMAT='JSON', PARTITIONS=6);");
        define(
            "CREATE TABLE users (`user_id` STRING PRIMARY KEY, `user_name` STRING, age INT) "
            "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=6);");
        define(
            "CREATE TABLE devices (`device_id` STRING PRIMARY KEY, `device_type` STRING) "
            "WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE urls (`url` STRING PRIMARY KEY, `url_category` STRING) "
            "WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON');");
    }
};

const std::vector<std::string> seeds = {
    testing::enrichment_csas + ";",
    "CREATE TABLE views AS SELECT `url`, COUNT(*) AS c, SUM(n) AS s, AVG(price) AS a, "
    "COLLECT_LIST(`user_id`) AS who FROM clickstream WINDOW TUMBLING (SIZE 1 MINUTE) WHERE n > 0 "
    "GROUP BY `url` HAVING COUNT(*) > 1;",
    "CREATE STREAM odd AS SELECT `user_id`, CASE WHEN n IS NULL THEN 'none' WHEN n BETWEEN 1 AND "
    "5 THEN 'few' ELSE CAST(n AS STRING) END AS bucket, SUBSTRING(`url`, 0, 10) AS u, "
    "TRANSFORM(tags, (t) => UCASE(t)) AS up, attrs['k'] + 1 AS k, device->type AS dt, "
    "device->ids[1] AS first_id, price * 2 / n AS p, FORMAT_TIMESTAMP(ts, 'yyyy-MM-dd') AS day, "
    "REGEXP_EXTRACT('/p/(\\\\d+)', `url`, 1) AS pid, URL_EXTRACT_HOST(`url`) AS host FROM "
    "clickstream WHERE `url` LIKE '%/p/%' AND NOT (n IN (1, 2, 3)) PARTITION BY `user_id`;",
    "CREATE STREAM both AS SELECT c.`user_id`, c.`url`, i.ad FROM clickstream c JOIN "
    "impressions i WITHIN 1 HOUR ON c.`user_id` = i.`user_id`;",
    "CREATE TABLE grown AS SELECT `user_id`, `user_name`, age + 1 AS next FROM users WHERE age "
    "> 18;",
};

TEST_F(PlannerMutation, DamagedStatementsPlanOrFailAndPlannedOnesEvaluate) {
    auto rng = testing::mutation_rng();
    size_t planned = 0;
    constexpr int rounds = 20000;
    for (int i = 0; i < rounds; ++i) {
        const std::string input =
            testing::mutate(seeds[static_cast<size_t>(i) % seeds.size()], rng);
        auto parsed = parse_statement(input);
        if (!parsed || !(std::holds_alternative<ast::create_as_select_stmt>(parsed->body) ||
                         std::holds_alternative<ast::insert_select_stmt>(parsed->body))) {
            continue;  // the parser's own test covers what does not parse
        }
        auto p = plan(input);
        if (!p) {
            EXPECT_FALSE(p.err().message.empty()) << input;
            continue;
        }
        ++planned;
        if (p->aggregate) {
            continue;  // its projections read the aggregation's state
        }
        const row nulls(p->joined_width);
        eval_context ctx;
        ctx.joined = &nulls;
        if (p->where) {
            (void)p->where->eval(ctx);
        }
        for (const auto& pr : p->projections) {
            (void)pr.expr->eval(ctx);
        }
    }
    EXPECT_GT(planned, static_cast<size_t>(rounds) / 50);
}

}  // namespace
}  // namespace cs::streams
