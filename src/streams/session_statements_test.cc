// The statements of a session against our broker: PRINT (engine::run_print),
// DEFINE / UNDEFINE / SHOW VARIABLES and ${name} substitution, DESCRIBE
// FUNCTION, DESCRIBE STREAMS|TABLES, ALTER ... ADD COLUMN (through the
// command topic) and RUN SCRIPT's refusal outside the CLI.

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "streams/engine.h"
#include "streams/parser.h"
#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

class SessionStatementsTest : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    std::unique_ptr<engine> make_engine(const std::string& service_id = "default_",
                                        std::map<std::string, std::string> variables = {}) {
        engine_options o;
        o.service_id = service_id;
        o.variables = std::move(variables);
        return test::start_engine(*broker_, std::move(o));
    }

    static ast::statement parse(const std::string& sql) { return test::parse_one(sql); }

    static status fails(engine& e, const std::string& sql) {
        std::vector<std::string> out;
        return e.execute_script(sql, out);
    }

    // PRINT's lines (run to its end on this thread).
    static std::vector<std::string> print(engine& e, const std::string& sql, status* st = nullptr) {
        std::vector<std::string> lines;
        std::stop_source never;
        auto s = e.run_print(
            parse(sql),
            [&](const std::string& l) {
                lines.push_back(l);
                return true;
            },
            never.get_token());
        if (st != nullptr) {
            *st = s;
        } else {
            EXPECT_TRUE(s.ok()) << s.message();
        }
        return lines;
    }

    void clicks(engine& e) {
        test::run_script(e,
                         "CREATE STREAM clicks (user STRING KEY, page STRING) WITH "
                         "(KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);");
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
};

TEST_F(SessionStatementsTest, PrintFromBeginningGuessesFormatsAndStopsAtItsLimit) {
    auto e = make_engine();
    clicks(*e);
    test::produce(*broker_, "clicks",
                  {{.key = "u1", .value = R"({"PAGE":"/a"})", .timestamp_ms = 1773849202989},
                   {.key = "u2", .value = R"({"PAGE":"/b"})", .timestamp_ms = 1773849202990},
                   {.key = "u3", .value = R"({"PAGE":"/c"})", .timestamp_ms = 1773849202991}});
    auto lines = print(*e, "PRINT 'clicks' FROM BEGINNING LIMIT 2;");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "Key format: KAFKA_STRING");
    EXPECT_EQ(lines[1], "Value format: JSON or KAFKA_STRING");
    EXPECT_EQ(lines[2],
              "rowtime: 2026/03/18 15:53:22.989 Z, key: u1, value: {\"PAGE\":\"/a\"}, "
              "partition: 0");
    EXPECT_EQ(lines[3],
              "rowtime: 2026/03/18 15:53:22.990 Z, key: u2, value: {\"PAGE\":\"/b\"}, "
              "partition: 0");
    // Every second record.
    lines = print(*e, "PRINT clicks FROM BEGINNING INTERVAL 2 LIMIT 2;");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_NE(lines[3].find("key: u3"), std::string::npos);
}

TEST_F(SessionStatementsTest, PrintWithoutFromBeginningShowsNewRecordsUntilStopped) {
    auto e = make_engine();
    clicks(*e);
    test::produce(*broker_, "clicks", {{.key = "old", .value = "{}"}});
    std::mutex mu;
    std::vector<std::string> lines;
    std::stop_source stop;
    auto done = std::async(std::launch::async, [&] {
        return e->run_print(
            parse("PRINT 'clicks';"),
            [&](const std::string& l) {
                std::lock_guard lock(mu);
                lines.push_back(l);
                return true;
            },
            stop.get_token());
    });
    // Until it has started reading: new records, one at a time.
    bool seen = false;
    for (int i = 0; i < 100 && !seen; ++i) {
        test::produce(*broker_, "clicks", {{.key = "new", .value = "{}"}});
        std::this_thread::sleep_for(100ms);
        std::lock_guard lock(mu);
        seen = lines.size() >= 3;
    }
    ASSERT_TRUE(seen);
    stop.request_stop();
    ASSERT_EQ(done.wait_for(30s), std::future_status::ready);
    EXPECT_TRUE(done.get().ok());
    std::lock_guard lock(mu);
    for (size_t i = 2; i < lines.size(); ++i) {
        EXPECT_NE(lines[i].find("key: new"), std::string::npos) << lines[i];
    }
}

