#include "streams/planner.h"

#include <map>

#include <gtest/gtest.h>

#include "streams/enrichment_test_sql.h"
#include "streams/parser.h"
#include "streams/planner_test_fixture.h"
#include "streams/serde.h"

namespace cs::streams {
namespace {

class planner_test : public planner_fixture {
  protected:
    planner_test() {
        define(
            "CREATE STREAM source_json (Event_Type VARCHAR, Event_Version VARCHAR, User_ID "
            "VARCHAR, Listing_ID VARCHAR, Server_Time VARCHAR, Device_Type VARCHAR) WITH "
            "(KAFKA_TOPIC='events', VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE users (`user_id` STRING PRIMARY KEY, `user_name` STRING) "
            "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=4);");
        define(
            "CREATE TABLE devices (`device_id` STRING PRIMARY KEY, `device_type` STRING) "
            "WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON');");
        define(
            "CREATE TABLE urls (`url` STRING PRIMARY KEY, `url_category` STRING) "
            "WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON');");
        define(
            "CREATE STREAM clickstream (`timestamp` STRING, `user_id` STRING, `device_id` "
            "STRING, `url` STRING) WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON', "
            "PARTITIONS=6, REPLICAS=1);");
        define(
            "CREATE STREAM keyed (id BIGINT KEY, v INT, name STRING) WITH "
            "(KAFKA_TOPIC='keyed', VALUE_FORMAT='JSON');");
    }

