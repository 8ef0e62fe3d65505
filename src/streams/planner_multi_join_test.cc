// What may follow a stream-stream join: TABLE look-ups (ksqlDB's multi-way
// joins, multi-joins.json), GROUP BY and PARTITION BY; and what is still
// refused.

#include <gtest/gtest.h>

#include "streams/expr_nodes.h"
#include "streams/planner_test_fixture.h"

namespace cs::streams {
namespace {

class planner_multi_join_test : public planner_fixture {
  protected:
    planner_multi_join_test() {
        define(
            "CREATE STREAM s1 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s1', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE STREAM s2 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s2', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE STREAM s3 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='s3', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT, region STRING) WITH "
            "(KAFKA_TOPIC='t3', VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE t4 (name STRING PRIMARY KEY, w BIGINT) WITH (KAFKA_TOPIC='t4', "
            "VALUE_FORMAT='JSON');");
    }

    static const nodes::column_ref* key_ref(const query_plan& p) {
        return dynamic_cast<const nodes::column_ref*>(p.projections[0].expr.get());
    }
};

// multi-joins.json "stream-stream-table - inner-inner": the key column is
// any projected column equivalent to the join key; its value the join key.
TEST_F(planner_multi_join_test, table_after_stream_stream_join) {
    auto p = plan(
        "CREATE STREAM o AS SELECT S2.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds "
        "ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "S2_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT");
    ASSERT_EQ(p->joins.size(), 1u);
    EXPECT_EQ(p->joins[0].kind, join_kind::inner);
    // s1: 3 columns, s2: 3, the join key, then t3's 3.
    EXPECT_EQ(p->joins[0].first_column, 7u);
    EXPECT_EQ(p->joined_width, 10u);
    ASSERT_NE(key_ref(*p), nullptr);
    EXPECT_EQ(key_ref(*p)->index(), p->two_source->key_column);
    EXPECT_EQ(source_names(*p), (std::vector<std::string>{"S1", "S2", "T3"}));
}

TEST_F(planner_multi_join_test, table_key_column_can_be_the_key) {
    // "rekey left and right": T3.ID is equivalent to S1.K = S2.K.
    auto p = plan(
        "CREATE STREAM o AS SELECT T3.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 "
        "seconds ON S1.K = S2.K JOIN T3 ON S1.K = T3.ID;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "T3_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT");
    ASSERT_NE(key_ref(*p), nullptr);
    EXPECT_EQ(key_ref(*p)->index(), p->two_source->key_column);
    // "cascading join criteria": ON S2.K = T3.ID is equivalent too.
    p = plan(
        "CREATE STREAM o AS SELECT s1.k, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds "
        "ON S1.K = S2.K JOIN T3 ON S2.K = T3.ID;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "S1_K INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT");
}

// "full-inner - select *": a FULL join's ROWKEY is equivalent to nothing,
// so the table join re-keys by S1.ID and SELECT * has no ROWKEY.
TEST_F(planner_multi_join_test, full_join_then_table_keys_by_the_lookup) {
    auto p = plan(
        "CREATE STREAM o AS SELECT * FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID "
        "JOIN T3 ON S1.ID = T3.ID;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p),
              "S1_ID INTEGER KEY, S1_K INTEGER, S1_V0 BIGINT, S2_ID INTEGER, S2_K INTEGER, S2_V0 "
              "BIGINT, T3_ID INTEGER, T3_V0 BIGINT, T3_REGION STRING");
    ASSERT_NE(key_ref(*p), nullptr);
    EXPECT_EQ(key_ref(*p)->index(), 0u);  // S1.ID, not the join key column
}

// A table joined on something else than the join key keys the output by
// its look-up, as ksqlDB's repartition before that join would.
TEST_F(planner_multi_join_test, table_on_another_column_rekeys) {
    define(
        "CREATE TABLE t5 (k INT PRIMARY KEY, w BIGINT) WITH (KAFKA_TOPIC='t5', "
        "VALUE_FORMAT='JSON');");
    auto p = plan(
        "CREATE STREAM o AS SELECT s1.k, s1.v0, t5.w FROM S1 JOIN S2 WITHIN 10 seconds ON "
        "S1.ID = S2.ID LEFT JOIN T5 ON S1.K = T5.K;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "S1_K INTEGER KEY, S1_V0 BIGINT, W BIGINT");
    EXPECT_EQ(p->joins[0].kind, join_kind::left);
    // Its value is the look-up (S1.K), not the stream-stream join key.
    ASSERT_NE(key_ref(*p), nullptr);
    EXPECT_EQ(key_ref(*p)->index(), 1u);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT s1.id, s1.v0, t5.w FROM S1 JOIN S2 WITHIN "
                         "10 seconds ON S1.ID = S2.ID LEFT JOIN T5 ON S1.K = T5.K;")
                  .find("must include the join expressions S1.K or T5.K in its projection"),
              std::string::npos);
}

TEST_F(planner_multi_join_test, several_tables) {
    auto p = plan(
        "CREATE STREAM o AS SELECT s1.id, s1.v0, t3.region, t4.w FROM S1 LEFT JOIN S2 WITHIN 1 "
        "MINUTE ON S1.ID = S2.ID LEFT JOIN T3 ON S1.ID = T3.ID JOIN T4 ON T3.REGION = "
        "T4.NAME;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    // The last join re-keys by T3.REGION (T4.NAME's equivalent).
    EXPECT_EQ(schema(*p), "REGION STRING KEY, S1_ID INTEGER, S1_V0 BIGINT, W BIGINT");
}

TEST_F(planner_multi_join_test, errors) {
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT s1.v0, t3.v0 FROM S1 JOIN S2 WITHIN 10 "
                         "seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;")
                  .find("must include the join expressions S1.ID, S2.ID or T3.ID in its "
                        "projection"),
              std::string::npos);
    // A third stream is not supported yet.
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT s1.id, s3.v0 FROM S1 JOIN S2 WITHIN 10 "
                         "seconds ON S1.ID = S2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;")
                  .find("a third STREAM (a second stream-stream join) is not supported yet"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT s1.id, t3.v0 FROM S1 JOIN S2 WITHIN 10 "
                         "seconds ON S1.ID = S2.ID RIGHT JOIN T3 ON S1.ID = T3.ID;")
                  .find("RIGHT and FULL OUTER joins are not supported"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT s1.id, t3.v0 FROM S1 JOIN S2 WITHIN 10 "
                         "seconds ON S1.ID = S2.ID JOIN T3 WITHIN 1 SECOND ON S1.ID = T3.ID;")
                  .find("WITHIN is for stream-stream joins"),
              std::string::npos);
    define(
        "CREATE TABLE tl (id INT PRIMARY KEY, v BIGINT) WITH (KAFKA_TOPIC='tl', "
        "VALUE_FORMAT='JSON');");
    EXPECT_NE(plan_error("CREATE TABLE o AS SELECT tl.id, t3.v0 FROM tl JOIN t3 ON tl.id = "
                         "t3.id JOIN t3 x ON tl.id = x.id;")
                  .find("a join after a table-table join is not supported yet"),
              std::string::npos);
}

// partition-by.json "partition by ... in join on ...": the PARTITION BY
// expressions key the output; the join key need not be selected.
TEST_F(planner_multi_join_test, partition_by) {
    auto p = plan(
        "CREATE STREAM o AS SELECT S1.V0 AS A, S1.ID, S2.ID FROM S1 JOIN S2 WITHIN 10 SECONDS "
        "ON S1.ID = S2.ID PARTITION BY S1.V0;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "A BIGINT KEY, S1_ID INTEGER, S2_ID INTEGER");
    p = plan(
        "CREATE STREAM o AS SELECT S1.K, S2.V0 FROM S1 JOIN S2 WITHIN 10 SECONDS ON S1.ID = "
        "S2.ID PARTITION BY S1.K;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "S1_K INTEGER KEY, S2_V0 BIGINT");
    // SELECT *: each source's value columns, then its key (ksqlDB's order
    // without its pseudo-columns).
    p = plan(
        "CREATE STREAM o AS SELECT * FROM S1 JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID "
        "PARTITION BY S1.K;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p),
              "S1_K INTEGER KEY, S1_V0 BIGINT, S1_ID INTEGER, S3_V0 BIGINT, S3_ID "
              "INTEGER");
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT S1.ID, S2.V0 FROM S1 JOIN S2 WITHIN 10 "
                         "SECONDS ON S1.ID = S2.ID PARTITION BY S1.K;")
                  .find("include it in the SELECT list"),
              std::string::npos);
}

TEST_F(planner_multi_join_test, group_by) {
    // By the join key: the joined rows are in its partition already.
    auto p = plan(
        "CREATE TABLE o AS SELECT S1.ID, SUM(S1.V0) AS A, SUM(S2.V0) AS B FROM S1 JOIN S2 "
        "WITHIN 1 MINUTE ON S1.ID = S2.ID GROUP BY S1.ID;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "S1_ID INTEGER KEY, A BIGINT, B BIGINT");
    EXPECT_FALSE(p->aggregate->repartition);
    p = plan(
        "CREATE TABLE o AS SELECT S2.ID, COUNT(*) AS N FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.K = "
        "S2.ID GROUP BY S2.ID;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_FALSE(p->aggregate->repartition);
    // By anything else (a joined table's column too): through the
    // repartition topic; windowed.
    p = plan(
        "CREATE TABLE o AS SELECT T3.REGION, COUNT(*) AS N FROM S1 JOIN S2 WITHIN 1 MINUTE ON "
        "S1.ID = S2.ID LEFT JOIN T3 ON S1.ID = T3.ID WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY "
        "T3.REGION;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "REGION STRING KEY, N BIGINT");
    EXPECT_TRUE(p->aggregate->repartition);
    EXPECT_TRUE(p->aggregate->window.has_value());
    EXPECT_EQ(p->sink.window_type, "TUMBLING");
    p = plan(
        "CREATE TABLE o AS SELECT S1.K, COUNT(*) AS N FROM S1 FULL JOIN S2 WITHIN 1 MINUTE ON "
        "S1.ID = S2.ID GROUP BY S1.K;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_TRUE(p->aggregate->repartition);
    EXPECT_NE(plan_error("CREATE TABLE o AS SELECT S1.K, COUNT(*) AS N FROM S1 JOIN S2 WITHIN 1 "
                         "MINUTE ON S1.ID = S2.ID GROUP BY S1.K PARTITION BY S1.K;")
                  .find("PARTITION BY can't be combined with GROUP BY"),
              std::string::npos);
}

}  // namespace
}  // namespace cs::streams
