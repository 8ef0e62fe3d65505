#include "connect/connectors/jdbc/postgres_connection.h"

#include <gtest/gtest.h>

#include "testing/postgres_server.h"

namespace cs::connect::jdbc {
namespace {

class PostgresConnection : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        auto s = cs::testing::postgres_server::shared();
        ASSERT_TRUE(s.ok()) << "cannot start PostgreSQL for the tests: " << s.err().message;
        server_ = *s;
    }
    void SetUp() override {
        ASSERT_NE(server_, nullptr) << "PostgreSQL did not start";
        if (!server_->running()) {
            ASSERT_TRUE(server_->start().ok());
        }
    }
    std::unique_ptr<db_connection> connect() {
        auto c = open_connection({server_->jdbc_url(), "postgres", "", 10});
        EXPECT_TRUE(c.ok()) << c.err().message;
        return c.ok() ? std::move(c).value() : nullptr;
    }
    static cs::testing::postgres_server* server_;
};
cs::testing::postgres_server* PostgresConnection::server_ = nullptr;

TEST_F(PostgresConnection, StatementsMetadataAndErrorClasses) {
    auto db = connect();
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("CREATE TABLE m (\"user_id\" TEXT NOT NULL, \"timestamp\" TIMESTAMP "
                            "NOT NULL, n BIGINT, d DOUBLE PRECISION, b BOOLEAN, j JSONB, "
                            "x BYTEA, PRIMARY KEY(\"user_id\",\"timestamp\"))")
                    .ok());
    auto info = db->describe_table({"", "m"});
    ASSERT_TRUE(info.ok()) << info.err().message;
    ASSERT_TRUE(info->has_value());
    EXPECT_EQ((*info)->primary_key, (std::vector<std::string>{"user_id", "timestamp"}));
    ASSERT_EQ((*info)->columns.size(), 7u);
    EXPECT_EQ((*info)->columns[1].type, "timestamp without time zone");
    EXPECT_EQ((*info)->columns[5].type, "jsonb");
    EXPECT_FALSE((*info)->columns[0].nullable);
    auto none = db->describe_table({"", "nope"});
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());

    ASSERT_TRUE(db->begin().ok());
    // Two rows in one multi-row statement with untyped text parameters.
    std::vector<sql_param> p{std::string("u1"),
                             std::string("2025-04-30 12:00:00"),
                             int64_t{5},
                             1.25,
                             true,
                             std::string("{\"a\": [1]}"),
                             blob{std::string("\0\1", 2)},
                             std::string("u2"),
                             std::string("2025-04-30 12:00:01"),
                             std::monostate{},
                             2.5,
                             false,
                             std::monostate{},
                             std::monostate{}};
    auto n =
        db->execute("INSERT INTO m VALUES ($1,$2,$3,$4,$5,$6,$7),($8,$9,$10,$11,$12,$13,$14)", p);
    ASSERT_TRUE(n.ok()) << n.err().message;
    EXPECT_EQ(*n, 2);
    ASSERT_TRUE(db->commit().ok());
    auto q = db->query("SELECT user_id, \"timestamp\", n, d, b, j, x FROM m ORDER BY 1");
    ASSERT_TRUE(q.ok()) << q.err().message;
    ASSERT_EQ(q->rows.size(), 2u);
    EXPECT_EQ(*q->rows[0][1], "2025-04-30 12:00:00");
    EXPECT_EQ(*q->rows[0][2], "5");
    EXPECT_EQ(*q->rows[0][4], "t");
    EXPECT_EQ(*q->rows[0][5], "{\"a\": [1]}");
    EXPECT_EQ(*q->rows[0][6], "\\x0001");
    EXPECT_FALSE(q->rows[1][2].has_value());
    EXPECT_EQ(q->column_types[1], "timestamp");
    EXPECT_EQ(q->column_types[2], "int8");

    // Duplicate key and bad data are record errors.
    std::vector<sql_param> dup{std::string("u1"), std::string("2025-04-30 12:00:00")};
    auto e1 = db->execute("INSERT INTO m (user_id, \"timestamp\") VALUES ($1,$2)", dup);
    ASSERT_FALSE(e1.ok());
    EXPECT_TRUE(is_record_error(e1.err())) << e1.err().message;
    EXPECT_NE(e1.err().message.find("23505"), std::string::npos);
    std::vector<sql_param> bad{std::string("u9"), std::string("not a time")};
    auto e2 = db->execute("INSERT INTO m (user_id, \"timestamp\") VALUES ($1,$2)", bad);
    ASSERT_FALSE(e2.ok());
    EXPECT_TRUE(is_record_error(e2.err())) << e2.err().message;
    auto e3 = db->execute("SELECT nope FROM m", {});
    ASSERT_FALSE(e3.ok());
    EXPECT_FALSE(is_record_error(e3.err()));
    EXPECT_FALSE(is_retriable(e3.err()));

    // COPY in text format.
    ASSERT_TRUE(db->execute("CREATE TABLE c (a TEXT, b BIGINT)").ok());
    auto copied = db->copy_in("COPY c (a, b) FROM STDIN", "x\t1\ny\t\\N\n");
    ASSERT_TRUE(copied.ok()) << copied.err().message;
    EXPECT_EQ(*copied, 2);
}

TEST_F(PostgresConnection, ServerGoingAwayIsRetriable) {
    auto db = connect();
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("SELECT 1").ok());
    ASSERT_TRUE(server_->stop().ok());
    auto r = db->execute("SELECT 1", {});
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(is_retriable(r.err())) << r.err().message;
    EXPECT_FALSE(db->alive());
    auto again = open_connection({server_->jdbc_url(), "postgres", "", 10});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.err().code, errc::io);
    ASSERT_TRUE(server_->start().ok());
    auto fresh = connect();
    ASSERT_TRUE(fresh);
    EXPECT_TRUE(fresh->execute("SELECT 1", {}).ok());
}

}  // namespace
}  // namespace cs::connect::jdbc