    static std::vector<std::string> names(const std::vector<column_def>& cols) {
        std::vector<std::string> out;
        for (const auto& c : cols) {
            out.push_back(c.name);
        }
        return out;
    }
};

TEST_F(planner_test, seed_csas_with_json) {
    auto p = plan(
        "CREATE STREAM target_json WITH (KAFKA_TOPIC='events_avro',REPLICAS=1,PARTITIONS=1,"
        "VALUE_FORMAT='JSON') AS SELECT *, SUBSTRING(Server_Time, 0, 10) as Server_Date FROM "
        "source_json;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(names(p->sink.columns),
              (std::vector<std::string>{"EVENT_TYPE", "EVENT_VERSION", "USER_ID", "LISTING_ID",
                                        "SERVER_TIME", "DEVICE_TYPE", "SERVER_DATE"}));
    EXPECT_EQ(p->sink.name, "TARGET_JSON");
    EXPECT_EQ(p->sink.topic, "events_avro");
    EXPECT_EQ(p->sink.partitions, 1);
    EXPECT_EQ(p->sink.replicas, 1);
    EXPECT_EQ(p->dlq_topic, "events_avro-dlq");
    EXPECT_EQ(p->source.name, "SOURCE_JSON");
    EXPECT_EQ(p->joined_width, 6u);
    EXPECT_EQ(p->projections.size(), 7u);
    EXPECT_FALSE(p->partition_by);
    for (const auto& pr : p->projections) {
        EXPECT_FALSE(pr.is_key);
    }
    row r = {value("click"), value("1"), value("u"), value("l"), value("2019-04-01 12:00:00"),
             value("ios")};
    eval_context ctx;
    ctx.joined = &r;
    EXPECT_EQ(*p->projections[6].expr->eval(ctx), value("2019-04-01"));
    EXPECT_EQ(*p->projections[4].expr->eval(ctx), value("2019-04-01 12:00:00"));
}

TEST_F(planner_test, seed_csas_with_avro_is_not_supported_yet) {
    auto p = plan(
        "CREATE STREAM target_json WITH (KAFKA_TOPIC='events_avro',REPLICAS=1,PARTITIONS=1,"
        "VALUE_FORMAT='AVRO') AS SELECT *, SUBSTRING(Server_Time, 0, 10) as Server_Date FROM "
        "source_json;");
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.err().code, errc::unsupported);
    EXPECT_NE(p.err().message.find("VALUE_FORMAT='AVRO' is not supported yet"), std::string::npos)
        << p.err().message;
}

TEST_F(planner_test, enrichment_three_left_joins) {
    auto p = plan(testing::enrichment_csas + "\n  EMIT CHANGES;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(names(p->sink.columns),
              (std::vector<std::string>{"timestamp", "user_id", "device_id", "url", "user_name",
                                        "device_type", "url_category"}));
    EXPECT_EQ(p->sink.topic, "enriched-clickstream");
    EXPECT_EQ(p->sink.partitions, 6);  // from the stream read
    EXPECT_EQ(p->sink.value_format.format, data_format::json);
    EXPECT_EQ(p->dlq_topic, "enriched-clickstream-dlq");
    ASSERT_EQ(p->joins.size(), 3u);
    ASSERT_EQ(p->tables.size(), 3u);
    EXPECT_EQ(p->joins[0].table, "USERS");
    EXPECT_EQ(p->joins[0].first_column, 4u);
    EXPECT_EQ(p->joins[1].first_column, 6u);
    EXPECT_EQ(p->joins[2].first_column, 8u);
    EXPECT_EQ(p->joins[2].kind, join_kind::left);
    EXPECT_EQ(p->joined_width, 10u);

    // A joined row: stream, users, devices (miss: NULLs), urls.
    row r = {value("2025-04-30T12:00:00Z"),
             value("user_123"),
             value("device_456"),
             value("/products/abc"),
             value("user_123"),
             value("Alice"),
             value(),
             value(),
             value("/products/abc"),
             value("product-page")};
    eval_context ctx;
    ctx.joined = &r;
    EXPECT_EQ(*p->joins[1].stream_key->eval(ctx), value("device_456"));
    EXPECT_EQ(*p->joins[2].stream_key->eval(ctx), value("/products/abc"));
    EXPECT_EQ(*p->projections[4].expr->eval(ctx), value("Alice"));
    EXPECT_EQ(*p->projections[5].expr->eval(ctx), value());
    EXPECT_EQ(*p->projections[6].expr->eval(ctx), value("product-page"));
}

// The columns a query reads: what a join copies from its table.
TEST_F(planner_test, reads_marks_the_columns_expressions_use) {
    auto p = plan(testing::enrichment_csas + "\n  EMIT CHANGES;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    // Stream (4 columns, all projected), then each table: key, name. The
    // tables' keys are only compared in ON, not read.
    EXPECT_EQ(p->reads,
              (std::vector<bool>{true, true, true, true, false, true, false, true, false, true}));
    auto w = plan(
        "CREATE STREAM o AS SELECT u.`user_id`, c.`url` FROM clickstream c LEFT JOIN users u ON "
        "c.`user_id` = u.`user_id` WHERE u.`user_name` IS NOT NULL PARTITION BY u.`user_id`;");
    ASSERT_TRUE(w.ok()) << w.err().message;
    // ON's stream side and WHERE read too.
    EXPECT_EQ(w->reads, (std::vector<bool>{false, true, false, true, true, true}));
    auto star = plan(
        "CREATE STREAM o AS SELECT u.*, c.`url` FROM clickstream c LEFT JOIN users u "
        "ON c.`user_id` = u.`user_id`;");
    ASSERT_TRUE(star.ok()) << star.err().message;
    EXPECT_EQ(star->reads, (std::vector<bool>{false, true, false, true, true, true}));
}

TEST_F(planner_test, select_star_over_a_join_prefixes_names) {
    auto p = plan(
        "CREATE STREAM j AS SELECT * FROM clickstream c JOIN users u ON "
        "c.`user_id` = u.`user_id`;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(names(p->sink.columns),
              (std::vector<std::string>{"C_timestamp", "C_user_id", "C_device_id", "C_url",
                                        "U_user_id", "U_user_name"}));
    EXPECT_EQ(p->joins[0].kind, join_kind::inner);
    EXPECT_EQ(p->sink.topic, "J");
    auto q = plan(
        "CREATE STREAM j AS SELECT u.*, c.`url` FROM clickstream c LEFT JOIN users u "
        "ON c.`user_id` = u.`user_id`;");
    ASSERT_TRUE(q.ok()) << q.err().message;
    EXPECT_EQ(names(q->sink.columns),
              (std::vector<std::string>{"U_user_id", "U_user_name", "url"}));
    // A qualified column whose name both sides have gets the source prefix.
    auto r = plan(
        "CREATE STREAM j AS SELECT c.`user_id`, u.`user_id`, `user_name` FROM "
        "clickstream c LEFT JOIN users u ON c.`user_id` = u.`user_id`;");
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(names(r->sink.columns),
              (std::vector<std::string>{"C_user_id", "U_user_id", "user_name"}));
}

TEST_F(planner_test, default_names_and_conflicts) {
    auto p = plan(
        "CREATE STREAM o AS SELECT v + 1, name, UCASE(name), v * 2 AS KSQL_COL_1, "
        "ROWTIME AS ts FROM keyed;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(names(p->sink.columns),
              (std::vector<std::string>{"KSQL_COL_0", "NAME", "KSQL_COL_2", "KSQL_COL_1", "TS"}));
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT v, name AS v FROM keyed;")
                  .find("duplicate output column V"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT ROWTIME FROM keyed;")
                  .find("ROWTIME is a reserved pseudo-column name"),
              std::string::npos);
}

TEST_F(planner_test, keys_and_partition_by) {
    auto p = plan("CREATE STREAM o AS SELECT * FROM keyed WHERE v > 1;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    ASSERT_EQ(p->sink.columns.size(), 3u);
    EXPECT_EQ(p->sink.columns[0].origin, column_origin::key);
    EXPECT_TRUE(p->projections[0].is_key);
    ASSERT_TRUE(p->where);

    auto q = plan("CREATE STREAM o AS SELECT id, v, name FROM keyed PARTITION BY name;");
    ASSERT_TRUE(q.ok()) << q.err().message;
    EXPECT_EQ(names(q->sink.columns), (std::vector<std::string>{"NAME", "ID", "V"}));
    EXPECT_EQ(q->sink.columns[0].origin, column_origin::key);
    EXPECT_EQ(q->sink.columns[1].origin, column_origin::value);
    EXPECT_TRUE(q->projections[0].is_key);
    EXPECT_EQ(q->projections[0].name, "NAME");
    ASSERT_TRUE(q->partition_by);

    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT v FROM keyed PARTITION BY name;")
                  .find("include it in the SELECT list"),
              std::string::npos);

    // SELECT * with PARTITION BY: the old key column follows the value
    // columns (ksqlDB); without PARTITION BY the key stays first, as the key.
    auto s = plan("CREATE STREAM o AS SELECT * FROM keyed PARTITION BY name;");
    ASSERT_TRUE(s.ok()) << s.err().message;
    EXPECT_EQ(names(s->sink.columns), (std::vector<std::string>{"NAME", "V", "ID"}));
    EXPECT_EQ(s->sink.columns[2].origin, column_origin::value);
    auto w = plan("CREATE STREAM o AS SELECT *, v + 1 AS w FROM keyed PARTITION BY v + 1;");
    ASSERT_TRUE(w.ok()) << w.err().message;
    EXPECT_EQ(names(w->sink.columns), (std::vector<std::string>{"W", "V", "NAME", "ID"}));
    auto n = plan("CREATE STREAM o AS SELECT * FROM keyed PARTITION BY NULL;");
    ASSERT_TRUE(n.ok()) << n.err().message;
    EXPECT_EQ(names(n->sink.columns), (std::vector<std::string>{"V", "NAME", "ID"}));
    EXPECT_EQ(n->sink.columns[2].origin, column_origin::value);
}

// A key computed from the stream's key columns alone (key_only) is computed
// for a record with a null value too; one that reads anything else (value
// or pseudo-columns) is NULL for it, as in ksqlDB.
TEST_F(planner_test, key_only_marks_keys_computed_from_the_record_key) {
    auto key_of = [&](std::string_view sql) {
        auto p = plan(sql);
        EXPECT_TRUE(p.ok()) << sql << ": " << (p.ok() ? "" : p.err().message);
        if (!p.ok() || p->projections.empty() || !p->projections[0].is_key) {
            ADD_FAILURE() << sql << ": no key projection";
            return false;
        }
        return p->projections[0].key_only;
    };
    EXPECT_TRUE(key_of("CREATE STREAM o AS SELECT * FROM keyed;"));
    EXPECT_TRUE(key_of("CREATE STREAM o AS SELECT id, v FROM keyed PARTITION BY id;"));
    EXPECT_TRUE(key_of("CREATE STREAM o AS SELECT id + 2 AS k, v FROM keyed PARTITION BY id + 2;"));
    EXPECT_TRUE(
        key_of("CREATE STREAM o AS SELECT ABS(k.id) AS a, v FROM keyed k PARTITION BY "
               "ABS(k.id);"));
    EXPECT_TRUE(
        key_of("CREATE STREAM o AS SELECT CASE WHEN id > 0 THEN 'p' ELSE 'n' END AS c, "
               "v FROM keyed PARTITION BY CASE WHEN id > 0 THEN 'p' ELSE 'n' END;"));
    EXPECT_FALSE(
        key_of("CREATE STREAM o AS SELECT CASE WHEN id > 0 THEN name END AS c, v FROM "
               "keyed PARTITION BY CASE WHEN id > 0 THEN name END;"));
    EXPECT_FALSE(key_of("CREATE STREAM o AS SELECT id, name FROM keyed PARTITION BY name;"));
    EXPECT_FALSE(key_of(
        "CREATE STREAM o AS SELECT name IS NULL AS n, v FROM keyed PARTITION BY name IS NULL;"));
    EXPECT_FALSE(
        key_of("CREATE STREAM o AS SELECT id + v AS s, name FROM keyed PARTITION BY id + v;"));
    EXPECT_FALSE(key_of(
        "CREATE STREAM o AS SELECT ROWTIME + id AS t, v FROM keyed PARTITION BY ROWTIME + id;"));
}

// PARTITION BY a, b (ksqlDB 0.24+): one key column per expression, in that
// order, out of the value; a JSON key format holds them as one object (the
// JDBC sink's pk.mode=record_key, pk.fields=user_id,timestamp reads it).
TEST_F(planner_test, multi_column_partition_by) {
    auto p = plan(
        "CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched-clickstream', KEY_FORMAT='JSON') AS "
        "SELECT c.`timestamp` AS `timestamp`, c.`user_id` AS `user_id`, c.`url` AS `url`, "
        "AS_VALUE(c.`user_id`) AS `uid`, u.`user_name` AS `user_name` FROM clickstream c "
        "LEFT JOIN users u ON c.`user_id` = u.`user_id` PARTITION BY c.`user_id`, "
        "c.`timestamp`;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(names(p->sink.columns),
              (std::vector<std::string>{"user_id", "timestamp", "url", "uid", "user_name"}));
    EXPECT_EQ(p->sink.columns[0].origin, column_origin::key);
    EXPECT_EQ(p->sink.columns[1].origin, column_origin::key);
    EXPECT_EQ(p->sink.columns[2].origin, column_origin::value);
    EXPECT_EQ(p->sink.columns[3].origin, column_origin::value);  // AS_VALUE copy
    ASSERT_EQ(p->projections.size(), 5u);
    EXPECT_TRUE(p->projections[0].is_key);
    EXPECT_TRUE(p->projections[1].is_key);
    EXPECT_FALSE(p->projections[2].is_key);
    EXPECT_EQ(p->projections[0].name, "user_id");
    EXPECT_EQ(p->projections[1].name, "timestamp");
    ASSERT_EQ(p->partition_by_columns.size(), 2u);
    EXPECT_EQ(p->partition_by, p->partition_by_columns[0]);
    EXPECT_EQ(p->sink.key_format.format, data_format::json);

    // Evaluated on a joined row (clickstream: timestamp, user_id, device_id,
    // url; users: user_id, user_name) the key is {"user_id":..,"timestamp":..}.
    row joined = {value(std::string("2024-01-01T00:00:00Z")),
                  value(std::string("u1")),
                  value(std::string("d1")),
                  value(std::string("/a")),
                  value(std::string("u1")),
                  value(std::string("Ann"))};
    eval_context ctx{.joined = &joined, .record = {}};
    row out;
    for (const auto& pr : p->projections) {
        auto v = pr.expr->eval(ctx);
        ASSERT_TRUE(v.ok()) << v.err().message;
        out.push_back(std::move(v).value());
    }
    auto enc = row_encoder::create(p->sink);
    ASSERT_TRUE(enc.ok()) << enc.err().message;
    std::string key;
    std::string val;
    bool key_null = true;
    ASSERT_TRUE((*enc)->encode(out, key, key_null, val).ok());
    EXPECT_FALSE(key_null);
    EXPECT_EQ(key, R"({"user_id":"u1","timestamp":"2024-01-01T00:00:00Z"})");
    EXPECT_EQ(val, R"({"url":"/a","uid":"u1","user_name":"Ann"})");

    // The KAFKA key format (the stream's default) holds one column.
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT `user_id`, `url` FROM clickstream "
                         "PARTITION BY `user_id`, `url`;")
                  .find("2 key columns need KEY_FORMAT='JSON'"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o WITH (KEY_FORMAT='JSON') AS SELECT `user_id`, `url` "
                         "FROM clickstream PARTITION BY `user_id`, `url`, `user_id`;")
                  .find("PARTITION BY lists `user_id` twice"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o WITH (KEY_FORMAT='JSON') AS SELECT `user_id` "
                         "FROM clickstream PARTITION BY `user_id`, `url`;")
                  .find("the PARTITION BY expression `url` becomes a key column"),
              std::string::npos);
}