TEST_F(SessionStatementsTest, PrintRefusals) {
    auto e = make_engine();
    clicks(*e);
    status st;
    print(*e, "PRINT CLICKS;", &st);
    EXPECT_EQ(st.code(), errc::not_found);
    EXPECT_EQ(st.message(),
              "Could not find topic 'CLICKS', or the KSQL user does not have permissions to list "
              "the topic. Topic names are case-sensitive.\nDid you mean:\n\tprint clicks;");
    print(*e, "PRINT 'clicks' INTERVAL 0;", &st);
    EXPECT_EQ(st.message(), "INTERVAL must be greater than one, but was: 0");
    EXPECT_TRUE(print(*e, "PRINT 'clicks' LIMIT 0;").empty());
    auto r = e->execute(parse("PRINT 'clicks';"));
    EXPECT_FALSE(r.ok());
}

TEST_F(SessionStatementsTest, VariablesAreSubstitutedInLaterStatements) {
    auto e = make_engine("default_", {{"format", "JSON"}});
    auto out = test::run_script(
        *e,
        "DEFINE name = 'clicks';\n"
        "DEFINE partitions = '1';\n"
        "CREATE STREAM ${name} (user STRING KEY, page STRING) WITH (KAFKA_TOPIC='${name}_topic', "
        "VALUE_FORMAT='${format}', PARTITIONS=${partitions});\n"
        "SHOW VARIABLES;\n"
        "UNDEFINE partitions;\n"
        "UNDEFINE partitions;\n"
        "DESCRIBE ${NAME} EXTENDED;");
    EXPECT_NE(out.find(" Variable Name | Value  \n"), std::string::npos) << out;
    EXPECT_NE(out.find(" format        | JSON   \n"), std::string::npos) << out;
    EXPECT_NE(out.find(" name          | clicks \n"), std::string::npos) << out;
    EXPECT_NE(out.find(" partitions    | 1      \n"), std::string::npos) << out;
    EXPECT_NE(out.find("Cannot undefine variable 'partitions' which was never defined."),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("Kafka topic          : clicks_topic (partitions: 1"), std::string::npos)
        << out;
    // The command topic holds the substituted statement.
    EXPECT_NE(out.find("Statement            : CREATE STREAM clicks (user STRING KEY"),
              std::string::npos)
        << out;
    auto st = fails(*e, "DESCRIBE ${partitions};");
    EXPECT_EQ(st.message(),
              "Illegal argument at Line: 1, Col: 10. Identifier names cannot start with '@' and "
              "may only contain alphanumeric values and '_'. Got: '${partitions}'");
    // Transient queries substitute too (a pull query of the empty stream).
    struct header_sink : row_sink {
        std::vector<std::string> columns;
        void on_header(const transient_header& h) override {
            for (const auto& c : h.columns) {
                columns.push_back(c.name);
            }
        }
        bool on_row(const std::vector<value>&) override { return true; }
    } sink;
    std::stop_source never;
    const char* query = "SELECT page FROM ${name} WHERE page = ${page};";
    auto q = e->run_transient(parse(query), sink, never.get_token());
    EXPECT_EQ(q.message(), "Illegal argument at Line: 1, Col: 39. Got: '${page}'");
    // In an expression a reference is a literal (ksqlDB's grammar tries it
    // first): a string value keeps its quotes.
    test::run_script(*e, "DEFINE page = '''/a''';");
    q = e->run_transient(parse(query), sink, never.get_token());
    EXPECT_TRUE(q.ok()) << q.message();
    EXPECT_EQ(sink.columns, std::vector<std::string>{"PAGE"});
    // Errors point into the substituted statement.
    q = e->run_transient(parse("SELECT nope FROM ${name};"), sink, never.get_token());
    EXPECT_NE(q.message().find("line 1:8"), std::string::npos) << q.message();
    EXPECT_NE(q.message().find("SELECT nope FROM clicks\n       ^"), std::string::npos)
        << q.message();
    // Disabled: a reference outside quotes is refused.
    test::run_script(*e, "SET 'ksql.variable.substitution.enable' = 'false';");
    st = fails(*e, "DESCRIBE ${name};");
    EXPECT_NE(st.message().find("variable substitution is disabled"), std::string::npos);
}

