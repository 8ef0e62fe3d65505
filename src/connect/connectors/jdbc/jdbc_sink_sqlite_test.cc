#include <filesystem>

#include <gtest/gtest.h>

#include "connect/config_validation.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/jdbc_sink_connector.h"
#include "connect/connectors/jdbc/jdbc_sink_task.h"
#include "connect/connectors/jdbc/test_records.h"
#include "connect/plugin_registry.h"

namespace cs::connect::jdbc {
namespace {

using test::collecting_reporter;
using test::schemaless_click;
using test::struct_click;

class JdbcSinkSqlite : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("cs-jdbc-sqlite-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        url_ = "jdbc:sqlite:" + (dir_ / "sink.db").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // The seed's clickstream-postgres-sink.json, pointed at SQLite.
    config_map seed_config() const {
        return {{"name", "clickstream-postgres-sink"},
                {"connector.class", jdbc_sink_class},
                {"topics", "enriched-clickstream"},
                {"tasks.max", "2"},
                {"connection.url", url_},
                {"connection.user", "clickuser"},
                {"connection.password", "clickpass"},
                {"insert.mode", "upsert"},
                {"auto.create", "true"},
                {"auto.evolve", "true"},
                {"pk.mode", "record_key"},
                {"pk.fields", "user_id,timestamp"},
                {"table.name.format", "clickstream_events"}};
    }

    std::unique_ptr<sink_task> start(const config_map& c) {
        auto plugin = make_jdbc_sink_connector();
        EXPECT_TRUE(plugin->validate(c).empty());
        auto task = plugin->make_sink_task();
        auto st = task->start(plugin->task_configs(c, 1).at(0), reporter_);
        EXPECT_TRUE(st.ok()) << st.message();
        return task;
    }

    std::string dump(const std::string& sql) {
        auto db = open_connection({url_, "", "", 10});
        EXPECT_TRUE(db.ok());
        auto q = (*db)->query(sql);
        EXPECT_TRUE(q.ok()) << q.err().message;
        std::string out;
        for (const auto& row : q->rows) {
            for (const auto& c : row) {
                out += c.value_or("NULL") + "|";
            }
            out += "\n";
        }
        return out;
    }

    std::filesystem::path dir_;
    std::string url_;
    collecting_reporter reporter_;
};

TEST_F(JdbcSinkSqlite, SeedConfigWithSchemalessClicksIsIdempotent) {
    auto task = start(seed_config());
    std::vector<record> batch;
    for (int i = 0; i < 50; ++i) {
        batch.push_back(schemaless_click(i));
    }
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_TRUE(reporter_.reported.empty());
    EXPECT_EQ(dump("SELECT count(*) FROM clickstream_events"), "50|\n");
    EXPECT_EQ(dump("SELECT name, type, pk FROM pragma_table_info('clickstream_events') ORDER BY "
                   "cid"),
              "timestamp|TEXT|2|\nuser_id|TEXT|1|\ndevice_id|TEXT|0|\nurl|TEXT|0|\n"
              "user_name|TEXT|0|\ndevice_type|TEXT|0|\nurl_category|TEXT|0|\n");
    std::string before = dump("SELECT * FROM clickstream_events ORDER BY user_id, timestamp");
    ASSERT_TRUE(task->put(batch).ok());  // replay
    EXPECT_EQ(dump("SELECT * FROM clickstream_events ORDER BY user_id, timestamp"), before);
    task->stop();
}

TEST_F(JdbcSinkSqlite, StructKeysAndErrantKeys) {
    auto task = start(seed_config());
    std::vector<record> batch{struct_click(1), struct_click(2)};
    record string_key = schemaless_click(3);
    string_key.key = data("user_3");
    string_key.key_schema = test::make_schema(schema_type::string);
    record null_key = schemaless_click(4);
    null_key.key = data();
    record partial_key = schemaless_click(5);
    partial_key.key = data::map({{"user_id", "user_5"}});
    batch.push_back(string_key);
    batch.push_back(null_key);
    batch.push_back(partial_key);
    batch.push_back(struct_click(6));
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(dump("SELECT count(*) FROM clickstream_events"), "3|\n");
    ASSERT_EQ(reporter_.reported.size(), 3u);
    EXPECT_NE(reporter_.reported[0].second.find("Need exactly one PK column"), std::string::npos)
        << reporter_.reported[0].second;
    EXPECT_NE(reporter_.reported[1].second.find("non-null key"), std::string::npos);
    EXPECT_NE(reporter_.reported[2].second.find("does not contain field 'timestamp'"),
              std::string::npos)
        << reporter_.reported[2].second;
    EXPECT_EQ(reporter_.reported[2].first.kafka_offset, 5);
    // device_type is an optional struct field holding null.
    EXPECT_EQ(dump("SELECT device_type FROM clickstream_events WHERE url = '/products/1'"),
              "NULL|\n");
}

TEST_F(JdbcSinkSqlite, AutoEvolveAddsNullableColumns) {
    auto task = start(seed_config());
    std::vector<record> first{schemaless_click(1)};
    ASSERT_TRUE(task->put(first).ok());
    record wider = schemaless_click(2);
    auto entries = wider.value.as_map();
    entries.emplace_back("referrer", "google");
    entries.emplace_back("dwell_ms", int64_t{1200});
    entries.emplace_back("tags", data::list({"a", "b"}));
    wider.value = data::map(entries);
    std::vector<record> second{wider};
    ASSERT_TRUE(task->put(second).ok());
    EXPECT_EQ(dump("SELECT referrer, dwell_ms, tags FROM clickstream_events ORDER BY url"),
              "NULL|NULL|NULL|\ngoogle|1200|[\"a\",\"b\"]|\n");

    // Evolution off: the record is errant with the reason, the task lives.
    auto cfg = seed_config();
    cfg["auto.evolve"] = "false";
    auto strict = start(cfg);
    record extra = schemaless_click(3);
    auto e2 = extra.value.as_map();
    e2.emplace_back("campaign", "spring");
    extra.value = data::map(e2);
    std::vector<record> third{extra, schemaless_click(4)};
    ASSERT_TRUE(strict->put(third).ok());
    ASSERT_EQ(reporter_.reported.size(), 1u);
    EXPECT_NE(reporter_.reported[0].second.find("auto-evolution is disabled"), std::string::npos);
    EXPECT_EQ(dump("SELECT count(*) FROM clickstream_events"), "3|\n");
}

// errors.tolerance=none (the worker's reporter is not tolerant): a record
// that cannot be written fails the put and nothing of its batch is
// written, so a restart after the fix writes each record once (Confluent
// rolls the whole put back).
TEST_F(JdbcSinkSqlite, WithoutToleranceAnErrantRecordWritesNothingOfItsBatch) {
    auto cfg = seed_config();
    cfg["auto.evolve"] = "false";
    auto task = start(seed_config());
    std::vector<record> first{schemaless_click(1)};
    ASSERT_TRUE(task->put(first).ok());
    reporter_.tolerate = false;
    auto strict = start(cfg);
    record extra = schemaless_click(3);
    auto e2 = extra.value.as_map();
    e2.emplace_back("campaign", "spring");
    extra.value = data::map(e2);
    std::vector<record> batch{schemaless_click(2), extra, schemaless_click(4)};
    auto st = strict->put(batch);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("auto-evolution is disabled"), std::string::npos) << st.message();
    EXPECT_EQ(dump("SELECT count(*) FROM clickstream_events"), "1|\n");  // 2 and 4 rolled back
}

// A retriable failure (the database locked) is retried max.retries times,
// retry.backoff.ms apart (the worker waits what retry_backoff_ms() says),
// then fails for good.
TEST_F(JdbcSinkSqlite, RetriableFailuresAreRetriedMaxRetriesTimes) {
    auto cfg = seed_config();
    cfg["max.retries"] = "1";  // each attempt waits SQLite's 5 s busy timeout
    cfg["retry.backoff.ms"] = "250";
    auto task = start(cfg);
    EXPECT_EQ(task->retry_backoff_ms(), 250);
    std::vector<record> first{schemaless_click(1)};
    ASSERT_TRUE(task->put(first).ok());
    auto db = open_connection({url_, "", "", 10});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->execute("BEGIN EXCLUSIVE").ok());  // holds the lock
    std::vector<record> second{schemaless_click(2)};
    auto st = task->put(second);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.code() == errc::io || st.code() == errc::timed_out) << st.message();
    auto last = task->put(second);
    ASSERT_FALSE(last.ok());
    EXPECT_FALSE(last.code() == errc::io || last.code() == errc::timed_out) << last.message();
    EXPECT_NE(last.message().find("max.retries=1"), std::string::npos) << last.message();
    ASSERT_TRUE((*db)->execute("ROLLBACK").ok());
    auto again = start(cfg);  // the restarted task
    ASSERT_TRUE(again->put(second).ok());
    EXPECT_EQ(dump("SELECT count(*) FROM clickstream_events"), "2|\n");
}

