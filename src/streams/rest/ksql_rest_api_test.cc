#include "streams/rest/ksql_rest_api.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "formats/json_writer.h"
#include "http/server.h"
#include "http/test_http_client.h"
#include "streams/test_kafka.h"

namespace cs::streams::rest {
namespace {

using http::testing::http_call;
using http::testing::http_reply;
using http::testing::http_stream;

// A parsed response body; the parser keeps the document alive.
struct json_doc {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
};

std::unique_ptr<json_doc> parse(const std::string& body) {
    auto d = std::make_unique<json_doc>();
    auto err = d->parser.parse(body).get(d->root);
    EXPECT_EQ(err, simdjson::SUCCESS) << body;
    return d;
}

// E: a dom::element or a simdjson_result of one.
template <class E>
std::string str(E e, std::string_view key) {
    std::string_view s;
    if (e[key].get(s) != simdjson::SUCCESS) {
        return "<missing " + std::string(key) + ">";
    }
    return std::string(s);
}

template <class E>
int64_t num(E e, std::string_view key) {
    int64_t n = -999;
    EXPECT_EQ(e[key].get(n), simdjson::SUCCESS) << key;
    return n;
}

template <class E>
size_t count(E e) {
    simdjson::dom::array a;
    EXPECT_EQ(e.get(a), simdjson::SUCCESS);
    return a.size();
}

std::string ksql_body(const std::string& sql, const std::string& props = "{}") {
    std::string out;
    formats::append_json_string(out, sql);
    return R"({"ksql":)" + out + R"(,"streamsProperties":)" + props + "}";
}

class KsqlRestTest : public ::testing::Test {
  protected:
    void SetUp() override {
        broker_ = cs::testing::start_clickstream_broker();
        ASSERT_TRUE(broker_->create_topic("clicks", 1).ok());
        engine_ = test::start_engine(*broker_, "rest_test_");
        ASSERT_NE(engine_, nullptr);
        api_ = std::make_unique<ksql_rest_api>(
            *engine_, rest_options{.version = "9.8.7", .service_id = "rest_test_"});
        auto s = http::server::start({.host = "127.0.0.1", .port = 0, .threads = 4, .limits = {}},
                                     [this](const http::request& r) { return api_->handle(r); });
        ASSERT_TRUE(s.ok()) << s.err().message;
        server_ = std::move(*s);
    }
    void TearDown() override {
        if (server_) {
            server_->stop();
        }
        if (engine_) {
            engine_->stop_all();
        }
    }

    http_reply ksql(const std::string& sql, const std::string& props = "{}") {
        return http_call(server_->port(), "POST", "/ksql", ksql_body(sql, props));
    }

    static constexpr const char* create_clicks =
        "CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR, n INT) WITH "
        "(KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');";

    std::unique_ptr<cs::testing::test_broker> broker_;
    std::unique_ptr<engine> engine_;
    std::unique_ptr<ksql_rest_api> api_;
    std::unique_ptr<http::server> server_;
};

TEST_F(KsqlRestTest, KsqlRunsStatementsAndAnswersCurrentStatus) {
    auto r = ksql(std::string(create_clicks) +
                  " CREATE STREAM home AS SELECT * FROM clicks WHERE page = 'home';");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 2u) << r.body;
    auto created = d->root.at(0);
    EXPECT_EQ(str(created, "@type"), "currentStatus");
    EXPECT_EQ(str(created, "statementText"), create_clicks);
    EXPECT_EQ(str(created, "commandId"), "stream/CLICKS/create");
    EXPECT_EQ(str(created["commandStatus"], "status"), "SUCCESS");
    EXPECT_EQ(str(created["commandStatus"], "message"), "Stream created");
    EXPECT_TRUE(created["commandStatus"]["queryId"].is_null());
    EXPECT_EQ(num(created, "commandSequenceNumber"), 0);
    EXPECT_EQ(count(created["warnings"]), 0u);
    auto csas = d->root.at(1);
    EXPECT_EQ(str(csas, "commandId"), "stream/HOME/create");
    EXPECT_EQ(str(csas["commandStatus"], "message"), "Created query with ID CSAS_HOME_1");
    EXPECT_EQ(str(csas["commandStatus"], "queryId"), "CSAS_HOME_1");
    EXPECT_EQ(num(csas, "commandSequenceNumber"), 1);

