#include "streams/parser.h"

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

template <class T>
const T& body(const ast::statement& s) {
    return std::get<T>(s.body);
}

ast::statement parse_ok(std::string_view sql) {
    auto r = parse_statement(sql);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return r.ok() ? std::move(r).value() : ast::statement{};
}

std::string parse_err(std::string_view sql) {
    auto r = parse_script(sql);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.err().message;
}

std::string expr_sql(std::string_view sql) {
    auto e = parse_expression(sql);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.err().message);
    return e.ok() ? ast::to_sql(**e) : "";
}

TEST(parser, not_null_column) {
    auto s = parse_ok(
        "CREATE STREAM c (`url` VARCHAR NOT NULL, k VARCHAR NOT NULL KEY, n INT) "
        "WITH (KAFKA_TOPIC='c', VALUE_FORMAT='JSON');");
    const auto& c = body<ast::create_source_stmt>(s);
    ASSERT_EQ(c.elements.size(), 3u);
    EXPECT_TRUE(c.elements[0].column.not_null);
    EXPECT_TRUE(c.elements[1].column.not_null);
    EXPECT_EQ(c.elements[1].column.origin, column_origin::key);
    EXPECT_FALSE(c.elements[2].column.not_null);
}

TEST(parser, seed_create_stream_verbatim) {
    auto s = parse_ok(
        "CREATE STREAM source_json (Event_Type VARCHAR, Event_Version VARCHAR, User_ID VARCHAR, "
        "Listing_ID VARCHAR, Server_Time VARCHAR, Device_Type VARCHAR) WITH "
        "(KAFKA_TOPIC='events', VALUE_FORMAT='JSON');");
    const auto& c = body<ast::create_source_stmt>(s);
    EXPECT_EQ(c.name, "SOURCE_JSON");
    EXPECT_EQ(c.kind, source_kind::stream);
    ASSERT_EQ(c.elements.size(), 6u);
    EXPECT_EQ(c.elements[0].column.name, "EVENT_TYPE");
    EXPECT_EQ(c.elements[4].column.name, "SERVER_TIME");
    EXPECT_EQ(c.elements[4].column.type, sql_type::string());
    EXPECT_EQ(c.elements[4].column.origin, column_origin::value);
    ASSERT_NE(c.with.find("KAFKA_TOPIC"), nullptr);
    EXPECT_EQ(c.with.find("KAFKA_TOPIC")->val.as_string(), "events");
    EXPECT_EQ(c.with.find("VALUE_FORMAT")->val.as_string(), "JSON");
    EXPECT_EQ(s.text.substr(0, 25), "CREATE STREAM source_json");
    EXPECT_EQ(s.text.back(), ')');  // the ';' is not part of the text
}

TEST(parser, seed_csas_verbatim) {
    auto s = parse_ok(
        "CREATE STREAM target_json WITH (KAFKA_TOPIC='events_avro',REPLICAS=1,PARTITIONS=1,"
        "VALUE_FORMAT='AVRO') AS SELECT *, SUBSTRING(Server_Time, 0, 10) as Server_Date FROM "
        "source_json;");
    const auto& c = body<ast::create_as_select_stmt>(s);
    EXPECT_EQ(c.name, "TARGET_JSON");
    EXPECT_EQ(c.with.find("REPLICAS")->val.as_int(), 1);
    EXPECT_EQ(c.with.find("PARTITIONS")->type, sql_type::integer());
    ASSERT_EQ(c.select.items.size(), 2u);
    EXPECT_TRUE(c.select.items[0].star);
    EXPECT_EQ(*c.select.items[1].alias, "SERVER_DATE");
    EXPECT_EQ(ast::to_sql(*c.select.items[1].expression), "SUBSTRING(SERVER_TIME, 0, 10)");
    EXPECT_EQ(c.select.from.name, "SOURCE_JSON");
    EXPECT_FALSE(c.select.emit_changes);  // optional for persistent queries
}

