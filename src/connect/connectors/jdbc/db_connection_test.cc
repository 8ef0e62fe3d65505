#include "connect/connectors/jdbc/db_connection.h"

#include <gtest/gtest.h>

#include "connect/connectors/jdbc/postgres_connection.h"
#include "connect/connectors/jdbc/sqlite_connection.h"

namespace cs::connect::jdbc {
namespace {

TEST(PostgresUrl, ParsesHostPortDatabaseAndProperties) {
    auto u = parse_postgres_url("jdbc:postgresql://db:6543/clickdb?sslmode=disable&user=a%40b");
    ASSERT_TRUE(u.ok()) << u.err().message;
    EXPECT_EQ(u->host, "db");
    EXPECT_EQ(u->port, "6543");
    EXPECT_EQ(u->dbname, "clickdb");
    ASSERT_EQ(u->params.size(), 2u);
    EXPECT_EQ(u->params[0], (std::pair<std::string, std::string>{"sslmode", "disable"}));
    EXPECT_EQ(u->params[1], (std::pair<std::string, std::string>{"user", "a@b"}));
}

TEST(PostgresUrl, DefaultsPortAndRejectsJunk) {
    auto u = parse_postgres_url("jdbc:postgresql://postgres/mydb");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "postgres");
    EXPECT_EQ(u->port, "5432");
    EXPECT_FALSE(parse_postgres_url("jdbc:postgresql://h:99999/db").ok());
    EXPECT_FALSE(parse_postgres_url("jdbc:mysql://h/db").ok());
    auto bad = parse_postgres_url("jdbc:postgresql://h/db?reWriteBatchedInserts=true");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("reWriteBatchedInserts"), std::string::npos);
}

TEST(SqliteUrl, PathsAndMemory) {
    EXPECT_EQ(*parse_sqlite_url("jdbc:sqlite::memory:"), ":memory:");
    EXPECT_EQ(*parse_sqlite_url("jdbc:sqlite:/tmp/x.db"), "/tmp/x.db");
    EXPECT_FALSE(dialect_of("jdbc:oracle:thin:@h").ok());
}

TEST(Sqlite, ParameterizedStatementsTransactionsAndMetadata) {
    auto c = open_connection({"jdbc:sqlite::memory:", "", "", 10});
    ASSERT_TRUE(c.ok()) << c.err().message;
    auto& db = **c;
    ASSERT_TRUE(db.execute("CREATE TABLE t (\"k\" TEXT NOT NULL, \"ts\" INTEGER NOT NULL, "
                           "\"v\" REAL, PRIMARY KEY(\"k\",\"ts\"))")
                    .ok());
    auto none = db.describe_table({"", "missing"});
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    auto info = db.describe_table({"", "t"});
    ASSERT_TRUE(info.ok() && info->has_value());
    const table_info& t = **info;
    ASSERT_EQ(t.columns.size(), 3u);
    EXPECT_EQ(t.columns[0].type, "text");
    EXPECT_FALSE(t.columns[0].nullable);
    EXPECT_TRUE(t.columns[2].nullable);
    EXPECT_EQ(t.primary_key, (std::vector<std::string>{"k", "ts"}));

    ASSERT_TRUE(db.begin().ok());
    std::vector<sql_param> p{std::string("a"), int64_t{1}, 1.5};
    auto n = db.execute("INSERT INTO t VALUES (?,?,?)", p);
    ASSERT_TRUE(n.ok()) << n.err().message;
    EXPECT_EQ(*n, 1);
    ASSERT_TRUE(db.rollback().ok());
    auto q = db.query("SELECT count(*) FROM t");
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(*q->rows[0][0], "0");

    ASSERT_TRUE(db.execute("INSERT INTO t VALUES (?,?,?)", p).ok());
    auto dup = db.execute("INSERT INTO t VALUES (?,?,?)", p);
    ASSERT_FALSE(dup.ok());
    EXPECT_TRUE(is_record_error(dup.err())) << dup.err().message;
    std::vector<sql_param> nul{std::monostate{}, int64_t{2}, 2.0};
    auto notnull = db.execute("INSERT INTO t VALUES (?,?,?)", nul);
    ASSERT_FALSE(notnull.ok());
    EXPECT_TRUE(is_record_error(notnull.err()));
    auto missing = db.execute("INSERT INTO nope VALUES (?)", std::vector<sql_param>{int64_t{1}});
    ASSERT_FALSE(missing.ok());
    EXPECT_FALSE(is_record_error(missing.err()));
    EXPECT_FALSE(is_retriable(missing.err()));
}

}  // namespace
}  // namespace cs::connect::jdbc