TEST_F(planner_test, multi_column_key_declarations) {
    define(
        "CREATE STREAM two_keys (a VARCHAR KEY, v INT, b VARCHAR KEY) WITH "
        "(KAFKA_TOPIC='tk', VALUE_FORMAT='JSON', KEY_FORMAT='JSON');");
    const source_def& d = catalog.defs.at("TWO_KEYS");
    EXPECT_EQ(names(d.columns), (std::vector<std::string>{"A", "B", "V"}));
    EXPECT_EQ(d.columns[1].origin, column_origin::key);

    // Both keys pass through (key columns of the sink, JSON key inherited).
    auto p = plan("CREATE STREAM o AS SELECT * FROM two_keys;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(p->sink.columns[0].origin, column_origin::key);
    EXPECT_EQ(p->sink.columns[1].origin, column_origin::key);
    EXPECT_EQ(p->sink.key_format.format, data_format::json);
    // ... unless the sink asks for a KAFKA key.
    EXPECT_NE(plan_error("CREATE STREAM o WITH (KEY_FORMAT='KAFKA') AS SELECT * FROM two_keys;")
                  .find("KAFKA key format holds a single column"),
              std::string::npos);

    auto st = parse_statement(
        "CREATE STREAM bad (a VARCHAR KEY, b VARCHAR KEY) WITH (KAFKA_TOPIC='t', "
        "VALUE_FORMAT='JSON');");
    ASSERT_TRUE(st.ok());
    auto def = make_source_def(std::get<ast::create_source_stmt>(st->body), *st);
    ASSERT_FALSE(def.ok());
    EXPECT_NE(def.err().message.find("a second key column (B) needs KEY_FORMAT='JSON'"),
              std::string::npos)
        << def.err().message;
    EXPECT_NE(def.err().message.find("line 1:35"), std::string::npos) << def.err().message;
}

TEST_F(planner_test, errors) {
    EXPECT_EQ(plan_error("CREATE STREAM o AS SELECT * FROM clickstrem;"),
              "line 1:34: unknown stream or table CLICKSTREM, did you mean CLICKSTREAM?\n"
              "CREATE STREAM o AS SELECT * FROM clickstrem\n"
              "                                 ^");
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM clickstream c LEFT JOIN users u ON "
                         "c.`url` = u.`user_name`;")
                  .find("must use the PRIMARY KEY of USERS: ON <stream expression> = "
                        "U.`user_id`"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM clickstream c LEFT JOIN users u ON "
                         "c.`url` <> u.`user_id`;")
                  .find("needs ON <stream expression> = U.`user_id`"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM users;").find("is a TABLE"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM clickstream c JOIN keyed k ON "
                         "c.`url` = k.name;")
                  .find("Stream-Stream joins must have a WITHIN clause"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM keyed WHERE name;")
                  .find("WHERE must be BOOLEAN, got STRING"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT `user_id`, COUNT(*) FROM clickstream GROUP "
                         "BY `user_id`;")
                  .find("Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o WITH (KAFKA_TOPC='x') AS SELECT * FROM keyed;")
                  .find("unknown property KAFKA_TOPC, did you mean 'KAFKA_TOPIC'?"),
              std::string::npos);
    EXPECT_NE(plan_error("CREATE STREAM o AS SELECT * FROM clickstream c LEFT JOIN users u ON "
                         "c.`user_id` = u.`user_id` WHERE `user_id` = 'x';")
                  .find("ambiguous"),
              std::string::npos);
}