constexpr std::string_view enrichment_script = R"sql(
-- dimension tables over compacted topics
CREATE TABLE users (`user_id` STRING PRIMARY KEY, `user_name` STRING)
  WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');
CREATE TABLE devices (`device_id` STRING PRIMARY KEY, `device_type` STRING)
  WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON');
CREATE TABLE urls (`url` STRING PRIMARY KEY, `url_category` STRING)
  WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON');
/* the click events */
CREATE STREAM clickstream (`timestamp` STRING, `user_id` STRING, `device_id` STRING, `url` STRING)
  WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON');
CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched-clickstream') AS
  SELECT c.`timestamp` AS `timestamp`, c.`user_id` AS `user_id`, c.`device_id` AS `device_id`,
         c.`url` AS `url`, u.`user_name` AS `user_name`, d.`device_type` AS `device_type`,
         l.`url_category` AS `url_category`
  FROM clickstream c
  LEFT JOIN users u ON c.`user_id` = u.`user_id`
  LEFT JOIN devices d ON c.`device_id` = d.`device_id`
  LEFT JOIN urls l ON c.`url` = l.`url`
  EMIT CHANGES;
)sql";

TEST(parser, enrichment_script_with_backticks) {
    auto r = parse_script(enrichment_script);
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r->size(), 5u);
    const auto& users = body<ast::create_source_stmt>((*r)[0]);
    EXPECT_EQ(users.kind, source_kind::table);
    EXPECT_EQ(users.elements[0].column.name, "user_id");
    EXPECT_TRUE(users.elements[0].primary_key);
    EXPECT_EQ(users.elements[0].column.origin, column_origin::key);
    EXPECT_EQ((*r)[0].pos.line, 3);
    EXPECT_EQ((*r)[0].pos.column, 1);
    EXPECT_EQ((*r)[3].text.substr(0, 26), "CREATE STREAM clickstream ");

    const auto& e = body<ast::create_as_select_stmt>((*r)[4]);
    EXPECT_EQ(e.name, "ENRICHED");
    EXPECT_TRUE(e.select.emit_changes);
    ASSERT_EQ(e.select.items.size(), 7u);
    EXPECT_EQ(*e.select.items[0].alias, "timestamp");
    EXPECT_EQ(e.select.items[0].expression->qualifier, "C");
    EXPECT_EQ(e.select.items[0].expression->name, "timestamp");
    EXPECT_EQ(e.select.from.name, "CLICKSTREAM");
    EXPECT_EQ(*e.select.from.alias, "C");
    ASSERT_EQ(e.select.joins.size(), 3u);
    EXPECT_EQ(e.select.joins[2].type, ast::join_type::left);
    EXPECT_EQ(e.select.joins[2].source.effective_name(), "L");
    EXPECT_EQ(ast::to_sql(*e.select.joins[0].on), "(C.`user_id` = U.`user_id`)");
    EXPECT_EQ((*r)[4].text.substr((*r)[4].text.size() - 12), "EMIT CHANGES");
}

TEST(parser, explain_a_statement) {
    auto s = parse_script(
        "EXPLAIN CREATE STREAM o AS SELECT a FROM s; EXPLAIN INSERT INTO o SELECT a FROM s;");
    ASSERT_TRUE(s.ok()) << s.err().message;
    const auto& c = body<ast::explain_stmt>((*s)[0]);
    ASSERT_TRUE(c.create_as_select);
    EXPECT_EQ(c.create_as_select->name, "O");
    EXPECT_TRUE(c.query_id.empty());
    ASSERT_TRUE(body<ast::explain_stmt>((*s)[1]).insert_select);
    auto bad = parse_script("EXPLAIN CREATE STREAM o (a INT) WITH (KAFKA_TOPIC='o');");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("EXPLAIN takes a query id"), std::string::npos)
        << bad.err().message;
}

