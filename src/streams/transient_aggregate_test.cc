// engine::run_transient of push queries with GROUP BY against our broker:
// a row per update of a group, grouping by the key or by any column over
// several partitions, windows (WINDOWSTART / WINDOWEND as selected),
// HAVING, EMIT FINAL, LIMIT, auto.offset.reset and stop.

#include <gtest/gtest.h>

#include "streams/transient_test_util.h"

namespace cs::streams {
namespace {

using TransientAggregateTest = test::transient_fixture;
using test::collecting_sink;

// A click of user on /p worth n at time ts.
test::test_record at(const std::string& user, int n, int64_t ts) {
    return test::test_record{
        .key = user, .value = R"({"PAGE":"/p","N":)" + std::to_string(n) + "}", .timestamp_ms = ts};
}

std::vector<std::string> column_names(const transient_header& h) {
    std::vector<std::string> names;
    for (const auto& c : h.columns) {
        names.push_back(c.name + " " + c.type + (c.key ? " KEY" : ""));
    }
    return names;
}

TEST_F(TransientAggregateTest, CountAndSumPerKeyShowEveryUpdateOfAGroup) {
    auto e = make_engine();
    clicks(*e, 1);
    click("a", "/before", 100);  // before the query (latest): not counted
    collecting_sink sink;
    auto f = start(*e,
                   "SELECT user, COUNT(*) AS c, SUM(n) AS total, SUM(n) * 10 + COUNT(*) AS mixed "
                   "FROM clicks GROUP BY user EMIT CHANGES LIMIT 4;",
                   sink);
    sink.wait_header();
    EXPECT_FALSE(sink.header().pull);
    EXPECT_TRUE(sink.header().query_id.starts_with("transient_CLICKS_"));
    EXPECT_EQ(
        column_names(sink.header()),
        (std::vector<std::string>{"USER STRING", "C BIGINT", "TOTAL INTEGER", "MIXED BIGINT"}));
    click("a", "/1", 1);
    click("b", "/2", 2);
    click("a", "/3", 3);
    click("a", "/4", 4);
    expect_ends(f);
    EXPECT_EQ(sink.rows(),
              (std::vector<std::string>{"a|1|1|11", "b|1|2|21", "a|2|4|42", "a|3|8|83"}));
}

TEST_F(TransientAggregateTest, GroupsByANonKeyColumnAcrossEveryPartition) {
    auto e = make_engine();
    clicks(*e, 3);
    // The same page from users in every partition: one group each.
    std::vector<test::test_record> in;
    const char* pages[] = {"/a", "/b", "/a", "/a", "/b", "/a"};
    for (int i = 0; i < 6; ++i) {
        in.push_back({.key = "u" + std::to_string(i),
                      .value = std::string(R"({"PAGE":")") + pages[i] + R"(","N":)" +
                               std::to_string(i) + "}",
                      .partition = i % 3});
    }
    test::produce(*broker_, "clicks", in);
    {
        collecting_sink sink;
        run_from_start(*e,
                       "SELECT page, COUNT(*) AS c FROM clicks GROUP BY page EMIT CHANGES "
                       "LIMIT 6;",
                       sink);
        // The order across partitions is not fixed; each group counts up.
        EXPECT_EQ(sink.sorted_rows(),
                  (std::vector<std::string>{"/a|1", "/a|2", "/a|3", "/a|4", "/b|1", "/b|2"}));
    }
    {
        // The GROUP BY expression need not be selected (ksqlDB's transient
        // queries); the columns are the SELECT list's.
        collecting_sink sink;
        run_from_start(*e,
                       "SELECT COUNT(*) FROM clicks WHERE n > 0 GROUP BY UCASE(page) "
                       "EMIT CHANGES LIMIT 5;",
                       sink);
        EXPECT_EQ(column_names(sink.header()), (std::vector<std::string>{"KSQL_COL_0 BIGINT"}));
        EXPECT_EQ(sink.sorted_rows(), (std::vector<std::string>{"1", "1", "2", "2", "3"}));
    }
}

TEST_F(TransientAggregateTest, AnAggregateWithoutGroupByIsOneGroup) {
    auto e = make_engine();
    clicks(*e, 2);
    click("a", "/1", 1);
    click("b", "/2", 2);
    click("c", "/3", 3);
    collecting_sink sink;
    run_from_start(*e, "SELECT COUNT(*) AS count FROM clicks EMIT CHANGES LIMIT 3;", sink);
    EXPECT_EQ(column_names(sink.header()), (std::vector<std::string>{"COUNT BIGINT"}));
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"1", "2", "3"}));

    // A pull query has no implicit group.
    collecting_sink pull;
    auto st = query(*e, "SELECT COUNT(*) FROM clicks;", pull);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("requires a GROUP BY clause"), std::string::npos) << st.message();
}

