// engine::run_transient against our broker: push queries (LIMIT, offsets,
// joins, stop), pull queries (a table's latest rows, a stream's scan), the
// refusals, and transient queries beside other statements on other threads.

#include "streams/transient_query.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "streams/engine.h"
#include "streams/parser.h"
#include "streams/test_kafka.h"
#include "streams/transient_test_util.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

using TransientQueryTest = test::transient_fixture;
using test::collecting_sink;

TEST_F(TransientQueryTest, PushQueryWithLimitDeliversTheMatchingRowsProducedAfterItStarts) {
    auto e = make_engine();
    clicks(*e);
    click("old", "/before", 50);  // before the query: latest skips it
    collecting_sink sink;
    auto f = start(*e,
                   "SELECT user, page, n * 2 AS twice FROM clicks WHERE n >= 10 EMIT CHANGES "
                   "LIMIT 3;",
                   sink);
    sink.wait_header();
    const transient_header h = sink.header();
    EXPECT_FALSE(h.pull);
    EXPECT_TRUE(h.query_id.starts_with("transient_CLICKS_")) << h.query_id;
    ASSERT_EQ(h.columns.size(), 3u);
    EXPECT_EQ(h.columns[0].name, "USER");
    EXPECT_EQ(h.columns[0].type, "STRING");
    EXPECT_TRUE(h.columns[0].key);
    EXPECT_EQ(h.columns[2].name, "TWICE");
    EXPECT_EQ(h.columns[2].type, "INTEGER");
    EXPECT_FALSE(h.columns[2].key);

    click("u1", "/a", 10);
    click("u2", "/b", 1);  // filtered
    click("u3", "/c", 20);
    click("u4", "/d", 30);
    expect_ends(f);  // at the third row
    click("u5", "/e", 40);
    auto rows = sink.rows();
    ASSERT_EQ(rows.size(), 3u);
    // Two partitions: the order across them is not fixed.
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows, (std::vector<std::string>{"u1|/a|20", "u3|/c|40", "u4|/d|60"}));
    for (const auto& r : rows) {
        EXPECT_EQ(r.find("old"), std::string::npos);
    }
}

TEST_F(TransientQueryTest, EarliestFromSetOrFromTheRequestReadsWhatWasThere) {
    auto e = make_engine();
    clicks(*e, 1);
    click("a", "/1", 1);
    click("b", "/2", 2);
    {
        collecting_sink sink;
        auto st = query(*e, "SELECT page FROM clicks EMIT CHANGES LIMIT 2;", sink,
                        {{"auto.offset.reset", "earliest"}});
        ASSERT_TRUE(st.ok()) << st.message();
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"/1", "/2"}));
    }
    EXPECT_EQ(test::run_script(*e, "SET 'auto.offset.reset'='earliest';"),
              "Successfully changed local property 'auto.offset.reset' to 'earliest'.");
    collecting_sink sink;
    auto st = query(*e, "SELECT user, n FROM clicks EMIT CHANGES LIMIT 2;", sink);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"a|1", "b|2"}));

    collecting_sink bad;
    auto wrong = query(*e, "SELECT user FROM clicks EMIT CHANGES LIMIT 1;", bad,
                       {{"auto.offset.reset", "sometimes"}});
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.message().find("sometimes"), std::string::npos) << wrong.message();
}

TEST_F(TransientQueryTest, PushQueryJoinsATable) {
    auto e = make_engine();
    clicks(*e, 1);
    test::run_script(*e,
                     "CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH "
                     "(KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);");
    test::produce(
        *broker_, "users",
        {{.key = "u1", .value = R"({"NAME":"Ann"})"}, {.key = "u2", .value = R"({"NAME":"Bob"})"}});
    click("u2", "/x", 1);
    click("u9", "/y", 2);  // no user: NULL name (LEFT JOIN)
    click("u1", "/z", 3);
    collecting_sink sink;
    auto st = query(*e,
                    "SELECT c.user, u.name, c.page FROM clicks c LEFT JOIN users u ON c.user = "
                    "u.id EMIT CHANGES LIMIT 3;",
                    sink, {{"auto.offset.reset", "earliest"}});
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"u2|Bob|/x", "u9|null|/y", "u1|Ann|/z"}));
}

TEST_F(TransientQueryTest, PushQueryExplodesArraysIntoRows) {
    auto e = make_engine();
    test::run_script(*e,
                     "CREATE STREAM carts (user_id STRING KEY, items ARRAY<STRING>) WITH "
                     "(KAFKA_TOPIC='carts', VALUE_FORMAT='JSON', PARTITIONS=1);");
    test::produce(*broker_, "carts",
                  {{.key = "u1", .value = R"({"ITEMS":["a","b"]})"},
                   {.key = "u2", .value = R"({"ITEMS":[]})"},
                   {.key = "u3", .value = R"({"ITEMS":["c"]})"}});
    collecting_sink sink;
    auto st = query(*e, "SELECT user_id, EXPLODE(items) AS item FROM carts EMIT CHANGES LIMIT 3;",
                    sink, {{"auto.offset.reset", "earliest"}});
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"u1|a", "u1|b", "u3|c"}));
}