TEST_F(planner_test, dlq_topic_property) {
    auto p = plan("CREATE STREAM o WITH (DLQ_TOPIC='bad-records') AS SELECT * FROM keyed;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(p->dlq_topic, "bad-records");
}

TEST_F(planner_test, insert_into_select_checks_the_schema) {
    define(
        "CREATE STREAM sink (id BIGINT KEY, v INT, name STRING) WITH (KAFKA_TOPIC='sink', "
        "VALUE_FORMAT='JSON');");
    auto p = plan("INSERT INTO sink SELECT * FROM keyed WHERE v > 0;");
    ASSERT_TRUE(p.ok()) << p.err().message;
    EXPECT_EQ(p->sink.topic, "sink");
    EXPECT_EQ(p->dlq_topic, "sink-dlq");
    std::string m = plan_error("INSERT INTO sink SELECT id, name, v FROM keyed;");
    EXPECT_NE(m.find("the SELECT's columns don't match SINK"), std::string::npos) << m;
    EXPECT_NE(plan_error("INSERT INTO snk SELECT * FROM keyed;").find("did you mean 'SINK'"),
              std::string::npos);
}

TEST_F(planner_test, error_positions_inside_a_script) {
    auto script = parse_script("SHOW STREAMS;\n  CREATE STREAM o AS SELECT nme FROM keyed;");
    ASSERT_TRUE(script.ok());
    const ast::statement& st = (*script)[1];
    auto p = plan_create_as_select(std::get<ast::create_as_select_stmt>(st.body), st, catalog);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.err().message,
              "line 2:29: unknown column NME, did you mean NAME?\n"
              "CREATE STREAM o AS SELECT nme FROM keyed\n"
              "                          ^");
}