    // The commands' statuses.
    auto all = http_call(server_->port(), "GET", "/status");
    ASSERT_EQ(all.status, 200);
    auto sd = parse(all.body);
    EXPECT_EQ(str(sd->root["commandStatuses"], "stream/HOME/create"), "SUCCESS") << all.body;
    auto one = http_call(server_->port(), "GET", "/status/stream/HOME/create");
    ASSERT_EQ(one.status, 200) << one.body;
    auto od = parse(one.body);
    EXPECT_EQ(str(od->root, "status"), "SUCCESS");
    EXPECT_EQ(str(od->root, "queryId"), "CSAS_HOME_1");
    auto none = http_call(server_->port(), "GET", "/status/stream/NOPE/create");
    EXPECT_EQ(none.status, 404);
    EXPECT_EQ(num(parse(none.body)->root, "error_code"), 40400);

    // TERMINATE and DROP are commands too.
    auto t = ksql("TERMINATE CSAS_HOME_1; DROP STREAM home;");
    ASSERT_EQ(t.status, 200) << t.body;
    auto td = parse(t.body);
    EXPECT_EQ(str(td->root.at(0), "commandId"), "terminate/CSAS_HOME_1/execute");
    EXPECT_EQ(str(td->root.at(0)["commandStatus"], "message"), "Query terminated.");
    EXPECT_EQ(str(td->root.at(1), "commandId"), "stream/HOME/drop");
}

TEST_F(KsqlRestTest, ShowDescribeAndExplainHaveKsqlDbShapes) {
    ASSERT_EQ(ksql(std::string(create_clicks) +
                   " CREATE STREAM home AS SELECT * FROM clicks WHERE page = 'home';")
                  .status,
              200);
    auto r = ksql(
        "SHOW STREAMS; SHOW TABLES; SHOW QUERIES; SHOW TOPICS; DESCRIBE clicks; "
        "DESCRIBE EXTENDED clicks; EXPLAIN CSAS_HOME_1; SHOW FUNCTIONS;");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 8u);

    auto streams = d->root.at(0);
    EXPECT_EQ(str(streams, "@type"), "streams");
    EXPECT_EQ(str(streams, "statementText"), "SHOW STREAMS;");
    ASSERT_EQ(count(streams["streams"]), 2u);
    auto clicks = streams["streams"].at(0);
    EXPECT_EQ(str(clicks, "type"), "STREAM");
    EXPECT_EQ(str(clicks, "name"), "CLICKS");
    EXPECT_EQ(str(clicks, "topic"), "clicks");
    EXPECT_EQ(str(clicks, "keyFormat"), "KAFKA");
    EXPECT_EQ(str(clicks, "valueFormat"), "JSON");
    EXPECT_EQ(clicks["isWindowed"].get_bool().value(), false);

    EXPECT_EQ(str(d->root.at(1), "@type"), "tables");
    EXPECT_EQ(count(d->root.at(1)["tables"]), 0u);

    auto queries = d->root.at(2);
    EXPECT_EQ(str(queries, "@type"), "queries");
    ASSERT_EQ(count(queries["queries"]), 1u);
    auto q = queries["queries"].at(0);
    EXPECT_EQ(str(q, "id"), "CSAS_HOME_1");
    EXPECT_EQ(str(q, "queryType"), "PERSISTENT");
    EXPECT_EQ(str(q, "state"), "RUNNING");
    std::string_view sink;
    ASSERT_EQ(q["sinks"].at(0).get(sink), simdjson::SUCCESS);
    EXPECT_EQ(sink, "HOME");
    EXPECT_EQ(num(q["statusCount"], "RUNNING"), 1);
    EXPECT_NE(str(q, "queryString").find("CREATE STREAM home AS SELECT"), std::string::npos);