TEST_F(TransientQueryTest, PullQueryOnATableShowsTheLatestRowPerKey) {
    auto e = make_engine();
    test::run_script(*e,
                     "CREATE TABLE t (id STRING PRIMARY KEY, v INT) WITH "
                     "(KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=2);");
    test::produce(*broker_, "t",
                  {{.key = "k1", .value = R"({"V":1})"},
                   {.key = "k2", .value = R"({"V":2})"},
                   {.key = "k1", .value = R"({"V":3})"},
                   {.key = "k3", .value = R"({"V":5})"},
                   {.key = "k4", .value = R"({"V":"not a number"})"},  // skipped
                   {.key = "k2"}});                                    // tombstone
    {
        collecting_sink sink;
        auto st = query(*e, "SELECT * FROM t;", sink);
        ASSERT_TRUE(st.ok()) << st.message();
        EXPECT_TRUE(sink.header().pull);
        ASSERT_EQ(sink.header().columns.size(), 2u);
        EXPECT_TRUE(sink.header().columns[0].key);
        EXPECT_EQ(sink.sorted_rows(), (std::vector<std::string>{"k1|3", "k3|5"}));
    }
    {
        collecting_sink sink;
        ASSERT_TRUE(query(*e, "SELECT v FROM t WHERE id = 'k1';", sink).ok());
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"3"}));
    }
    {
        // The SELECT list's order, the key column too (ksqlDB's FinalProjectNode).
        collecting_sink sink;
        ASSERT_TRUE(query(*e, "SELECT v, id FROM t WHERE id = 'k1';", sink).ok());
        ASSERT_EQ(sink.header().columns.size(), 2u);
        EXPECT_EQ(sink.header().columns[0].name, "V");
        EXPECT_FALSE(sink.header().columns[0].key);
        EXPECT_EQ(sink.header().columns[1].name, "ID");
        EXPECT_TRUE(sink.header().columns[1].key);
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"3|k1"}));
    }
    {
        collecting_sink sink;
        ASSERT_TRUE(query(*e, "SELECT id FROM t WHERE v > 4;", sink).ok());
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"k3"}));
    }
    {
        collecting_sink sink;
        ASSERT_TRUE(query(*e, "SELECT id FROM t LIMIT 1;", sink).ok());
        EXPECT_EQ(sink.rows().size(), 1u);
    }
    {
        // A key whose latest row fails WHERE is not shown (an older one passed).
        collecting_sink sink;
        ASSERT_TRUE(query(*e, "SELECT id FROM t WHERE v = 1;", sink).ok());
        EXPECT_TRUE(sink.rows().empty()) << ::testing::PrintToString(sink.rows());
    }
}

TEST_F(TransientQueryTest, PushQueryOnATableShowsItsChangesButNotItsDeletions) {
    auto e = make_engine();
    test::run_script(*e,
                     "CREATE TABLE t (id STRING PRIMARY KEY, v INT) WITH "
                     "(KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);");
    test::produce(*broker_, "t",
                  {{.key = "k1", .value = R"({"V":1})"},
                   {.key = "k2", .value = R"({"V":2})"},
                   {.key = "k2"},
                   {.key = "k1", .value = R"({"V":3})"}});
    collecting_sink sink;
    auto st = query(*e, "SELECT id, v FROM t EMIT CHANGES LIMIT 3;", sink,
                    {{"auto.offset.reset", "earliest"}});
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"k1|1", "k2|2", "k1|3"}));
}

TEST_F(TransientQueryTest, PullQueryReadsTheTableOfAnAggregation) {
    auto e = make_engine();
    clicks(*e);
    test::run_script(*e,
                     "SET 'auto.offset.reset'='earliest';\n"
                     "CREATE TABLE per_user AS SELECT user, COUNT(*) AS c FROM clicks GROUP BY "
                     "user;");
    click("a", "/1", 1);
    click("b", "/2", 1);
    click("a", "/3", 1);
    std::vector<std::string> rows;
    ASSERT_TRUE(test::eventually([&] {
        collecting_sink sink;
        auto st = query(*e, "SELECT * FROM per_user;", sink);
        EXPECT_TRUE(st.ok()) << st.message();
        rows = sink.sorted_rows();
        return rows == std::vector<std::string>{"a|2", "b|1"};
    })) << ::testing::PrintToString(rows);
    collecting_sink one;
    ASSERT_TRUE(query(*e, "SELECT c FROM per_user WHERE user = 'a';", one).ok());
    EXPECT_EQ(one.rows(), (std::vector<std::string>{"2"}));
}