TEST_F(SessionStatementsTest, DescribeFunctionAndAllSources) {
    auto e = make_engine();
    clicks(*e);
    test::run_script(*e,
                     "CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH "
                     "(KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);");
    auto out = test::run_script(*e, "DESCRIBE FUNCTION substring;");
    EXPECT_EQ(out,
              "Name        : SUBSTRING\nType        : SCALAR\nJar         : internal\n"
              "Variations  : \n\n\tVariation   : SUBSTRING(STRING, INTEGER)\n\tReturns     : "
              "STRING\n\n\tVariation   : SUBSTRING(STRING, INTEGER, INTEGER)\n\tReturns     : "
              "STRING\n");
    out = test::run_script(*e, "DESCRIBE FUNCTION SUM;");
    EXPECT_NE(out.find("Type        : AGGREGATE\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\tVariation   : SUM(INTEGER)\n\tReturns     : INTEGER\n"),
              std::string::npos)
        << out;
    out = test::run_script(*e, "DESCRIBE FUNCTION topk;");
    EXPECT_NE(out.find("Type        : AGGREGATE\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\tVariation   : TOPK(INTEGER, INTEGER k)\n\tReturns     : "
                       "ARRAY<INTEGER>\n"),
              std::string::npos)
        << out;
    out = test::run_script(*e, "DESCRIBE FUNCTION correlation;");
    EXPECT_NE(out.find("\tVariation   : CORRELATION(DOUBLE, DOUBLE)\n\tReturns     : DOUBLE\n"),
              std::string::npos)
        << out;
    out = test::run_script(*e, "DESCRIBE FUNCTION sum_list;");
    EXPECT_NE(out.find("\tVariation   : SUM_LIST(ARRAY<BIGINT>)\n\tReturns     : BIGINT\n"),
              std::string::npos)
        << out;
    out = test::run_script(*e, "DESCRIBE FUNCTION log;");
    EXPECT_NE(out.find("Type        : SCALAR\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\tVariation   : LOG(number base, number value)\n\tReturns     : DOUBLE\n"),
              std::string::npos)
        << out;
    out = test::run_script(*e, "SHOW FUNCTIONS;");
    EXPECT_NE(out.find(" ACOS "), std::string::npos) << out;
    EXPECT_NE(out.find(" STDDEV_SAMPLE "), std::string::npos) << out;
    EXPECT_LT(out.find(" CORRELATION "), out.find(" COS "));  // by name, types mixed
    const size_t topk = out.find(" TOPK ");
    ASSERT_NE(topk, std::string::npos) << out;
    EXPECT_EQ(out.substr(topk, out.find('\n', topk) - topk).find("AGGREGATE") == std::string::npos,
              false)
        << out;

    out = test::run_script(*e, "DESCRIBE FUNCTION explode;");
    EXPECT_NE(out.find("Type        : TABLE\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\tVariation   : EXPLODE(ARRAY<T>)\n\tReturns     : T\n"), std::string::npos)
        << out;
    out = test::run_script(*e, "SHOW FUNCTIONS;");
    const size_t explode = out.find(" EXPLODE ");
    ASSERT_NE(explode, std::string::npos) << out;
    EXPECT_NE(out.substr(explode, out.find('\n', explode) - explode).find("TABLE"),
              std::string::npos)
        << out;

    auto st = fails(*e, "DESCRIBE FUNCTION nope;");
    EXPECT_EQ(st.message(), "Can't find any functions with the name 'NOPE'");

    out = test::run_script(*e, "DESCRIBE STREAMS;");
    EXPECT_NE(out.find("Name                 : CLICKS"), std::string::npos) << out;
    EXPECT_EQ(out.find("USERS"), std::string::npos) << out;
    out = test::run_script(*e, "DESCRIBE TABLES EXTENDED;");
    EXPECT_NE(out.find("Name                 : USERS"), std::string::npos) << out;
    EXPECT_NE(out.find("Type                 : TABLE"), std::string::npos) << out;
    EXPECT_EQ(out.find("CLICKS"), std::string::npos) << out;
}

