// JDBC sink and source against a real PostgreSQL (testing/postgres_server.h),
// one throw-away cluster for the whole binary and a fresh database per test.

#include <atomic>
#include <cmath>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/jdbc_sink_connector.h"
#include "connect/connectors/jdbc/jdbc_sink_task.h"
#include "connect/connectors/jdbc/jdbc_source_connector.h"
#include "connect/connectors/jdbc/jdbc_source_task.h"
#include "connect/connectors/jdbc/test_records.h"
#include "connect/connectors/jdbc/value_text.h"
#include "testing/postgres_server.h"

namespace cs::connect::jdbc {
namespace {

using test::collecting_reporter;
using test::make_schema;
using test::schemaless_click;
using test::struct_click;
using test::struct_schema;

class JdbcPostgres : public ::testing::Test {
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
        // The seeds' users (trust authentication: any password), and the
        // OS user for configs without connection.user.
        for (const char* role : {"user", "clickuser", "root"}) {
            (void)server_->psql(
                fmt::format("DO $$BEGIN CREATE ROLE \"{}\" LOGIN SUPERUSER; EXCEPTION WHEN "
                            "duplicate_object THEN NULL; END$$",
                            role));
        }
        static std::atomic<int> n{0};
        db_ = "t" + std::to_string(n.fetch_add(1));
        auto r = server_->psql("CREATE DATABASE " + db_);
        ASSERT_TRUE(r.ok()) << r.err().message;
    }

    // The seeds' two PostgreSQL sink configs, verbatim except the address.
    config_map seed_config_1() const {
        return {{"name", "clickstream-jdbc-sink"},
                {"connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"},
                {"tasks.max", "1"},
                {"topics", "enriched-clickstream"},
                {"connection.url", server_->jdbc_url(db_)},
                {"connection.user", "user"},
                {"connection.password", "password"},
                {"auto.create", "true"},
                {"insert.mode", "upsert"},
                {"pk.mode", "record_key"},
                {"pk.fields", "user_id,timestamp"},
                {"table.name.format", "clickstream_enriched"}};
    }
    config_map seed_config_2() const {
        return {{"name", "clickstream-postgres-sink"},
                {"connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"},
                {"topics", "enriched-clickstream"},
                {"tasks.max", "2"},
                {"connection.url", server_->jdbc_url(db_)},
                {"connection.user", "clickuser"},
                {"connection.password", "clickpass"},
                {"insert.mode", "upsert"},
                {"auto.create", "true"},
                {"auto.evolve", "true"},
                {"pk.mode", "record_key"},
                {"pk.fields", "user_id,timestamp"},
                {"table.name.format", "clickstream_events"},
                {"transforms", "unwrap"},
                {"transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"}};
    }

    std::unique_ptr<sink_task> start_sink(const config_map& c) {
        auto plugin = make_jdbc_sink_connector();
        auto problems = plugin->validate(c);
        EXPECT_TRUE(problems.empty()) << problems[0].key << ": " << problems[0].message;
        auto tasks = plugin->task_configs(c, 2);
        auto task = plugin->make_sink_task();
        auto st = task->start(tasks.at(0), reporter_);
        EXPECT_TRUE(st.ok()) << st.message();
        return task;
    }

    std::string sql(const std::string& q) {
        auto r = server_->psql(q, db_);
        EXPECT_TRUE(r.ok()) << r.err().message;
        return r.ok() ? *r : "";
    }