TEST_F(JdbcSinkSqlite, DeleteEnabledTombstonesDeleteByKey) {
    auto cfg = seed_config();
    cfg["delete.enabled"] = "true";
    auto task = start(cfg);
    std::vector<record> batch{schemaless_click(1), schemaless_click(2), schemaless_click(3)};
    record tomb = schemaless_click(2);
    tomb.value = data();
    batch.push_back(tomb);
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(dump("SELECT url FROM clickstream_events ORDER BY url"),
              "/products/1|\n/products/3|\n");
    // Without delete.enabled a tombstone is errant, not fatal.
    auto plain = start(seed_config());
    std::vector<record> only{tomb};
    ASSERT_TRUE(plain->put(only).ok());
    ASSERT_EQ(reporter_.reported.size(), 1u);
    EXPECT_NE(reporter_.reported[0].second.find("delete.enabled=false"), std::string::npos);
    // delete.enabled without record_key is a config problem.
    auto bad = seed_config();
    bad["delete.enabled"] = "true";
    bad["pk.mode"] = "record_value";
    EXPECT_FALSE(make_jdbc_sink_connector()->validate(bad).empty());
}

TEST_F(JdbcSinkSqlite, InsertModeIsolatesTheBadRowOfABatch) {
    config_map cfg{{"name", "ins"},         {"connection.url", url_},
                   {"auto.create", "true"}, {"pk.mode", "record_value"},
                   {"pk.fields", "url"},    {"table.name.format", "clicks_${topic}"}};
    auto task = start(cfg);
    std::vector<record> batch;
    for (int i = 0; i < 10; ++i) {
        batch.push_back(schemaless_click(i, "t1"));
    }
    batch.push_back(schemaless_click(4, "t1", 99));  // duplicate url: primary key violation
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(dump("SELECT count(*) FROM clicks_t1"), "10|\n");
    ASSERT_EQ(reporter_.reported.size(), 1u);
    EXPECT_EQ(reporter_.reported[0].first.kafka_offset, 99);
    EXPECT_NE(reporter_.reported[0].second.find("UNIQUE constraint failed"), std::string::npos)
        << reporter_.reported[0].second;
    auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
    ASSERT_NE(t, nullptr);
}