TEST(parser, every_statement_kind) {
    auto st = parse_script(R"(
        CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v DECIMAL(10, 2))
            WITH (kafka_topic='t', Value_Format='json', partitions=3, wrap_single_value=false);
        CREATE STREAM s (k STRING KEY, h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS,
                         one BYTES HEADER('trace-id'), m MAP<STRING, ARRAY<INT>>,
                         st STRUCT<a INT, `b` STRING>) WITH (KAFKA_TOPIC='s', FORMAT='JSON');
        INSERT INTO s SELECT * FROM s2 WHERE x > 1 PARTITION BY k;
        INSERT INTO s (k, v) VALUES ('a', 1.5);
        INSERT INTO s VALUES ('a', NULL);
        DROP TABLE IF EXISTS t DELETE TOPIC;
        DROP STREAM s;
        SHOW STREAMS; LIST TABLES; SHOW QUERIES EXTENDED; SHOW TOPICS; SHOW FUNCTIONS;
        DESCRIBE s; DESCRIBE EXTENDED s; DESCRIBE FUNCTION substring; DESCRIBE STREAMS;
        EXPLAIN csas_enriched_1; TERMINATE csas_enriched_1; TERMINATE ALL;
        SET 'auto.offset.reset'='earliest'; UNSET 'auto.offset.reset';
        SELECT * FROM s EMIT CHANGES LIMIT 3
    )");
    ASSERT_TRUE(st.ok()) << st.err().message;
    const auto& s = *st;
    ASSERT_EQ(s.size(), 22u);
    const auto& t = body<ast::create_source_stmt>(s[0]);
    EXPECT_TRUE(t.or_replace && t.is_source && t.if_not_exists);
    EXPECT_EQ(t.elements[1].column.type, sql_type::decimal(10, 2));
    EXPECT_EQ(t.with.find("VALUE_FORMAT")->val.as_string(), "json");
    EXPECT_EQ(t.with.find("WRAP_SINGLE_VALUE")->val.as_bool(), false);

    const auto& c = body<ast::create_source_stmt>(s[1]);
    EXPECT_EQ(c.elements[0].column.origin, column_origin::key);
    EXPECT_FALSE(c.elements[0].primary_key);
    EXPECT_EQ(c.elements[1].column.origin, column_origin::headers);
    EXPECT_EQ(c.elements[1].column.type.to_string(), "ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>");
    EXPECT_EQ(c.elements[2].column.origin, column_origin::header);
    EXPECT_EQ(c.elements[2].column.header_key, "trace-id");
    EXPECT_EQ(c.elements[3].column.type, sql_type::map(sql_type::array(sql_type::integer())));
    EXPECT_EQ(c.elements[4].column.type.field_names, (std::vector<std::string>{"A", "b"}));

    const auto& ins = body<ast::insert_select_stmt>(s[2]);
    EXPECT_EQ(ins.target, "S");
    ASSERT_EQ(ins.select.partition_by.size(), 1u);
    const auto& vals = body<ast::insert_values_stmt>(s[3]);
    EXPECT_EQ(vals.columns, (std::vector<std::string>{"K", "V"}));
    EXPECT_EQ(vals.values[1]->lit_type, sql_type::decimal(2, 1));
    EXPECT_TRUE(body<ast::insert_values_stmt>(s[4]).values[1]->lit_is_null);
    const auto& drop = body<ast::drop_stmt>(s[5]);
    EXPECT_TRUE(drop.if_exists && drop.delete_topic);
    EXPECT_EQ(drop.kind, source_kind::table);
    EXPECT_FALSE(body<ast::drop_stmt>(s[6]).delete_topic);
    EXPECT_EQ(body<ast::show_stmt>(s[7]).what, ast::show_what::streams);
    EXPECT_EQ(body<ast::show_stmt>(s[8]).what, ast::show_what::tables);
    EXPECT_TRUE(body<ast::show_stmt>(s[9]).extended);
    EXPECT_EQ(body<ast::show_stmt>(s[10]).what, ast::show_what::topics);
    EXPECT_EQ(body<ast::show_stmt>(s[11]).what, ast::show_what::functions);
    EXPECT_EQ(body<ast::describe_stmt>(s[12]).name, "S");
    EXPECT_TRUE(body<ast::describe_stmt>(s[13]).extended);
    EXPECT_TRUE(body<ast::describe_stmt>(s[14]).function);
    EXPECT_EQ(body<ast::describe_stmt>(s[14]).name, "SUBSTRING");
    EXPECT_EQ(body<ast::describe_stmt>(s[15]).all_kind, source_kind::stream);
    EXPECT_EQ(body<ast::explain_stmt>(s[16]).query_id, "CSAS_ENRICHED_1");
    EXPECT_EQ(body<ast::terminate_stmt>(s[17]).query_id, "CSAS_ENRICHED_1");
    EXPECT_TRUE(body<ast::terminate_stmt>(s[18]).all);
    EXPECT_EQ(body<ast::set_stmt>(s[19]).name, "auto.offset.reset");
    EXPECT_EQ(body<ast::set_stmt>(s[19]).value, "earliest");
    EXPECT_EQ(body<ast::unset_stmt>(s[20]).name, "auto.offset.reset");
    const auto& q = body<ast::query_stmt>(s[21]);
    EXPECT_TRUE(q.select.emit_changes);
    EXPECT_EQ(*q.select.limit, 3);
}