    auto topics = d->root.at(3);
    EXPECT_EQ(str(topics, "@type"), "kafka_topics");
    bool found = false;
    for (auto t : topics["topics"].get_array()) {
        if (str(t, "name") == "clicks") {
            found = true;
            EXPECT_EQ(count(t["replicaInfo"]), 1u);  // one partition
        }
    }
    EXPECT_TRUE(found) << r.body;

    auto desc = d->root.at(4);
    EXPECT_EQ(str(desc, "@type"), "sourceDescription");
    auto sd = desc["sourceDescription"];
    EXPECT_EQ(str(sd, "name"), "CLICKS");
    EXPECT_EQ(str(sd, "type"), "STREAM");
    EXPECT_EQ(str(sd, "topic"), "clicks");
    EXPECT_EQ(sd["extended"].get_bool().value(), false);
    ASSERT_EQ(count(sd["fields"]), 3u);
    EXPECT_EQ(str(sd["fields"].at(0), "name"), "USER_ID");
    EXPECT_EQ(str(sd["fields"].at(0)["schema"], "type"), "STRING");
    EXPECT_EQ(str(sd["fields"].at(0), "fieldType"), "KEY");
    EXPECT_EQ(str(sd["fields"].at(2)["schema"], "type"), "INTEGER");
    EXPECT_EQ(str(sd["fields"].at(2), "fieldType"), "<missing fieldType>");

    auto ext = d->root.at(5)["sourceDescription"];
    EXPECT_EQ(ext["extended"].get_bool().value(), true);
    EXPECT_EQ(num(ext, "partitions"), 1);
    ASSERT_EQ(count(ext["readQueries"]), 1u);
    EXPECT_EQ(str(ext["readQueries"].at(0), "id"), "CSAS_HOME_1");
    EXPECT_EQ(count(ext["writeQueries"]), 0u);
    EXPECT_NE(str(ext, "statistics").find("CSAS_HOME_1: consumed"), std::string::npos);

    auto explain = d->root.at(6);
    EXPECT_EQ(str(explain, "@type"), "queryDescription");
    auto qd = explain["queryDescription"];
    EXPECT_EQ(str(qd, "id"), "CSAS_HOME_1");
    std::string_view src;
    ASSERT_EQ(qd["sources"].at(0).get(src), simdjson::SUCCESS);
    EXPECT_EQ(src, "CLICKS");
    EXPECT_NE(str(qd, "executionPlan").find("[ SINK ]"), std::string::npos);
    EXPECT_EQ(count(qd["fields"]), 3u);
    EXPECT_EQ(str(qd, "state"), "RUNNING");

    EXPECT_EQ(str(d->root.at(7), "@type"), "function_names");
    EXPECT_GT(count(d->root.at(7)["functions"]), 10u);
}