    static cs::testing::postgres_server* server_;
    std::string db_;
    collecting_reporter reporter_;
};
cs::testing::postgres_server* JdbcPostgres::server_ = nullptr;

TEST_F(JdbcPostgres, SeedConfigOneWithSchemalessJsonClicks) {
    auto task = start_sink(seed_config_1());
    std::vector<record> batch;
    for (int i = 0; i < 100; ++i) {
        batch.push_back(schemaless_click(i));
    }
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_TRUE(reporter_.reported.empty());
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_enriched"), "100\n");
    EXPECT_EQ(sql("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                  "WHERE table_name = 'clickstream_enriched' ORDER BY ordinal_position"),
              "timestamp|text|NO\nuser_id|text|NO\ndevice_id|text|YES\nurl|text|YES\n"
              "user_name|text|YES\ndevice_type|text|YES\nurl_category|text|YES\n");
    EXPECT_EQ(sql("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                  "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = "
                  "'clickstream_enriched'::regclass AND i.indisprimary ORDER BY "
                  "array_position(i.indkey, a.attnum)"),
              "user_id\ntimestamp\n");
    EXPECT_EQ(sql("SELECT user_id, \"timestamp\", url FROM clickstream_enriched WHERE url = "
                  "'/products/61'"),
              "user_5|2025-04-30T12:01:01Z|/products/61\n");
}

TEST_F(JdbcPostgres, SeedConfigTwoWithStructsUpsertIsIdempotent) {
    auto task = start_sink(seed_config_2());
    std::vector<record> batch;
    for (int i = 0; i < 200; ++i) {
        batch.push_back(i % 2 ? struct_click(i) : schemaless_click(i));
    }
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_TRUE(reporter_.reported.empty());
    std::string before = sql("SELECT * FROM clickstream_events ORDER BY 1, 2");
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_events"), "200\n");
    for (int replay = 0; replay < 2; ++replay) {
        ASSERT_TRUE(task->put(batch).ok());
    }
    EXPECT_EQ(sql("SELECT * FROM clickstream_events ORDER BY 1, 2"), before);
    // Duplicate keys inside one batch: the last record wins.
    record a = schemaless_click(7), b = schemaless_click(7);
    auto m = b.value.as_map();
    m[4].second = "Carol";  // user_name
    b.value = data::map(m);
    std::vector<record> dup{a, b};
    ASSERT_TRUE(task->put(dup).ok());
    EXPECT_EQ(sql("SELECT user_name FROM clickstream_events WHERE url = '/products/7'"), "Carol\n");
}

TEST_F(JdbcPostgres, TypeMappingFromSchemasAndInference) {
    config_map c{{"name", "types"},           {"connection.url", server_->jdbc_url(db_)},
                 {"auto.create", "true"},     {"insert.mode", "upsert"},
                 {"pk.mode", "record_value"}, {"pk.fields", "id"}};
    auto task = start_sink(c);
    // Schemaless: inferred types.
    record r;
    r.topic = "inferred";
    r.partition = 0;
    r.kafka_offset = 0;
    r.value = data::map({{"id", int64_t{1}},
                         {"name", "x"},
                         {"score", 2.5},
                         {"ok", true},
                         {"props", data::map({{"k", data::list({int64_t{1}, "two"})}})},
                         {"tags", data::list({"a", "b"})},
                         {"nothing", data()}});
    // Schema'd: logical types.
    auto dec = make_schema(schema_type::bytes, false, decimal_logical);
    std::const_pointer_cast<schema>(dec)->parameters["scale"] = "2";
    auto s =
        struct_schema("typed", {{"id", make_schema(schema_type::int32)},
                                {"small", make_schema(schema_type::int16)},
                                {"f", make_schema(schema_type::float32)},
                                {"price", dec},
                                {"at", make_schema(schema_type::int64, false, timestamp_logical)},
                                {"day", make_schema(schema_type::int32, false, date_logical)},
                                {"tod", make_schema(schema_type::int32, true, time_logical)},
                                {"raw", make_schema(schema_type::bytes, true)}});
    record t;
    t.topic = "typed";
    t.partition = 0;
    t.kafka_offset = 1;
    t.value_schema = s;
    t.value = data::struct_(
        {s,
         {int64_t{1}, int64_t{3}, 1.5, bytes_data{std::string("\xcf\xc7", 2)},
          int64_t{1746014400123}, int64_t{20208}, int64_t{45296789}, bytes_data{"hi"}}});
    std::vector<record> batch{r, t};
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_TRUE(reporter_.reported.empty()) << reporter_.reported[0].second;
    EXPECT_EQ(sql("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                  "WHERE table_name = 'inferred' ORDER BY ordinal_position"),
              "id|bigint|NO\nname|text|YES\nscore|double precision|YES\nok|boolean|YES\n"
              "props|jsonb|YES\ntags|jsonb|YES\nnothing|text|YES\n");
    EXPECT_EQ(sql("SELECT props->'k'->>1, tags->>0, ok, score FROM inferred"), "two|a|t|2.5\n");
    EXPECT_EQ(sql("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                  "WHERE table_name = 'typed' ORDER BY ordinal_position"),
              "id|integer|NO\nsmall|smallint|NO\nf|real|NO\nprice|numeric|NO\n"
              "at|timestamp without time zone|NO\nday|date|NO\n"
              "tod|time without time zone|YES\nraw|bytea|YES\n");
    EXPECT_EQ(sql("SELECT price, at, day, tod, raw FROM typed"),
              "-123.45|2025-04-30 12:00:00.123|2025-04-30|12:34:56.789|\\x6869\n");
}

TEST_F(JdbcPostgres, AutoEvolveAddsColumnsAndNeverRetypes) {
    auto task = start_sink(seed_config_2());
    std::vector<record> first{schemaless_click(1)};
    ASSERT_TRUE(task->put(first).ok());
    record wider = schemaless_click(2);
    auto m = wider.value.as_map();
    m.emplace_back("dwell_ms", int64_t{1200});
    m.emplace_back("geo", data::map({{"country", "NO"}}));
    wider.value = data::map(m);
    std::vector<record> second{wider};
    ASSERT_TRUE(task->put(second).ok());
    EXPECT_EQ(sql("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                  "WHERE table_name = 'clickstream_events' AND column_name IN ('dwell_ms', 'geo') "
                  "ORDER BY 1"),
              "dwell_ms|bigint|YES\ngeo|jsonb|YES\n");
    EXPECT_EQ(sql("SELECT dwell_ms, geo->>'country' FROM clickstream_events ORDER BY url"),
              "|\n1200|NO\n");
    // A string in the BIGINT column: the record is errant, the column stays BIGINT.
    record wrong = schemaless_click(3);
    auto w = wrong.value.as_map();
    w.emplace_back("dwell_ms", "long");
    w.emplace_back("geo", data());
    wrong.value = data::map(w);
    std::vector<record> third{wrong, wider};
    ASSERT_TRUE(task->put(third).ok());
    ASSERT_EQ(reporter_.reported.size(), 1u);
    EXPECT_NE(reporter_.reported[0].second.find("22P02"), std::string::npos)
        << reporter_.reported[0].second;
    EXPECT_EQ(sql("SELECT data_type FROM information_schema.columns WHERE table_name = "
                  "'clickstream_events' AND column_name = 'dwell_ms'"),
              "bigint\n");
}

TEST_F(JdbcPostgres, DeleteEnabledAndErrantRowIsolation) {
    auto cfg = seed_config_2();
    cfg["delete.enabled"] = "true";
    cfg["batch.size"] = "50";
    auto task = start_sink(cfg);
    ASSERT_TRUE(sql("CREATE TABLE clickstream_events (\"timestamp\" TEXT NOT NULL, user_id TEXT "
                    "NOT NULL, device_id TEXT, url TEXT CHECK (url <> '/products/bad'), "
                    "user_name TEXT, device_type TEXT, url_category TEXT, PRIMARY KEY "
                    "(user_id, \"timestamp\"))") == "");
    std::vector<record> batch;
    for (int i = 0; i < 120; ++i) {
        batch.push_back(schemaless_click(i));
    }
    record bad = schemaless_click(1000);
    auto m = bad.value.as_map();
    m[3].second = "/products/bad";
    bad.value = data::map(m);
    batch.insert(batch.begin() + 60, bad);
    record tomb = schemaless_click(5);
    tomb.value = data();
    batch.push_back(tomb);
    auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_events"), "119\n");  // 120 - 1 deleted
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_events WHERE url = '/products/5'"), "0\n");
    ASSERT_EQ(reporter_.reported.size(), 1u);
    EXPECT_EQ(reporter_.reported[0].first.kafka_offset, 1000);
    EXPECT_NE(reporter_.reported[0].second.find("23514"), std::string::npos);
    EXPECT_GT(t->statements(), 3);
}

TEST_F(JdbcPostgres, DatabaseStoppedMidRunLosesNothing) {
    auto cfg = seed_config_1();
    cfg["insert.mode"] = "insert";  // a replayed row would be a duplicate-key errant record
    auto task = start_sink(cfg);
    std::vector<std::vector<record>> batches(4);
    for (int i = 0; i < 400; ++i) {
        batches[static_cast<size_t>(i / 100)].push_back(schemaless_click(i));
    }
    ASSERT_TRUE(task->put(batches[0]).ok());
    ASSERT_TRUE(server_->stop().ok());
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto st = task->put(batches[1]);
        ASSERT_FALSE(st.ok());
        EXPECT_TRUE(st.code() == errc::io || st.code() == errc::timed_out) << st.message();
    }
    ASSERT_TRUE(server_->start().ok());
    auto st = task->put(batches[1]);
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_TRUE(task->put(batches[2]).ok());
    ASSERT_TRUE(server_->stop().ok());
    ASSERT_TRUE(server_->start().ok());  // the task's connection is now stale
    auto stale = task->put(batches[3]);
    if (!stale.ok()) {
        EXPECT_EQ(stale.code(), errc::io) << stale.message();
        ASSERT_TRUE(task->put(batches[3]).ok());
    }
    EXPECT_TRUE(reporter_.reported.empty());
    EXPECT_EQ(sql("SELECT count(*), count(DISTINCT (user_id, \"timestamp\")) FROM "
                  "clickstream_enriched"),
              "400|400\n");
}

TEST_F(JdbcPostgres, LargeBatchesUseMultiRowStatements) {
    auto cfg = seed_config_1();
    cfg["batch.size"] = "1000";
    auto task = start_sink(cfg);
    std::vector<record> batch;
    for (int i = 0; i < 3600; ++i) {
        batch.push_back(schemaless_click(i));
    }
    auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
    t->set_copy_enabled(false);
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(t->statements(), 1 + 4);  // CREATE + ceil(3600 / 1000) INSERTs
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_enriched"), "3600\n");
    // The COPY path (upsert): a COPY straight into the table fails at the
    // first chunk (the keys exist), then one staging table, ceil(3600 /
    // 1000) COPYs, one merge.
    t->set_copy_enabled(true);
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(t->statements(), 5 + 1 + 1 + 4 + 1);
    // The staging table is reused; the direct COPY is not tried this time
    // (it failed last time).
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(t->statements(), 12 + 4 + 1);
    // It is tried again after that, and succeeds into an empty table.
    ASSERT_EQ(sql("TRUNCATE clickstream_enriched"), "");
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(t->statements(), 17 + 4);
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_enriched"), "3600\n");
}

// Every supported type and awkward string through the COPY path and the
// multi-row path into twin tables: the rows must be identical.
TEST_F(JdbcPostgres, CopyPathWritesTheSameValuesAsMultiRowStatements) {
    const std::string cols =
        "(id BIGINT PRIMARY KEY, b BOOLEAN, i16 SMALLINT, i32 INT, f32 REAL, f64 DOUBLE "
        "PRECISION, s TEXT, raw BYTEA, price DECIMAL, at TIMESTAMP, day DATE, tod TIME, props "
        "JSONB)";
    auto dec = make_schema(schema_type::bytes, true, decimal_logical);
    std::const_pointer_cast<schema>(dec)->parameters["scale"] = "2";
    auto s =
        struct_schema("typed", {{"id", make_schema(schema_type::int64)},
                                {"b", make_schema(schema_type::boolean, true)},
                                {"i16", make_schema(schema_type::int16, true)},
                                {"i32", make_schema(schema_type::int32, true)},
                                {"f32", make_schema(schema_type::float32, true)},
                                {"f64", make_schema(schema_type::float64, true)},
                                {"s", make_schema(schema_type::string, true)},
                                {"raw", make_schema(schema_type::bytes, true)},
                                {"price", dec},
                                {"at", make_schema(schema_type::int64, true, timestamp_logical)},
                                {"day", make_schema(schema_type::int32, true, date_logical)},
                                {"tod", make_schema(schema_type::int32, true, time_logical)},
                                {"props", make_schema(schema_type::string, true)}});
    const std::vector<std::string> strings{
        "tab\there", "line\nbreak\r\n", "back\\slash", "\\N",   "\\.",
        "",          "quote'\"",        "zß€😀",        "a\\tb", "\\x41"};
    std::vector<record> batch;
    for (int i = 0; i < 24; ++i) {
        record r;
        r.topic = "t";
        r.partition = 0;
        r.kafka_offset = i;
        r.value_schema = s;
        const bool nulls = i % 4 == 3;
        auto v = [&](data d) { return nulls ? data() : d; };
        const double f64s[] = {2.5, std::nan(""), HUGE_VAL, -HUGE_VAL, 1e300, -0.0, 0.1};
        r.value = data::struct_(
            {s,
             {int64_t{i % 20}, v(i % 2 == 0), v(int64_t{-32768 + i}), v(int64_t{i * 1000003}),
              v(1.5 + i), v(f64s[i % 7]), v(strings[static_cast<size_t>(i) % strings.size()]),
              v(bytes_data{std::string("\x00\t\n\\\xff", 5) + std::to_string(i)}),
              v(bytes_data{std::string("\xcf\xc7", 2)}), v(int64_t{1746014400123 + i}),
              v(int64_t{20208 - i}), v(int64_t{45296789 + i}),
              v(fmt::format("{{\"k\": \"{}\", \"n\": [1, 2.50, null]}}",
                            i % 3 ? "a\\tb" : "back\\\\slash"))}});
        batch.push_back(std::move(r));  // ids 0..3 repeat at the end: upserts update
    }
    for (const char* mode : {"insert", "upsert"}) {
        SCOPED_TRACE(mode);
        std::vector<record> rows = batch;
        if (std::string(mode) == "insert") {
            rows.resize(20);
        }
        for (bool copy : {true, false}) {
            std::string table = fmt::format("{}_{}", mode, copy ? "copy" : "rows");
            ASSERT_EQ(sql("CREATE TABLE " + table + " " + cols), "");
            config_map c{{"name", "types"},     {"connection.url", server_->jdbc_url(db_)},
                         {"insert.mode", mode}, {"pk.mode", "record_value"},
                         {"pk.fields", "id"},   {"table.name.format", table},
                         {"batch.size", "7"}};
            auto task = start_sink(c);
            auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
            t->set_copy_enabled(copy);
            // Twice: the second put exercises a reused staging table.
            ASSERT_TRUE(task->put(std::span(rows).subspan(0, 10)).ok());
            ASSERT_TRUE(task->put(std::span(rows).subspan(10)).ok());
            EXPECT_TRUE(reporter_.reported.empty()) << reporter_.reported[0].second;
        }
        std::string copy = std::string(mode) + "_copy", rows_t = std::string(mode) + "_rows";
        EXPECT_EQ(sql("SELECT count(*) FROM " + copy), "20\n");
        EXPECT_EQ(sql("SELECT count(*) FROM (SELECT * FROM " + copy + " EXCEPT SELECT * FROM " +
                      rows_t + ") d"),
                  "0\n");
        EXPECT_EQ(sql("SELECT count(*) FROM (SELECT * FROM " + rows_t + " EXCEPT SELECT * FROM " +
                      copy + ") d"),
                  "0\n");
        // And the values are the records' (not merely equal in both): the
        // last record per id (upsert) that is not the all-nulls one.
        std::vector<int> per_string(strings.size());
        for (size_t id = 0; id < 20; ++id) {
            size_t i = std::string(mode) == "upsert" && id < 4 ? id + 20 : id;
            if (i % 4 != 3) {
                ++per_string[i % strings.size()];
            }
        }
        for (size_t k = 0; k < strings.size(); ++k) {
            EXPECT_EQ(
                sql(fmt::format("SELECT count(*) FROM {} WHERE s = $q${}$q$", copy, strings[k])),
                fmt::format("{}\n", per_string[k]))
                << k;
        }
        EXPECT_EQ(sql("SELECT count(*) FROM " + copy +
                      " WHERE props->>'k' IN (E'a\\tb', E'back\\\\slash') AND "
                      "props->'n' = '[1, 2.50, null]'::jsonb"),
                  "15\n");
        EXPECT_EQ(sql("SELECT raw, price, at, day, tod, f64, b FROM " + copy + " WHERE id = 5"),
                  "\\x00090a5cff35|-123.45|2025-04-30 12:00:00.128|2025-04-25|12:34:56.794|"
                  "-0|f\n");
        EXPECT_EQ(
            sql("SELECT f64 FROM " + copy + " WHERE id IN (1, 2, 3, 4) ORDER BY id"),
            std::string(mode) == "insert" ? "NaN\nInfinity\n\n1e+300\n" : "2.5\nNaN\n\n1e+300\n");
        EXPECT_EQ(sql("SELECT count(*) FROM " + copy +
                      " WHERE raw IS NULL AND s IS NULL AND "
                      "props IS NULL AND b IS NULL"),
                  "5\n");
    }
}

TEST_F(JdbcPostgres, CopyInsertFallsBackToIsolateDuplicateKeys) {
    auto cfg = seed_config_1();
    cfg["insert.mode"] = "insert";
    auto task = start_sink(cfg);
    std::vector<record> first{schemaless_click(10)};
    ASSERT_TRUE(task->put(first).ok());
    std::vector<record> batch;
    for (int i = 0; i < 50; ++i) {
        batch.push_back(schemaless_click(i));  // i == 10 is already there
    }
    auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_enriched"), "50\n");
    ASSERT_EQ(reporter_.reported.size(), 1u);
    EXPECT_EQ(reporter_.reported[0].first.kafka_offset, 10);
    EXPECT_NE(reporter_.reported[0].second.find("23505"), std::string::npos);
    EXPECT_GT(t->statements(), 3);
}

TEST_F(JdbcPostgres, CopyUpsertRunsAndRolledBackStagingTables) {
    // No primary key: the merge's ON CONFLICT fails and so does the fallback:
    // put() fails, the transaction (with the staging table) rolls back.
    ASSERT_EQ(sql("CREATE TABLE clickstream_events (\"timestamp\" TEXT NOT NULL, user_id TEXT "
                  "NOT NULL, device_id TEXT, url TEXT, user_name TEXT, device_type TEXT, "
                  "url_category TEXT)"),
              "");
    auto cfg = seed_config_2();
    cfg["delete.enabled"] = "true";
    auto task = start_sink(cfg);
    std::vector<record> batch;
    for (int i = 0; i < 10; ++i) {
        batch.push_back(schemaless_click(i));
    }
    auto st = task->put(batch);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("42P10"), std::string::npos) << st.message();
    ASSERT_EQ(sql("ALTER TABLE clickstream_events ADD PRIMARY KEY (user_id, \"timestamp\")"), "");
    // Runs of one table in one put: writes, a tombstone, writes again (the
    // staging table is emptied between), the last record per key wins.
    record tomb = schemaless_click(3);
    tomb.value = data();
    record again = schemaless_click(4);
    auto m = again.value.as_map();
    m[4].second = "Dora";
    again.value = data::map(m);
    batch.push_back(tomb);
    batch.push_back(again);
    batch.push_back(schemaless_click(11));
    // The staging table of the failed put was rolled back with it: a new one
    // is created (a stale one would make the COPY fail and fall back).
    auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
    const int64_t before = t->statements();
    ASSERT_TRUE(task->put(batch).ok());
    // COPY straight into the table, DELETE, COPY straight in (fails: key 4
    // exists) + CREATE stage + COPY + merge.
    EXPECT_EQ(t->statements() - before, 6);
    EXPECT_TRUE(reporter_.reported.empty());
    EXPECT_EQ(sql("SELECT count(*) FROM clickstream_events"), "10\n");  // 0..11 - 3 - (10 unsent)
    EXPECT_EQ(sql("SELECT user_name FROM clickstream_events WHERE url IN ('/products/4', "
                  "'/products/3') ORDER BY url"),
              "Dora\n");
    ASSERT_TRUE(task->put(batch).ok());  // replayed: unchanged, the staging table reused
    // COPY + merge (no direct COPY right after one failed), DELETE, COPY
    // straight in (fails again) + TRUNCATE stage + COPY + merge.
    EXPECT_EQ(t->statements() - before, 6 + 7);
    EXPECT_EQ(sql("SELECT count(*), count(*) FILTER (WHERE user_name = 'Dora') FROM "
                  "clickstream_events"),
              "10|1\n");
}

// ---- source ----

std::vector<record> poll_all(jdbc_source_task& t) {
    std::vector<record> out;
    for (int i = 0; i < 100; ++i) {
        auto r = t.poll(0);
        EXPECT_TRUE(r.ok()) << r.err().message;
        if (!r.ok() || r->empty()) {
            break;
        }
        out.insert(out.end(), r->begin(), r->end());
    }
    return out;
}

TEST_F(JdbcPostgres, SourceIncrementingResumesFromCommittedOffset) {
    sql("CREATE TABLE users (id SERIAL PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, "
        "signup TIMESTAMP, score NUMERIC(6,2), vip BOOLEAN)");
    sql("INSERT INTO users (user_id, name, signup, score, vip) SELECT 'user_' || g, 'n' || g, "
        "'2025-04-30 12:00:00'::timestamp + g * interval '1 second', g * 1.5, g % 2 = 0 FROM "
        "generate_series(1, 5) g");
    config_map c{{"name", "users-source"},
                 {"connector.class", jdbc_source_class},
                 {"connection.url", server_->jdbc_url(db_)},
                 {"mode", "incrementing"},
                 {"incrementing.column.name", "id"},
                 {"table.whitelist", "users"},
                 {"topic.prefix", "pg-"},
                 {"poll.interval.ms", "1000"},
                 {"batch.max.rows", "2"}};
    auto plugin = make_jdbc_source_connector();
    EXPECT_TRUE(plugin->validate(c).empty());
    auto tcs = plugin->task_configs(c, 4);
    ASSERT_EQ(tcs.size(), 1u);
    EXPECT_EQ(tcs[0]["tables"], "users");
    manual_clock clk;
    jdbc_source_task task(clk);
    ASSERT_TRUE(task.start(tcs[0], {}).ok());
    auto first = task.poll(0);
    ASSERT_TRUE(first.ok()) << first.err().message;
    ASSERT_EQ(first->size(), 2u);  // batch.max.rows
    auto rest = poll_all(task);
    ASSERT_EQ(rest.size(), 3u);
    const record& r = rest.back();
    EXPECT_EQ(r.topic, "pg-users");
    EXPECT_EQ(r.source_partition, data::map({{"table", "users"}}));
    EXPECT_EQ(r.source_offset, data::map({{"incrementing", int64_t{5}}}));
    const auto& v = r.value.as_struct();
    EXPECT_EQ(v.schema->name, "users");
    EXPECT_EQ(*v.get("user_id"), data("user_5"));
    EXPECT_EQ(v.schema->find_field("user_id")->schema->optional, false);
    EXPECT_EQ(*v.get("id"), data(int64_t{5}));
    EXPECT_EQ(*v.get("signup"), data(int64_t{1746014405000}));
    EXPECT_EQ(v.schema->find_field("signup")->schema->name, timestamp_logical);
    EXPECT_EQ(*v.get("score"), data(7.5));
    EXPECT_EQ(*v.get("vip"), data(false));

    sql("INSERT INTO users (user_id) VALUES ('user_6'), ('user_7')");
    EXPECT_TRUE(poll_all(task).empty());  // poll.interval.ms not yet elapsed
    clk.advance_ms(1000);
    auto more = poll_all(task);
    ASSERT_EQ(more.size(), 2u);
    EXPECT_EQ(*more[0].value.as_struct().get("user_id"), data("user_6"));
    task.stop();

    // A new task resumes after the committed offset (only id 6 was committed).
    jdbc_source_task resumed(clk);
    ASSERT_TRUE(resumed
                    .start(tcs[0], {{data::map({{"table", "users"}}),
                                     data::map({{"incrementing", int64_t{6}}})}})
                    .ok());
    auto after = poll_all(resumed);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(*after[0].value.as_struct().get("user_id"), data("user_7"));
}

TEST_F(JdbcPostgres, SourceTimestampIncrementingBulkAndQuery) {
    sql("CREATE TABLE devices (id INT PRIMARY KEY, device_type TEXT, updated_at TIMESTAMP NOT "
        "NULL)");
    sql("INSERT INTO devices VALUES (1, 'iPhone', '2025-04-30 12:00:00'), (2, 'Pixel', "
        "'2025-04-30 12:00:00'), (3, 'iPad', '2025-04-30 12:00:05')");
    manual_clock clk(1746014460000);  // 12:01:00
    config_map c{{"connection.url", server_->jdbc_url(db_)},
                 {"mode", "timestamp+incrementing"},
                 {"incrementing.column.name", "id"},
                 {"timestamp.column.name", "updated_at"},
                 {"tables", "devices"},
                 {"topic.prefix", "pg-"},
                 {"poll.interval.ms", "1000"}};
    jdbc_source_task task(clk);
    ASSERT_TRUE(task.start(c, {}).ok());
    auto all = poll_all(task);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].source_offset, data::map({{"timestamp", int64_t{1746014405000}},
                                               {"timestamp_nanos", int64_t{0}},
                                               {"incrementing", int64_t{3}}}));
    // An update moves the timestamp forward: the row is read again.
    sql("UPDATE devices SET device_type = 'Pixel 9', updated_at = '2025-04-30 12:00:30' WHERE "
        "id = 2");
    clk.advance_ms(1000);
    auto changed = poll_all(task);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(*changed[0].value.as_struct().get("device_type"), data("Pixel 9"));
    // Rows newer than now - timestamp.delay.interval.ms wait.
    sql("INSERT INTO devices VALUES (4, 'Watch', '2025-04-30 12:05:00')");
    clk.advance_ms(1000);
    EXPECT_TRUE(poll_all(task).empty());
    clk.set_ms(1746014700001);
    auto later = poll_all(task);
    ASSERT_EQ(later.size(), 1u);
    task.stop();