TEST(parser, comments_and_statement_text) {
    auto r = parse_script("SHOW STREAMS; -- trailing ; comment\n/* a ; b */ SHOW TABLES\n;;");
    ASSERT_TRUE(r.ok()) << r.err().message;
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].text, "SHOW STREAMS");
    EXPECT_EQ((*r)[1].text, "SHOW TABLES");
    EXPECT_EQ((*r)[1].pos.line, 2);
    EXPECT_EQ((*r)[1].pos.column, 13);
}

TEST(parser, expressions_precedence_and_forms) {
    EXPECT_EQ(expr_sql("a + b * c - d"), "((A + (B * C)) - D)");
    EXPECT_EQ(expr_sql("NOT a = 1 OR b AND c"), "((NOT (A = 1)) OR (B AND C))");
    EXPECT_EQ(expr_sql("x NOT LIKE 'a%' ESCAPE '!'"), "(X NOT LIKE 'a%' ESCAPE '!')");
    EXPECT_EQ(expr_sql("x IS NOT NULL AND y IS NULL"), "((X IS NOT NULL) AND (Y IS NULL))");
    EXPECT_EQ(expr_sql("x not in (1, 2,3)"), "(X NOT IN (1, 2, 3))");
    EXPECT_EQ(expr_sql("x BETWEEN 1 AND 2 AND y"), "((X BETWEEN 1 AND 2) AND Y)");
    EXPECT_EQ(expr_sql("CASE WHEN a THEN 'x' ELSE 'y' END"), "(CASE WHEN A THEN 'x' ELSE 'y' END)");
    EXPECT_EQ(expr_sql("case s when 1 then 2 end"), "(CASE S WHEN 1 THEN 2 END)");
    EXPECT_EQ(expr_sql("CAST(x AS DECIMAL(4,1))"), "CAST(X AS DECIMAL(4, 1))");
    EXPECT_EQ(expr_sql("a->b->`c`"), "A->B->`c`");
    EXPECT_EQ(expr_sql("arr[1] || m['k']"), "(ARR[1] || M['k'])");
    EXPECT_EQ(expr_sql("'it''s'"), "'it''s'");
    EXPECT_EQ(expr_sql("-(a)"), "-A");
    EXPECT_EQ(expr_sql("c.ROWTIME"), "C.ROWTIME");
    EXPECT_EQ(expr_sql("`Mixed`.`Case` = \"Dq\""), "(`Mixed`.`Case` = `Dq`)");
    auto rt = parse_expression("rowtime");
    ASSERT_TRUE(rt.ok());
    EXPECT_EQ((*rt)->kind, ast::expr_kind::pseudo_column);
    auto quoted = parse_expression("`ROWTIME`");
    ASSERT_TRUE(quoted.ok());
    EXPECT_EQ((*quoted)->kind, ast::expr_kind::column);
}