TEST_F(KsqlRestTest, StreamsPropertiesLastForTheRequest) {
    auto r = ksql("SHOW PROPERTIES;", R"({"ksql.streams.commit.interval.ms":250})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    auto props = d->root.at(0);
    EXPECT_EQ(str(props, "@type"), "properties");
    bool found = false;
    for (auto p : props["properties"].get_array()) {
        if (str(p, "name") == "ksql.streams.commit.interval.ms") {
            found = true;
            EXPECT_EQ(str(p, "value"), "250");
        }
    }
    EXPECT_TRUE(found) << r.body;
    auto later = ksql("SHOW PROPERTIES;");
    EXPECT_EQ(later.body.find("commit.interval.ms"), std::string::npos) << later.body;
}

TEST_F(KsqlRestTest, SessionStatementsHaveKsqlDbsEntities) {
    // SET, UNSET, DEFINE and UNDEFINE answer nothing; SHOW VARIABLES lists;
    // UNDEFINE of an unknown variable warns.
    auto r = ksql(
        "SET 'auto.offset.reset'='earliest'; UNSET 'auto.offset.reset'; DEFINE a = 'x'; "
        "DEFINE b = 'y'; UNDEFINE b; SHOW VARIABLES; UNDEFINE nope;");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 2u) << r.body;
    auto vars = d->root.at(0);
    EXPECT_EQ(str(vars, "@type"), "variables");
    EXPECT_EQ(str(vars, "statementText"), "SHOW VARIABLES;");
    ASSERT_EQ(count(vars["variables"]), 1u) << r.body;
    EXPECT_EQ(str(vars["variables"].at(0), "name"), "a");
    EXPECT_EQ(str(vars["variables"].at(0), "value"), "x");
    auto warning = d->root.at(1);
    EXPECT_EQ(str(warning, "@type"), "warning_entity");
    EXPECT_NE(str(warning, "message").find("Cannot undefine variable 'nope'"), std::string::npos);
}

TEST_F(KsqlRestTest, ErrorsHaveKsqlDbShapesAndTheServerKeepsServing) {
    auto malformed = http_call(server_->port(), "POST", "/ksql", R"({"ksql": "SHOW STREAMS;)");
    EXPECT_EQ(malformed.status, 400);
    auto md = parse(malformed.body);
    EXPECT_EQ(str(md->root, "@type"), "generic_error");
    EXPECT_EQ(num(md->root, "error_code"), 40000);
    EXPECT_NE(str(md->root, "message").find("not valid JSON"), std::string::npos);

    auto vars = http_call(server_->port(), "POST", "/ksql",
                          R"({"ksql":"SHOW STREAMS;","sessionVariables":{"a":["b"]}})");
    EXPECT_EQ(vars.status, 400);
    EXPECT_NE(vars.body.find("sessionVariables: a: a string, number or boolean is needed"),
              std::string::npos)
        << vars.body;

    auto no_sql = http_call(server_->port(), "POST", "/ksql", R"({"sql":"SHOW STREAMS;"})");
    EXPECT_EQ(no_sql.status, 400);
    EXPECT_NE(no_sql.body.find("\\\"ksql\\\""), std::string::npos) << no_sql.body;

    // The first statement runs; the second fails: its text and what ran.
    auto partial = ksql(std::string(create_clicks) + " DROP STREAM nope;");
    EXPECT_EQ(partial.status, 400);
    auto pd = parse(partial.body);
    EXPECT_EQ(str(pd->root, "@type"), "statement_error");
    EXPECT_EQ(num(pd->root, "error_code"), 40001);
    EXPECT_EQ(str(pd->root, "statementText"), "DROP STREAM nope;");
    EXPECT_NE(str(pd->root, "message").find("does not exist"), std::string::npos);
    ASSERT_EQ(count(pd->root["entities"]), 1u);
    EXPECT_EQ(str(pd->root["entities"].at(0), "commandId"), "stream/CLICKS/create");

    auto syntax = ksql("SHOW STREAMZ;");
    EXPECT_EQ(syntax.status, 400);
    EXPECT_EQ(num(parse(syntax.body)->root, "error_code"), 40001);

    // SELECT belongs to /query: nothing of the request runs.
    auto select = ksql(
        "CREATE STREAM c2 (a INT) WITH (KAFKA_TOPIC='clicks', "
        "VALUE_FORMAT='JSON'); SELECT * FROM clicks EMIT CHANGES;");
    EXPECT_EQ(select.status, 400);
    auto sel = parse(select.body);
    EXPECT_EQ(num(sel->root, "error_code"), 40002);
    EXPECT_EQ(str(sel->root, "statementText"), "SELECT * FROM clicks EMIT CHANGES;");
    EXPECT_EQ(engine_->find("C2"), nullptr);

    auto form = http_call(server_->port(), "POST", "/ksql", ksql_body("SHOW STREAMS;"),
                          "Content-Type: application/x-www-form-urlencoded\r\n");
    EXPECT_EQ(form.status, 415);
    EXPECT_EQ(str(parse(form.body)->root, "@type"), "generic_error");

    EXPECT_EQ(http_call(server_->port(), "GET", "/nope").status, 404);
    EXPECT_EQ(http_call(server_->port(), "GET", "/ksql").status, 405);
    auto terminate = http_call(server_->port(), "POST", "/ksql/terminate", "{}");
    EXPECT_EQ(terminate.status, 501);
    EXPECT_NE(terminate.body.find("not supported yet"), std::string::npos);

    // Still serving, and in ksqlDB's media type when asked.
    auto ok = http_call(server_->port(), "POST", "/ksql", ksql_body("SHOW STREAMS;"),
                        "Content-Type: application/vnd.ksql.v1+json\r\n"
                        "Accept: application/vnd.ksql.v1+json\r\n");
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.header("Content-Type"), "application/vnd.ksql.v1+json");
}

