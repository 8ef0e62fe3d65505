#pragma once

// The JDBC source task (Confluent's JdbcSourceTask): polls each assigned
// table (or one query) and turns rows into schema'd records (a Struct value
// named after the table, one field per column, no key; the key comes from
// the ValueToKey/ExtractField SMTs as with Confluent).
//
// Modes and the WHERE clause each poll runs (rows are read in that order
// and handed out at most batch.max.rows per poll(), the rest kept for the
// next polls like an open cursor):
//   bulk                    the whole table every poll.interval.ms
//   incrementing            inc > last ORDER BY inc
//   timestamp               ts > last AND ts < now - delay ORDER BY ts
//   timestamp+incrementing  ts < now - delay AND ((ts = last_ts AND inc >
//                           last_inc) OR ts > last_ts) ORDER BY ts, inc
// Source partitions are {"table": name} ({"query": sql} in query mode);
// offsets {"incrementing": N}, {"timestamp": ms, "timestamp_nanos": ns} or
// both, as Confluent stores them, and start() resumes from them.
//
// Threading: poll() and stop() from the worker's task thread; stop() may
// also come from another thread and wakes a waiting poll().

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "base/clock.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "connect/plugin.h"

namespace cs::connect::jdbc {

enum class source_mode { bulk, incrementing, timestamp, timestamp_incrementing };

struct source_config {
    std::string url, user, password;
    source_mode mode = source_mode::bulk;
    std::string incrementing_column;
    std::vector<std::string> timestamp_columns;
    bool validate_non_null = true;
    std::vector<std::string> tables;  // this task's tables ("tables" in task configs)
    std::string query;
    std::string topic_prefix;
    int poll_interval_ms = 5000;
    int batch_max_rows = 100;
    int64_t timestamp_delay_ms = 0;
    bool quote_identifiers = true;
};

std::vector<config_key> source_config_keys();
result<source_config> parse_source_config(const config_map& m,
                                          std::vector<config_problem>* problems);

class jdbc_source_task final : public source_task {
  public:
    explicit jdbc_source_task(cs::clock& clk = system_clock::instance()) : clock_(clk) {}
    status start(const config_map& config,
                 const std::vector<std::pair<data, data>>& committed_offsets) override;
    result<std::vector<record>> poll(int max_wait_ms) override;
    void stop() override;

  private:
    struct table_state {
        std::string table;  // or the query text in query mode
        data partition;
        int64_t last_inc = -1;
        int64_t last_ts = 0;  // ms since epoch
        int64_t next_poll_ms = 0;
        std::deque<record> pending;
        schema_ptr value_schema;
        std::vector<std::string> schema_columns;  // the columns value_schema was built for
        bool validated = false;
    };

    status ensure_connection();
    status query_table(table_state& t);
    status validate_columns(table_state& t);
    result<schema_ptr> schema_for(table_state& t, const query_result& q);

    source_config cfg_;
    cs::clock& clock_;
    std::unique_ptr<db_connection> conn_;
    std::vector<table_state> tables_;
    size_t next_table_ = 0;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
};

}  // namespace cs::connect::jdbc