TEST(make_source_def, rules) {
    auto def = [](std::string_view sql) -> result<source_def> {
        auto st = parse_statement(sql);
        EXPECT_TRUE(st.ok());
        return make_source_def(std::get<ast::create_source_stmt>(st->body), *st);
    };
    auto ok =
        def("CREATE TABLE t (v STRING, id INT PRIMARY KEY) WITH (KAFKA_TOPIC='t', "
            "FORMAT='JSON', TIMESTAMP='v', TIMESTAMP_FORMAT='yyyy-MM-dd');");
    ASSERT_TRUE(ok.ok()) << ok.err().message;
    EXPECT_EQ(ok->columns[0].name, "ID");  // key first
    EXPECT_EQ(ok->key_format.format, data_format::json);
    EXPECT_EQ(*ok->timestamp_column, "V");
    auto delim =
        def("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='delimited', "
            "VALUE_DELIMITER='TAB');");
    ASSERT_TRUE(delim.ok()) << delim.err().message;
    EXPECT_EQ(delim->value_format.delimiter, '\t');
    EXPECT_FALSE(def("CREATE TABLE t (id INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');").ok());
    EXPECT_FALSE(
        def("CREATE TABLE t (id INT KEY) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');").ok());
    EXPECT_FALSE(
        def("CREATE STREAM s (id INT PRIMARY KEY) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');")
            .ok());
    auto no_topic = def("CREATE STREAM s (a INT) WITH (VALUE_FORMAT='JSON');");
    ASSERT_FALSE(no_topic.ok());
    EXPECT_NE(no_topic.err().message.find("missing KAFKA_TOPIC"), std::string::npos);
    auto avro = def("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO');");
    ASSERT_FALSE(avro.ok());
    EXPECT_EQ(avro.err().code, errc::unsupported);
    auto fmt = def("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSN');");
    ASSERT_FALSE(fmt.ok());
    EXPECT_NE(fmt.err().message.find("did you mean 'JSON'"), std::string::npos);
    auto ts =
        def("CREATE STREAM s (a STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', "
            "TIMESTAMP='a');");
    ASSERT_FALSE(ts.ok());
    EXPECT_NE(ts.err().message.find("BIGINT or TIMESTAMP"), std::string::npos);
    auto both =
        def("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='s', FORMAT='JSON', "
            "VALUE_FORMAT='JSON');");
    ASSERT_FALSE(both.ok());
    auto hdr =
        def("CREATE STREAM s (a INT, h STRING HEADER('x')) WITH (KAFKA_TOPIC='s', "
            "VALUE_FORMAT='JSON');");
    ASSERT_FALSE(hdr.ok());
    EXPECT_NE(hdr.err().message.find("must be BYTES"), std::string::npos);
}

}  // namespace
}  // namespace cs::streams