// The lines of a newline-delimited body.
std::vector<std::string> lines_of(const std::string& body) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t nl = body.find('\n', pos);
        if (nl == std::string::npos) {
            nl = body.size();
        }
        if (nl > pos) {
            out.push_back(body.substr(pos, nl - pos));
        }
        pos = nl + 1;
    }
    return out;
}

class KsqlQueryTest : public KsqlRestTest {
  protected:
    void SetUp() override {
        KsqlRestTest::SetUp();
        ASSERT_EQ(ksql(create_clicks).status, 200);
        test::produce(*broker_, "clicks",
                      {{.key = "u1", .value = R"({"page":"home","n":1})"},
                       {.key = "u2", .value = R"({"page":"cart","n":2})"},
                       {.key = "u3", .value = R"({"page":"home","n":3})"}});
    }
    std::string query_body(const std::string& sql) {
        std::string out;
        formats::append_json_string(out, sql);
        return R"({"sql":)" + out + R"(,"properties":{"auto.offset.reset":"earliest"}})";
    }
};

TEST_F(KsqlQueryTest, QueryStreamsChunkedRowsUntilItsLimit) {
    auto r = http_call(server_->port(), "POST", "/query",
                       ksql_body("SELECT user_id, page, n FROM clicks EMIT CHANGES LIMIT 2;",
                                 R"({"ksql.streams.auto.offset.reset":"earliest"})"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
    // Header, each row and the end were written as they came.
    EXPECT_GE(r.chunks.size(), 4u) << r.body;
    EXPECT_EQ(r.chunks.front().rfind("[{\"header\":", 0), 0u) << r.body;
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 4u) << r.body;
    auto header = d->root.at(0)["header"];
    EXPECT_EQ(str(header, "queryId").rfind("transient_CLICKS_", 0), 0u) << r.body;
    EXPECT_EQ(str(header, "schema"), "`USER_ID` STRING, `PAGE` STRING, `N` INTEGER");
    std::string_view user;
    ASSERT_EQ(d->root.at(1)["row"]["columns"].at(0).get(user), simdjson::SUCCESS) << r.body;
    EXPECT_EQ(user, "u1");
    int64_t n = 0;
    ASSERT_EQ(d->root.at(2)["row"]["columns"].at(2).get(n), simdjson::SUCCESS) << r.body;
    EXPECT_EQ(n, 2);
    EXPECT_EQ(str(d->root.at(3), "finalMessage"), "Limit Reached");
}

TEST_F(KsqlQueryTest, PullQueryEndsWithQueryCompleted) {
    auto r = http_call(server_->port(), "POST", "/query", ksql_body("SELECT n FROM clicks;"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 5u) << r.body;
    EXPECT_EQ(str(d->root.at(0)["header"], "schema"), "`N` INTEGER");
    EXPECT_EQ(str(d->root.at(4), "finalMessage"), "Query Completed");
}

TEST_F(KsqlQueryTest, QueryStreamIsNewlineDelimitedOrOneJsonArray) {
    auto r = http_call(server_->port(), "POST", "/query-stream",
                       query_body("SELECT page, n FROM clicks EMIT CHANGES LIMIT 3;"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/vnd.ksqlapi.delimited.v1");
    auto lines = lines_of(r.body);
    ASSERT_EQ(lines.size(), 4u) << r.body;
    auto h = parse(lines[0]);
    EXPECT_EQ(str(h->root, "queryId").rfind("transient_", 0), 0u);
    std::string_view name;
    std::string_view type;
    ASSERT_EQ(h->root["columnNames"].at(1).get(name), simdjson::SUCCESS);
    ASSERT_EQ(h->root["columnTypes"].at(1).get(type), simdjson::SUCCESS);
    EXPECT_EQ(name, "N");
    EXPECT_EQ(type, "INTEGER");
    EXPECT_EQ(lines[1], R"(["home",1])");
    EXPECT_EQ(lines[3], R"(["home",3])");

    auto json = http_call(server_->port(), "POST", "/query-stream",
                          query_body("SELECT page FROM clicks EMIT CHANGES LIMIT 2;"),
                          "Accept: application/json\r\n");
    ASSERT_EQ(json.status, 200) << json.body;
    EXPECT_EQ(json.header("Content-Type"), "application/json");
    auto d = parse(json.body);
    ASSERT_EQ(count(d->root), 3u) << json.body;
    EXPECT_EQ(count(d->root.at(0)["columnNames"]), 1u);
    EXPECT_EQ(count(d->root.at(2)), 1u);
}

TEST_F(KsqlQueryTest, AggregationStreamsEveryUpdateWithItsSelectListAsTheSchema) {
    auto r = http_call(server_->port(), "POST", "/query",
                       ksql_body("SELECT COUNT(*) AS c, page FROM clicks GROUP BY page EMIT "
                                 "CHANGES LIMIT 3;",
                                 R"({"ksql.streams.auto.offset.reset":"earliest"})"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 5u) << r.body;
    EXPECT_EQ(str(d->root.at(0)["header"], "schema"), "`C` BIGINT, `PAGE` STRING");
    std::vector<std::string> rows;
    for (size_t i = 1; i <= 3; ++i) {
        int64_t c = 0;
        std::string_view page;
        ASSERT_EQ(d->root.at(i)["row"]["columns"].at(0).get(c), simdjson::SUCCESS) << r.body;
        ASSERT_EQ(d->root.at(i)["row"]["columns"].at(1).get(page), simdjson::SUCCESS) << r.body;
        rows.push_back(std::string(page) + "|" + std::to_string(c));
    }
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows, (std::vector<std::string>{"cart|1", "home|1", "home|2"}));
    EXPECT_EQ(str(d->root.at(4), "finalMessage"), "Limit Reached");
}

TEST_F(KsqlQueryTest, QueryStopsWhenTheClientHangsUp) {
    http_stream s(server_->port(), "POST", "/query-stream",
                  query_body("SELECT * FROM clicks EMIT CHANGES;"));
    std::string got = s.read_until("[\"u3\"");
    ASSERT_NE(got.find("[\"u3\""), std::string::npos) << got;
    size_t id_at = got.find("transient_");
    ASSERT_NE(id_at, std::string::npos) << got;
    EXPECT_EQ(api_->streaming_queries(), 1u);
    s.close();
    EXPECT_TRUE(test::eventually([&] { return api_->streaming_queries() == 0; }));
    // Ended, so no longer known to /close-query.
    std::string id = got.substr(id_at, got.find('"', id_at) - id_at);
    EXPECT_EQ(
        http_call(server_->port(), "POST", "/close-query", R"({"queryId":")" + id + R"("})").status,
        400);
    EXPECT_EQ(http_call(server_->port(), "GET", "/info").status, 200);
}

TEST_F(KsqlQueryTest, CloseQueryEndsAStream) {
    http_stream s(server_->port(), "POST", "/query-stream",
                  query_body("SELECT page FROM clicks EMIT CHANGES;"));
    std::string got = s.read_until("columnTypes");
    size_t id_at = got.find("transient_");
    ASSERT_NE(id_at, std::string::npos) << got;
    std::string id = got.substr(id_at, got.find('"', id_at) - id_at);
    auto closed =
        http_call(server_->port(), "POST", "/close-query", R"({"queryId":")" + id + R"("})");
    EXPECT_EQ(closed.status, 200) << closed.body;
    std::string all = s.read_all();  // the server ends the response
    EXPECT_NE(all.find("0\r\n\r\n"), std::string::npos) << all;
}

TEST_F(KsqlQueryTest, QueryErrorsHaveKsqlDbShapes) {
    auto unknown =
        http_call(server_->port(), "POST", "/query", ksql_body("SELECT * FROM nope EMIT CHANGES;"));
    EXPECT_EQ(unknown.status, 400) << unknown.body;
    EXPECT_EQ(num(parse(unknown.body)->root, "error_code"), 40001);
    EXPECT_EQ(unknown.header("Transfer-Encoding"), "");

    auto not_select = http_call(server_->port(), "POST", "/query", ksql_body("SHOW STREAMS;"));
    EXPECT_EQ(not_select.status, 400);
    EXPECT_EQ(str(parse(not_select.body)->root, "@type"), "statement_error");

    auto malformed = http_call(server_->port(), "POST", "/query-stream", R"({"sql": 1})");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(num(parse(malformed.body)->root, "error_code"), 40000);
}

TEST_F(KsqlQueryTest, SessionVariablesAreSubstitutedForTheRequestOnly) {
    // As ksqlDB's CLI sends its DEFINEs: with every request.
    auto described =
        http_call(server_->port(), "POST", "/ksql",
                  R"({"ksql":"DESCRIBE ${src};","sessionVariables":{"SRC":"clicks"}})");
    ASSERT_EQ(described.status, 200) << described.body;
    EXPECT_EQ(str(parse(described.body)->root.at(0)["sourceDescription"], "name"), "CLICKS");
    // A DEFINE in the request wins over the session variable for what follows.
    auto redefined = http_call(
        server_->port(), "POST", "/ksql",
        R"({"ksql":"DEFINE src = 'nope'; DESCRIBE ${src};","sessionVariables":{"src":"clicks"}})");
    EXPECT_EQ(redefined.status, 400) << redefined.body;
    EXPECT_NE(redefined.body.find("NOPE"), std::string::npos) << redefined.body;
    // Gone after the request.
    auto after = http_call(server_->port(), "POST", "/ksql", ksql_body("DESCRIBE ${src};"));
    EXPECT_EQ(after.status, 400) << after.body;

    // A number is substituted as its JSON text, on /query and /query-stream.
    auto r = http_call(server_->port(), "POST", "/query",
                       R"({"ksql":"SELECT n FROM ${src} WHERE n >= ${n} EMIT CHANGES LIMIT 2;",)"
                       R"("sessionVariables":{"src":"clicks","n":2},)"
                       R"("streamsProperties":{"auto.offset.reset":"earliest"}})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    ASSERT_EQ(count(d->root), 4u) << r.body;
    int64_t n = 0;
    ASSERT_EQ(d->root.at(1)["row"]["columns"].at(0).get(n), simdjson::SUCCESS) << r.body;
    EXPECT_EQ(n, 2);
    auto s =
        http_call(server_->port(), "POST", "/query-stream",
                  R"({"sql":"SELECT page FROM clicks WHERE n = ${n} EMIT CHANGES LIMIT 1;",)"
                  R"("sessionVariables":{"n":3},"properties":{"auto.offset.reset":"earliest"}})");
    ASSERT_EQ(s.status, 200) << s.body;
    auto lines = lines_of(s.body);
    ASSERT_EQ(lines.size(), 2u) << s.body;
    EXPECT_EQ(lines[1], R"(["home"])");
}

TEST_F(KsqlQueryTest, PrintOnQueryStreamsTheRecordsAsText) {
    auto r = http_call(server_->port(), "POST", "/query",
                       ksql_body("PRINT 'clicks' FROM BEGINNING LIMIT 2;"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
    auto lines = lines_of(r.body);
    ASSERT_EQ(lines.size(), 4u) << r.body;
    EXPECT_EQ(lines[0], "Key format: KAFKA_STRING") << r.body;
    EXPECT_EQ(lines[1], "Value format: JSON or KAFKA_STRING") << r.body;
    EXPECT_NE(lines[2].find(R"(key: u1, value: {"page":"home","n":1}, partition: 0)"),
              std::string::npos)
        << r.body;
    EXPECT_NE(lines[3].find("key: u2"), std::string::npos) << r.body;

    // ksqlDB's message for an unknown topic, with the case-insensitive match.
    auto unknown = http_call(server_->port(), "POST", "/query", ksql_body("PRINT CLICKS;"));
    EXPECT_EQ(unknown.status, 400) << unknown.body;
    auto d = parse(unknown.body);
    EXPECT_EQ(num(d->root, "error_code"), 40000);
    EXPECT_NE(str(d->root, "message").find("Could not find topic 'CLICKS'"), std::string::npos);
    EXPECT_NE(str(d->root, "message").find("print clicks;"), std::string::npos);

    // /query-stream runs SELECTs only.
    auto stream = http_call(server_->port(), "POST", "/query-stream",
                            query_body("PRINT 'clicks' FROM BEGINNING LIMIT 1;"));
    EXPECT_EQ(stream.status, 400) << stream.body;
}

TEST_F(KsqlQueryTest, PrintSendsHeartbeatsAndStopsWhenTheClientHangsUp) {
    http_stream s(server_->port(), "POST", "/query", ksql_body("PRINT 'clicks' FROM BEGINNING;"));
    std::string got = s.read_until("key: u3");
    ASSERT_NE(got.find("key: u3"), std::string::npos) << got;
    // Nothing more to print: an empty line (a bare "\n" chunk) a second.
    got = s.read_until("1\r\n\n\r\n");
    EXPECT_NE(got.find("1\r\n\n\r\n"), std::string::npos) << got;
    s.close();
    test::produce(*broker_, "clicks", {{.key = "u4", .value = "{}"}});
    EXPECT_EQ(http_call(server_->port(), "GET", "/info").status, 200);
}

TEST_F(KsqlRestTest, InfoAndHealthcheck) {
    auto info = http_call(server_->port(), "GET", "/info");
    ASSERT_EQ(info.status, 200) << info.body;
    auto d = parse(info.body);
    auto si = d->root["KsqlServerInfo"];
    EXPECT_EQ(str(si, "version"), "9.8.7");
    EXPECT_EQ(str(si, "ksqlServiceId"), "rest_test_");
    EXPECT_EQ(str(si, "serverStatus"), "RUNNING");
    EXPECT_FALSE(str(si, "kafkaClusterId").empty()) << info.body;

    auto health = http_call(server_->port(), "GET", "/healthcheck");
    ASSERT_EQ(health.status, 200) << health.body;
    auto h = parse(health.body);
    EXPECT_EQ(h->root["isHealthy"].get_bool().value(), true);
    EXPECT_EQ(h->root["details"]["kafka"]["isHealthy"].get_bool().value(), true);
}

}  // namespace
}  // namespace cs::streams::rest
