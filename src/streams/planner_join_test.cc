// Planning of stream-stream and table-table joins (planner_join.h).

#include <gtest/gtest.h>

#include "streams/expr_nodes.h"
#include "streams/planner_test_fixture.h"

namespace cs::streams {
namespace {

class planner_join_test : public planner_fixture {
  protected:
    planner_join_test() {
        define(
            "CREATE STREAM l (id BIGINT KEY, name STRING, v BIGINT) WITH (KAFKA_TOPIC='l', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE STREAM r (id BIGINT KEY, f1 STRING) WITH (KAFKA_TOPIC='r', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE STREAM s (k STRING KEY, f1 STRING) WITH (KAFKA_TOPIC='s', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE tl (id BIGINT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='tl', "
            "VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE tr (id BIGINT PRIMARY KEY, f1 STRING) WITH (KAFKA_TOPIC='tr', "
            "VALUE_FORMAT='JSON');");
    }
};

TEST_F(planner_join_test, stream_stream_window_and_key) {
    auto p = plan(
        "CREATE STREAM o AS SELECT t.id, name, f1 FROM l t LEFT JOIN r tt WITHIN (11 "
        "SECONDS, 10 SECONDS) GRACE PERIOD 2 SECONDS ON t.id = tt.id;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    ASSERT_TRUE(p->two_source.has_value());
    const source_join& sj = *p->two_source;
    EXPECT_TRUE(sj.windowed);
    EXPECT_EQ(sj.window.kind, two_way_join::left);
    EXPECT_EQ(sj.window.before_ms, 11000);
    EXPECT_EQ(sj.window.after_ms, 10000);
    EXPECT_EQ(sj.window.grace_ms, 2000);
    EXPECT_TRUE(sj.window.spurious_fix);
    EXPECT_EQ(sj.key_column, 5u);  // l: 3 columns, r: 2, then the join key
    EXPECT_EQ(p->joined_width, 6u);
    EXPECT_EQ(schema(*p), "T_ID BIGINT KEY, NAME STRING, F1 STRING");
}

TEST_F(planner_join_test, default_grace_is_ksqldb_deprecated_one) {
    auto p = plan("CREATE STREAM o AS SELECT * FROM l JOIN r WITHIN 1 HOUR ON l.id = r.id;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(p->two_source->window.grace_ms, 86'400'000 - 2 * 3'600'000);
    EXPECT_FALSE(p->two_source->window.spurious_fix);
    EXPECT_EQ(schema(*p), "L_ID BIGINT KEY, L_NAME STRING, L_V BIGINT, R_ID BIGINT, R_F1 STRING");
}

TEST_F(planner_join_test, full_join_keys_by_rowkey) {
    auto p = plan(
        "CREATE STREAM o AS SELECT * FROM l FULL OUTER JOIN r WITHIN 1 SECOND ON "
        "l.id = r.id;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p),
              "ROWKEY BIGINT KEY, L_ID BIGINT, L_NAME STRING, L_V BIGINT, R_ID BIGINT, R_F1 "
              "STRING");
    p = plan(
        "CREATE STREAM o2 AS SELECT ROWKEY AS ID, l.id, r.id FROM l FULL JOIN r WITHIN 1 "
        "SECOND ON l.id = r.id;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "ID BIGINT KEY, L_ID BIGINT, R_ID BIGINT");
    EXPECT_NE(plan_error("CREATE STREAM o3 AS SELECT l.id, name FROM l FULL JOIN r WITHIN 1 "
                         "SECOND ON l.id = r.id;")
                  .find("must include the join expression ROWKEY"),
              std::string::npos);
}

TEST_F(planner_join_test, right_key_column_keys_the_output) {
    auto p = plan(
        "CREATE STREAM o AS SELECT l.name, r.* FROM l JOIN r WITHIN 1 SECOND ON l.id "
        "= r.id;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(schema(*p), "R_ID BIGINT KEY, NAME STRING, R_F1 STRING");
    const auto* key = dynamic_cast<const nodes::column_ref*>(p->projections[0].expr.get());
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->index(), p->two_source->key_column);
}

TEST_F(planner_join_test, errors) {
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT l.name, r.f1 FROM l JOIN r WITHIN 1 SECOND "
                         "ON l.id = r.id;")
                  .find("must include the join expressions L.ID or R.ID in its projection"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT l.id, r.f1 FROM l JOIN r WITHIN 1 SECOND "
                         "ON l.v = r.id;")
                  .find("must include the join expressions L.V or R.ID in its projection"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM l JOIN r WITHIN 1 SECOND ON l.id = 0;")
                  .find("Invalid comparison expression '0' in join '(L.ID = 0)'. Each side of "
                        "the join comparision must contain references from exactly one source."),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT l.v, r.id FROM l JOIN r WITHIN 1 SECOND "
                         "ON ABS(l.v) = ABS(r.id);")
                  .find("must include the join expression ROWKEY in its projection"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT l.id, s.f1 FROM l JOIN s WITHIN 1 SECOND "
                         "ON l.id = s.k;")
                  .find("join key types differ"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE TABLE o AS SELECT tl.id, f1 FROM tl JOIN tr WITHIN 1 SECOND "
                         "ON tl.id = tr.id;")
                  .find("A window definition was provided for a Table-Table join."),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE TABLE o AS SELECT tl.id, f1 FROM tl JOIN tr ON tl.name = "
                         "tr.f1;")
                  .find("foreign-key join"),
              std::string::npos);
    define(
        "CREATE TABLE tj (id BIGINT PRIMARY KEY, f2 STRING) WITH (KAFKA_TOPIC='tj', "
        "KEY_FORMAT='JSON', VALUE_FORMAT='JSON');");
    EXPECT_NE(plan_error("CREATE TABLE o AS SELECT tl.id, f2 FROM tl JOIN tj ON tl.id = tj.id;")
                  .find("different KEY_FORMATs"),
              std::string::npos);
}

// ksqlDB repartitions a stream joined on anything but its key column
// (joins.json "stream stream left join - rekey", "contains function").
TEST_F(planner_join_test, non_key_join_repartitions) {
    auto p = plan(
        "CREATE STREAM o AS SELECT tt.f1, t.v, name FROM l t LEFT JOIN r tt WITHIN 1 SECOND "
        "ON tt.f1 = t.name;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    const source_join& sj = *p->two_source;
    EXPECT_TRUE(sj.repartition_left);
    EXPECT_TRUE(sj.repartition_right);
    EXPECT_FALSE(sj.synthetic_key);
    EXPECT_EQ(sj.left_expr->to_sql(), "T.NAME");  // ON's sides in (left, right) order
    // The left side's join column keys the output, though selected last.
    EXPECT_EQ(schema(*p), "NAME STRING KEY, F1 STRING, V BIGINT");

    p = plan(
        "CREATE STREAM o AS SELECT t.id, tt.f1 FROM l t JOIN r tt WITHIN 1 SECOND "
        "ON t.id = tt.id + 1;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_FALSE(p->two_source->repartition_left);
    EXPECT_TRUE(p->two_source->repartition_right);
    EXPECT_EQ(schema(*p), "T_ID BIGINT KEY, F1 STRING");

    p = plan(
        "CREATE STREAM o AS SELECT ROWKEY AS k, t.v, tt.f1 FROM l t JOIN r tt WITHIN 1 SECOND "
        "ON ABS(t.v) = ABS(tt.id);");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_TRUE(p->two_source->synthetic_key);
    EXPECT_EQ(schema(*p), "K BIGINT KEY, V BIGINT, F1 STRING");
}

TEST_F(planner_join_test, table_table) {
    auto p = plan(
        "CREATE TABLE o AS SELECT tl.id, name, f1 FROM tl LEFT JOIN tr ON tl.id = "
        "tr.id WHERE f1 IS NOT NULL;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_FALSE(p->two_source->windowed);
    EXPECT_EQ(p->two_source->window.kind, two_way_join::left);
    EXPECT_EQ(schema(*p), "TL_ID BIGINT KEY, NAME STRING, F1 STRING");
}

}  // namespace
}  // namespace cs::streams