TEST_F(SessionStatementsTest, AlterAddsValueColumnsThroughTheCommandTopic) {
    {
        auto e = make_engine("alter_");
        clicks(*e);
        auto out = test::run_script(
            *e, "ALTER STREAM clicks ADD COLUMN referrer STRING, ADD tags ARRAY<STRING>;");
        EXPECT_EQ(out, "Stream CLICKS altered.");
        out = test::run_script(*e, "DESCRIBE clicks;");
        EXPECT_NE(out.find(" REFERRER | STRING"), std::string::npos) << out;
        EXPECT_NE(out.find(" TAGS     | ARRAY<STRING>"), std::string::npos) << out;

        auto st = fails(*e, "ALTER STREAM clicks ADD page STRING;");
        EXPECT_EQ(st.message(),
                  "Cannot add column PAGE to schema. A column with the same name already "
                  "exists.");
        st = fails(*e, "ALTER TABLE clicks ADD x INT;");
        EXPECT_EQ(st.message(),
                  "Incompatible data source type is STREAM, but statement was ALTER TABLE");
        st = fails(*e, "ALTER STREAM nope ADD x INT;");
        EXPECT_EQ(st.message(), "Source NOPE does not exist.");
        test::run_script(*e, "CREATE STREAM pages AS SELECT user, page FROM clicks;");
        st = fails(*e, "ALTER STREAM pages ADD x INT;");
        EXPECT_EQ(st.message(), "ALTER command is not supported for CREATE ... AS statements.");
        test::run_script(*e,
                         "CREATE SOURCE STREAM ro (a STRING) WITH (KAFKA_TOPIC='clicks', "
                         "VALUE_FORMAT='JSON');");
        st = fails(*e, "ALTER STREAM ro ADD x INT;");
        EXPECT_EQ(st.message(),
                  "Cannot alter stream 'RO': ALTER operations are not supported on source "
                  "streams.");
        // A query planned after it reads the new column.
        test::run_script(*e, "CREATE STREAM refs AS SELECT user, referrer FROM clicks;");
        e->stop_all();
    }
    // Replayed from the command topic.
    auto again = make_engine("alter_");
    auto out = test::run_script(*again, "DESCRIBE clicks EXTENDED;");
    EXPECT_NE(out.find(" REFERRER | STRING"), std::string::npos) << out;
    EXPECT_NE(out.find("ALTER STREAM clicks ADD COLUMN referrer STRING"), std::string::npos) << out;
    again->stop_all();
}

TEST_F(SessionStatementsTest, RunScriptIsTheCommandLinesOwn) {
    auto e = make_engine();
    auto st = fails(*e, "RUN SCRIPT '/tmp/x.sql';");
    EXPECT_EQ(st.code(), errc::unsupported);
    EXPECT_EQ(st.message(),
              "RUN SCRIPT is only available from the command line (clickstream streams)");
}

}  // namespace
}  // namespace cs::streams
