#include <filesystem>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/jdbc_source_connector.h"
#include "connect/connectors/jdbc/jdbc_source_task.h"

namespace cs::connect::jdbc {
namespace {

class JdbcSourceSqlite : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("cs-jdbc-src-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        url_ = "jdbc:sqlite:" + (dir_ / "src.db").string();
        auto c = open_connection({url_, "", "", 10});
        ASSERT_TRUE(c.ok());
        db_ = std::move(*c);
    }
    void TearDown() override {
        db_.reset();
        std::filesystem::remove_all(dir_);
    }
    void exec(const std::string& sql) { ASSERT_TRUE(db_->execute(sql).ok()) << sql; }

    std::filesystem::path dir_;
    std::string url_;
    std::unique_ptr<db_connection> db_;
};

std::vector<record> drain(jdbc_source_task& t) {
    std::vector<record> out;
    for (;;) {
        auto r = t.poll(0);
        EXPECT_TRUE(r.ok()) << r.err().message;
        if (!r.ok() || r->empty()) {
            return out;
        }
        out.insert(out.end(), r->begin(), r->end());
    }
}

TEST_F(JdbcSourceSqlite, IncrementingModeAndResume) {
    exec(
        "CREATE TABLE users (id INTEGER PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, "
        "signup TIMESTAMP, score REAL)");
    exec(
        "INSERT INTO users VALUES (1, 'user_1', '2025-04-30 12:00:00', 1.5), (2, 'user_2', "
        "NULL, NULL), (3, 'user_3', '2025-04-30 12:00:02.250', 3)");
    config_map c{{"name", "s"},
                 {"connection.url", url_},
                 {"mode", "incrementing"},
                 {"incrementing.column.name", "id"},
                 {"topic.prefix", "lite-"},
                 {"poll.interval.ms", "500"}};
    auto plugin = make_jdbc_source_connector();
    EXPECT_TRUE(plugin->validate(c).empty());
    auto tcs = plugin->task_configs(c, 2);  // every table of the database
    ASSERT_EQ(tcs.size(), 1u);
    EXPECT_EQ(tcs[0]["tables"], "users");
    manual_clock clk;
    jdbc_source_task task(clk);
    ASSERT_TRUE(task.start(tcs[0], {}).ok());
    auto rows = drain(task);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].topic, "lite-users");
    const auto& v = rows[2].value.as_struct();
    EXPECT_EQ(*v.get("id"), data(int64_t{3}));
    EXPECT_EQ(*v.get("signup"), data(int64_t{1746014402250}));
    EXPECT_EQ(*v.get("score"), data(3.0));
    EXPECT_TRUE(rows[1].value.as_struct().get("signup")->is_null());
    EXPECT_EQ(rows[2].source_offset, data::map({{"incrementing", int64_t{3}}}));

    exec("INSERT INTO users VALUES (4, 'user_4', NULL, NULL)");
    clk.advance_ms(500);
    auto more = drain(task);
    ASSERT_EQ(more.size(), 1u);

    jdbc_source_task resumed(clk);
    ASSERT_TRUE(resumed
                    .start(tcs[0], {{data::map({{"table", "users"}}),
                                     data::map({{"incrementing", int64_t{2}}})}})
                    .ok());
    auto after = drain(resumed);
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(*after[0].value.as_struct().get("user_id"), data("user_3"));
}

TEST_F(JdbcSourceSqlite, ConfigProblems) {
    auto plugin = make_jdbc_source_connector();
    auto p = plugin->validate({{"connection.url", url_}, {"mode", "incrementing"}});
    std::vector<std::string> keys;
    for (const auto& x : p) {
        keys.push_back(x.key);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"incrementing.column.name", "topic.prefix"}));
    EXPECT_FALSE(
        plugin->validate({{"connection.url", url_}, {"mode", "sometimes"}, {"topic.prefix", "x"}})
            .empty());
}

}  // namespace
}  // namespace cs::connect::jdbc