TEST(parser, literal_types) {
    auto lit = [](std::string_view s) {
        auto e = parse_expression(s);
        EXPECT_TRUE(e.ok());
        return *e;
    };
    EXPECT_EQ(lit("2147483647")->lit_type, sql_type::integer());
    EXPECT_EQ(lit("-2147483648")->lit.as_int(), -2147483648);
    EXPECT_EQ(lit("2147483648")->lit_type, sql_type::bigint());
    EXPECT_EQ(lit("12.50")->lit_type, sql_type::decimal(4, 2));
    EXPECT_EQ(lit("12.50")->lit.as_decimal().unscaled, 1250);
    EXPECT_EQ(lit("-0.5")->lit.as_decimal().unscaled, -5);
    EXPECT_EQ(lit("1.5e3")->lit.as_double(), 1500.0);
    EXPECT_EQ(lit("TRUE")->lit.as_bool(), true);
    EXPECT_TRUE(lit("null")->lit_is_null);
    auto typed = lit("DECIMAL '1.25'");
    EXPECT_EQ(typed->kind, ast::expr_kind::cast);
    EXPECT_EQ(typed->cast_type.kind, type_kind::decimal);
    auto fn = lit("count(*)");
    EXPECT_TRUE(fn->call_star);
}

TEST(parser, types) {
    auto t = parse_type("STRUCT<a ARRAY<MAP<STRING, BIGINT>>, `b` TIMESTAMP>");
    ASSERT_TRUE(t.ok()) << t.err().message;
    EXPECT_EQ(t->field_names, (std::vector<std::string>{"A", "b"}));
    EXPECT_EQ(t->children[0], sql_type::array(sql_type::map(sql_type::bigint())));
    EXPECT_FALSE(parse_type("MAP<INT, INT>").ok());
    EXPECT_FALSE(parse_type("DECIMAL(40, 2)").ok());
    EXPECT_EQ(*parse_type("date"), sql_type::date());
    EXPECT_EQ(*parse_type("ARRAY<TIME>"), sql_type::array(sql_type::time()));
    auto bad = parse_type("VARCHR");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("unknown type 'VARCHR'"), std::string::npos);
}

TEST(parser, syntax_error_points_at_the_token) {
    std::string m = parse_err("SHOW STREAMS;\nCREATE STREAM s AS SELECT * FORM t;");
    EXPECT_EQ(m,
              "line 2:29: mismatched input 'FORM', expected FROM\n"
              "CREATE STREAM s AS SELECT * FORM t;\n"
              "                            ^");
}

TEST(parser, errors_a_person_can_act_on) {
    EXPECT_EQ(parse_err("SELECT 'abc FROM x"),
              "line 1:8: unterminated string literal: missing closing '\nSELECT 'abc FROM x\n"
              "       ^");
    EXPECT_NE(parse_err("CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='a', kafka_topic='b');")
                  .find("duplicate property KAFKA_TOPIC"),
              std::string::npos);
    EXPECT_NE(parse_err("CREATE STREAM s (a INT, A STRING) WITH (KAFKA_TOPIC='a');")
                  .find("line 1:25: duplicate column 'A'"),
              std::string::npos);
    EXPECT_NE(parse_err("SELECT a FROM s WHERE").find("missing an expression at <EOF>"),
              std::string::npos);
    EXPECT_NE(parse_err("SHOW STREAMS SHOW TABLES").find("mismatched input 'SHOW', expected ';'"),
              std::string::npos);
    EXPECT_NE(parse_err("CREAT STREAM x").find("line 1:1: mismatched input 'CREAT'"),
              std::string::npos);
    EXPECT_NE(parse_err("SELECT /* never closed").find("unterminated comment"), std::string::npos);
    EXPECT_NE(parse_err("SELECT a # b FROM s").find("unexpected character '#'"), std::string::npos);
    EXPECT_NE(parse_err("CREATE STREAM s (a INT) AS SELECT * FROM t")
                  .find("takes its columns from the SELECT"),
              std::string::npos);
}