TEST_F(TransientQueryTest, PullQueryScansAStreamToItsEnd) {
    auto e = make_engine();
    clicks(*e, 1);
    for (int i = 1; i <= 5; ++i) {
        click("u" + std::to_string(i), "/p", i);
    }
    {
        collecting_sink sink;
        auto st = query(*e, "SELECT user FROM clicks LIMIT 3;", sink);
        ASSERT_TRUE(st.ok()) << st.message();
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"u1", "u2", "u3"}));
    }
    collecting_sink sink;
    auto st = query(*e, "SELECT user, n FROM clicks WHERE n <> 2;", sink);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"u1|1", "u3|3", "u4|4", "u5|5"}));

    // An empty stream: the scan ends at once with no rows.
    test::run_script(*e,
                     "CREATE STREAM empty (a INT) WITH (KAFKA_TOPIC='empty', "
                     "VALUE_FORMAT='JSON', PARTITIONS=3);");
    collecting_sink none;
    ASSERT_TRUE(query(*e, "SELECT * FROM empty;", none).ok());
    EXPECT_TRUE(none.rows().empty());
}

TEST_F(TransientQueryTest, RefusesWhatKsqlDbRefusesAndWhatIsNotSupportedYet) {
    auto e = make_engine();
    clicks(*e, 1);
    test::run_script(*e,
                     "CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH "
                     "(KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);");
    auto fails_with = [&](const std::string& sql, const std::string& text) {
        collecting_sink sink;
        auto st = query(*e, sql, sink);
        ASSERT_FALSE(st.ok()) << sql;
        EXPECT_NE(st.message().find(text), std::string::npos) << st.message();
    };
    fails_with("SELECT * FROM clicks c JOIN users u ON c.user = u.id;",
               "Pull queries don't support JOIN clauses.");
    fails_with("SELECT user, COUNT(*) FROM clicks GROUP BY user;",
               "Pull queries don't support GROUP BY clauses.");
    fails_with("SELECT * FROM nowhere EMIT CHANGES;", "NOWHERE");
    // execute() does not run it: it has rows to stream.
    auto r = e->execute(parse("SELECT * FROM clicks EMIT CHANGES;"));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message.find("run_transient"), std::string::npos) << r.err().message;
}

TEST_F(TransientQueryTest, StopTokenAndARefusingSinkEndAPushQuery) {
    auto e = make_engine();
    clicks(*e, 1);
    std::stop_source stop;
    collecting_sink sink;
    auto f = start(*e, "SELECT * FROM clicks EMIT CHANGES;", sink, stop.get_token());
    sink.wait_header();
    click("a", "/1", 1);
    ASSERT_TRUE(test::eventually([&] { return sink.rows().size() == 1; }));
    stop.request_stop();
    expect_ends(f);

    collecting_sink refusing;
    refusing.refuse_after_ = 2;
    auto g = start(*e, "SELECT page FROM clicks EMIT CHANGES;", refusing);
    refusing.wait_header();
    click("b", "/2", 2);
    click("c", "/3", 3);
    click("d", "/4", 4);
    expect_ends(g);
    EXPECT_EQ(refusing.rows(), (std::vector<std::string>{"/2", "/3"}));
}

TEST_F(TransientQueryTest, TransientQueriesRunBesideStatementsOnOtherThreads) {
    auto e = make_engine();
    clicks(*e, 1);
    std::stop_source stop;
    collecting_sink push;
    auto f = start(*e, "SELECT page FROM clicks EMIT CHANGES;", push, stop.get_token());
    push.wait_header();
    // While it runs: statements on this thread, a pull query on another.
    std::thread other([&] {
        for (int i = 0; i < 3; ++i) {
            collecting_sink pull;
            auto st = e->run_transient(parse("SELECT * FROM clicks;"), pull, {});
            EXPECT_TRUE(st.ok()) << st.message();
        }
    });
    for (int i = 0; i < 3; ++i) {
        std::string name = "s" + std::to_string(i);
        EXPECT_EQ(test::run_script(*e, "CREATE STREAM " + name +
                                           " (a INT) WITH (KAFKA_TOPIC='clicks', "
                                           "VALUE_FORMAT='JSON');"),
                  "Stream created");
        EXPECT_NE(test::run_script(*e, "SHOW STREAMS;").find(" S" + std::to_string(i) + " "),
                  std::string::npos);
    }
    other.join();
    click("a", "/during", 1);
    ASSERT_TRUE(test::eventually([&] { return push.rows().size() == 1; }));
    EXPECT_EQ(push.rows()[0], "/during");
    stop.request_stop();
    expect_ends(f);
}

}  // namespace
}  // namespace cs::streams