    // Validation of nullable mode columns.
    sql("CREATE TABLE loose (id INT, v TEXT)");
    config_map lc{{"connection.url", server_->jdbc_url(db_)},
                  {"mode", "incrementing"},
                  {"incrementing.column.name", "id"},
                  {"tables", "loose"},
                  {"topic.prefix", "x-"}};
    jdbc_source_task loose(clk);
    ASSERT_TRUE(loose.start(lc, {}).ok());
    auto err = loose.poll(0);
    ASSERT_FALSE(err.ok());
    EXPECT_NE(err.err().message.find("nullable"), std::string::npos);

    // Bulk: everything, every interval.
    config_map bc{{"connection.url", server_->jdbc_url(db_)},
                  {"mode", "bulk"},
                  {"tables", "devices"},
                  {"topic.prefix", "bulk-"}};
    jdbc_source_task bulk(clk);
    ASSERT_TRUE(bulk.start(bc, {}).ok());
    EXPECT_EQ(poll_all(bulk).size(), 4u);
    EXPECT_TRUE(poll_all(bulk).empty());
    clk.advance_ms(5000);
    EXPECT_EQ(poll_all(bulk).size(), 4u);

    // Query mode: topic is the prefix, partition {"query": "query"}.
    config_map qc{{"connection.url", server_->jdbc_url(db_)},
                  {"mode", "incrementing"},
                  {"incrementing.column.name", "id"},
                  {"query", "SELECT id, upper(device_type) AS kind FROM devices"},
                  {"topic.prefix", "device-kinds"}};
    auto tcs = make_jdbc_source_connector()->task_configs(qc, 3);
    ASSERT_EQ(tcs.size(), 1u);
    jdbc_source_task q(clk);
    ASSERT_TRUE(q.start(tcs[0], {}).ok());
    auto rows = poll_all(q);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].topic, "device-kinds");
    EXPECT_EQ(rows[0].source_partition, data::map({{"query", "query"}}));
    EXPECT_EQ(*rows[0].value.as_struct().get("kind"), data("IPHONE"));
}