TEST(parser, time_unit_arguments) {
    // ksqlDB's windowUnit keyword as TIMESTAMPADD/TIMESTAMPSUB's first
    // argument is passed on as its name; elsewhere it is an identifier.
    EXPECT_EQ(expr_sql("TIMESTAMPADD(SECONDS, 5, ROWTIME)"), "TIMESTAMPADD('SECONDS', 5, ROWTIME)");
    EXPECT_EQ(expr_sql("timestampsub(day, 1, ts)"), "TIMESTAMPSUB('DAY', 1, TS)");
    EXPECT_EQ(expr_sql("TIMESTAMPADD(`SECONDS`, 5, ts)"), "TIMESTAMPADD(SECONDS, 5, TS)")
        << "a quoted name is a column";
    EXPECT_EQ(expr_sql("CONCAT(SECONDS, 'x')"), "CONCAT(SECONDS, 'x')");
    EXPECT_EQ(expr_sql("dateadd(DAYS, 10, d)"), "DATEADD('DAYS', 10, D)");
    EXPECT_EQ(expr_sql("TIMESUB(hours, 1, t)"), "TIMESUB('HOURS', 1, T)");
    // DATE '...' and TIME '...' are casts of the string, as TIMESTAMP '...'.
    EXPECT_EQ(expr_sql("DATE '2020-01-01' < date"), "(CAST('2020-01-01' AS DATE) < DATE)");
    EXPECT_EQ(expr_sql("TIME '10:00'"), "CAST('10:00' AS TIME)");
}

TEST(parser, lambdas) {
    EXPECT_EQ(expr_sql("TRANSFORM(a, x => x + 1)"), "TRANSFORM(A, (X) => (X + 1))");
    EXPECT_EQ(expr_sql("reduce(m, 0, (s, k, v) => s + v)"), "REDUCE(M, 0, (S, K, V) => (S + V))");
    EXPECT_EQ(expr_sql("FILTER(a, (`x`) => `x` > 1)"), "FILTER(A, (`x`) => (`x` > 1))");
    // A parenthesized expression is no lambda without =>.
    EXPECT_EQ(expr_sql("CONCAT((a), b)"), "CONCAT(A, B)");
    EXPECT_FALSE(parse_expression("x => x").ok());
    auto dup = parse_expression("TRANSFORM(a, (x, x) => x)");
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.err().message.find("duplicate lambda parameter 'X'"), std::string::npos);
    auto bad = parse_expression("TRANSFORM(a, `my x` => 1)");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("Invalid lambda argument name: my x"), std::string::npos);
}

TEST(parser, constructors) {
    EXPECT_EQ(expr_sql("ARRAY[1, a , 'x']"), "ARRAY[1, A, 'x']");
    EXPECT_EQ(expr_sql("ARRAY[]"), "ARRAY[]");
    EXPECT_EQ(expr_sql("map('a' := 1, b := c + 1)"), "MAP('a' := 1, B := (C + 1))");
    EXPECT_EQ(expr_sql("STRUCT(name := x, `Zip` := 1)->name"),
              "STRUCT(NAME := X, `Zip` := 1)->NAME");
    auto bad = parse_expression("MAP('a' = 1)");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find(":="), std::string::npos) << bad.err().message;
}

}  // namespace
}  // namespace cs::streams