TEST_F(JdbcSinkSqlite, KafkaPkModeAndFieldsWhitelistAndBatchSize) {
    config_map cfg{{"name", "k"},           {"connection.url", url_},
                   {"auto.create", "true"}, {"insert.mode", "upsert"},
                   {"pk.mode", "kafka"},    {"fields.whitelist", "url,user_id"},
                   {"batch.size", "4"}};
    auto task = start(cfg);
    std::vector<record> batch;
    for (int i = 0; i < 10; ++i) {
        batch.push_back(schemaless_click(i, "topic_a"));
    }
    ASSERT_TRUE(task->put(batch).ok());
    EXPECT_EQ(dump("SELECT name, pk FROM pragma_table_info('topic_a') ORDER BY cid"),
              "__connect_topic|1|\n__connect_partition|2|\n__connect_offset|3|\nuser_id|0|\n"
              "url|0|\n");
    EXPECT_EQ(dump("SELECT count(*), min(__connect_offset), max(__connect_offset) FROM topic_a"),
              "10|0|9|\n");
    // 10 rows in statements of at most 4 rows: 3 inserts after the CREATE.
    auto* t = dynamic_cast<jdbc_sink_task*>(task.get());
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->statements(), 4);
}

TEST_F(JdbcSinkSqlite, UpdateModeChangesOnlyExistingRows) {
    auto cfg = seed_config();
    auto up = start(cfg);
    std::vector<record> batch{schemaless_click(1)};
    ASSERT_TRUE(up->put(batch).ok());
    cfg["insert.mode"] = "update";
    auto task = start(cfg);
    record changed = schemaless_click(1);
    auto m = changed.value.as_map();
    for (auto& [k, v] : m) {
        if (k.as_string() == "user_name") {
            v = "Bob";
        }
    }
    changed.value = data::map(m);
    std::vector<record> updates{changed, schemaless_click(2)};  // 2 does not exist
    ASSERT_TRUE(task->put(updates).ok());
    EXPECT_EQ(dump("SELECT user_name FROM clickstream_events"), "Bob|\n");
}

// A missing required key is one error, however many checks notice it
// (Connect lists one per key; the plugin's own check had doubled it).
TEST_F(JdbcSinkSqlite, AMissingRequiredKeyIsOneError) {
    plugin_registry plugins;
    std::shared_ptr<const connector_plugin> plugin = make_jdbc_sink_connector();
    plugins.add_connector(plugin);
    auto infos = validate_connector_config(
        plugins, {{"connector.class", jdbc_sink_class}, {"name", "j"}, {"topics", "t"}},
        plugin.get());
    EXPECT_EQ(infos.error_count, 1) << fmt::format("{}", fmt::join(infos.all_errors(), "; "));
    for (const auto& c : infos.configs) {
        if (c.value.name == "connection.url") {
            ASSERT_EQ(c.value.errors.size(), 1u);
            EXPECT_NE(c.value.errors[0].find("Missing required configuration"), std::string::npos);
        }
    }
}

TEST_F(JdbcSinkSqlite, ConfigProblems) {
    auto plugin = make_jdbc_sink_connector();
    EXPECT_EQ(plugin->class_name(), "io.confluent.connect.jdbc.JdbcSinkConnector");
    auto problems = plugin->validate({{"connection.url", url_}, {"insert.mode", "merge"}});
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].key, "insert.mode");
    problems = plugin->validate({{"connection.url", url_}, {"insert.mode", "upsert"}});
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].key, "pk.mode");
    // Validation never connects: an unreachable database is the task's
    // failure, not a reason to refuse the connector.
    EXPECT_TRUE(
        plugin->validate({{"connection.url", "jdbc:sqlite:/nonexistent/dir/x.db"}}).empty());
    bool has_url = false;
    for (const auto& k : plugin->config_keys()) {
        if (k.name == "connection.url") {
            has_url = !k.default_value.has_value();
        }
        if (k.name == "batch.size") {
            EXPECT_EQ(k.default_value, "3000");
        }
    }
    EXPECT_TRUE(has_url);
}

}  // namespace
}  // namespace cs::connect::jdbc