TEST_F(JdbcPostgres, SourceToSinkRoundTrip) {
    sql("CREATE TABLE urls (id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL, url_category TEXT, "
        "added DATE)");
    sql("INSERT INTO urls (url, url_category, added) VALUES ('/a', 'home', '2025-04-30'), "
        "('/b', 'product-page', '2025-05-01')");
    manual_clock clk;
    jdbc_source_task src(clk);
    ASSERT_TRUE(src.start({{"connection.url", server_->jdbc_url(db_)},
                           {"mode", "incrementing"},
                           {"incrementing.column.name", "id"},
                           {"tables", "urls"},
                           {"topic.prefix", "dim_"}},
                          {})
                    .ok());
    auto rows = poll_all(src);
    ASSERT_EQ(rows.size(), 2u);
    for (auto& r : rows) {  // as the worker would deliver them
        r.partition = 0;
        r.kafka_offset = 0;
    }
    auto sink = start_sink({{"connection.url", server_->jdbc_url(db_)},
                            {"auto.create", "true"},
                            {"insert.mode", "upsert"},
                            {"pk.mode", "record_value"},
                            {"pk.fields", "id"},
                            {"table.name.format", "${topic}_copy"}});
    ASSERT_TRUE(sink->put(rows).ok());
    EXPECT_EQ(sql("SELECT id, url, url_category, added FROM dim_urls_copy ORDER BY id"),
              "1|/a|home|2025-04-30\n2|/b|product-page|2025-05-01\n");
    EXPECT_EQ(sql("SELECT data_type FROM information_schema.columns WHERE table_name = "
                  "'dim_urls_copy' AND column_name = 'added'"),
              "date\n");
}

}  // namespace
}  // namespace cs::connect::jdbc