TEST_F(TransientAggregateTest, WindowsShowTheirBoundsWhereSelected) {
    auto e = make_engine();
    clicks(*e, 1);
    test::produce(
        *broker_, "clicks",
        {at("a", 1, 60'005), at("a", 1, 60'010), at("b", 1, 61'000), at("a", 1, 125'000)});
    {
        collecting_sink sink;
        run_from_start(*e,
                       "SELECT user, WINDOWSTART AS ws, WINDOWEND, COUNT(*) AS c FROM clicks "
                       "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user EMIT CHANGES LIMIT 4;",
                       sink);
        EXPECT_EQ(
            column_names(sink.header()),
            (std::vector<std::string>{"USER STRING", "WS BIGINT", "WINDOWEND BIGINT", "C BIGINT"}));
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"a|60000|120000|1", "a|60000|120000|2",
                                                         "b|60000|120000|1", "a|120000|180000|1"}));
    }
    {
        // Not selected, the bounds are no columns (as ksqlDB's).
        collecting_sink sink;
        run_from_start(*e,
                       "SELECT user, COUNT(*) AS c FROM clicks WINDOW HOPPING (SIZE 1 MINUTE, "
                       "ADVANCE BY 30 SECONDS) GROUP BY user EMIT CHANGES LIMIT 2;",
                       sink);
        EXPECT_EQ(column_names(sink.header()),
                  (std::vector<std::string>{"USER STRING", "C BIGINT"}));
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"a|1", "a|1"}));  // two windows
    }
    {
        // A session grows: the merged session's row (the old one's
        // deletion is no row).
        collecting_sink sink;
        run_from_start(*e,
                       "SELECT user, WINDOWSTART, WINDOWEND, COUNT(*) AS c FROM clicks WINDOW "
                       "SESSION (30 SECONDS) GROUP BY user EMIT CHANGES LIMIT 4;",
                       sink);
        EXPECT_EQ(sink.rows(), (std::vector<std::string>{"a|60005|60005|1", "a|60005|60010|2",
                                                         "b|61000|61000|1", "a|125000|125000|1"}));
    }
}

TEST_F(TransientAggregateTest, EmitFinalShowsAWindowOnceWhenItCloses) {
    auto e = make_engine();
    clicks(*e, 1);
    test::produce(*broker_, "clicks",
                  {at("a", 1, 1'000), at("a", 2, 1'500), at("b", 5, 1'900), at("a", 3, 2'500),
                   at("a", 4, 4'100)});
    collecting_sink sink;
    run_from_start(*e,
                   "SELECT user, WINDOWSTART AS ws, SUM(n) AS s FROM clicks WINDOW TUMBLING "
                   "(SIZE 1 SECOND, GRACE PERIOD 0 SECONDS) GROUP BY user EMIT FINAL LIMIT 3;",
                   sink);
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"a|1000|3", "b|1000|5", "a|2000|3"}));
}

TEST_F(TransientAggregateTest, HavingShowsOnlyTheGroupsThatPass) {
    auto e = make_engine();
    clicks(*e, 1);
    click("a", "/1", 5);
    click("a", "/2", 6);  // SUM 11: a leaves the result, which is no row
    click("b", "/3", 1);
    click("b", "/4", 1);
    click("a", "/5", 1);  // SUM 12
    collecting_sink sink;
    run_from_start(*e,
                   "SELECT user, SUM(n) AS s FROM clicks GROUP BY user HAVING SUM(n) < 10 EMIT "
                   "CHANGES LIMIT 3;",
                   sink);
    EXPECT_EQ(sink.rows(), (std::vector<std::string>{"a|5", "b|1", "b|2"}));

    collecting_sink counted;
    run_from_start(
        *e, "SELECT user FROM clicks GROUP BY user HAVING COUNT(*) > 1 EMIT CHANGES LIMIT 3;",
        counted);
    EXPECT_EQ(counted.rows(), (std::vector<std::string>{"a", "b", "a"}));
}

TEST_F(TransientAggregateTest, LatestStartsFromNoStateAndStopEndsIt) {
    auto e = make_engine();
    clicks(*e, 2);
    click("a", "/old", 1);
    click("a", "/old", 1);
    std::stop_source stop;
    collecting_sink sink;
    auto f = start(*e, "SELECT user, COUNT(*) AS c FROM clicks GROUP BY user EMIT CHANGES;", sink,
                   stop.get_token());
    sink.wait_header();
    click("a", "/new", 1);
    click("b", "/new", 1);
    click("a", "/new", 1);
    ASSERT_TRUE(test::eventually([&] { return sink.rows().size() == 3; }));
    stop.request_stop();
    expect_ends(f);
    // The records before it started are not in the counts.
    EXPECT_EQ(sink.sorted_rows(), (std::vector<std::string>{"a|1", "a|2", "b|1"}));

    collecting_sink earliest;
    run_from_start(*e, "SELECT user, COUNT(*) AS c FROM clicks GROUP BY user EMIT CHANGES LIMIT 5;",
                   earliest);
    EXPECT_EQ(earliest.sorted_rows(),
              (std::vector<std::string>{"a|1", "a|2", "a|3", "a|4", "b|1"}));

    collecting_sink none;
    auto st = query(
        *e, "SELECT user, COUNT(*) AS c FROM clicks GROUP BY user EMIT CHANGES LIMIT 0;", none);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_TRUE(none.rows().empty());

    // A pull query keeps ksqlDB's refusal.
    collecting_sink pull;
    st = query(*e, "SELECT user, COUNT(*) FROM clicks GROUP BY user;", pull);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("Pull queries don't support GROUP BY clauses."), std::string::npos)
        << st.message();
}

}  // namespace
}  // namespace cs::streams
