#pragma once

// The JDBC sink task. Each put() is one database transaction: rows are
// grouped into runs of the same table and column set, each run is written
// in multi-row statements of up to batch.size rows (INSERT or INSERT ... ON
// CONFLICT for upserts, keeping the last record per key within a
// statement), and the transaction commits before put() returns. Tables are
// created / evolved inside the same transaction.
//
// PostgreSQL insert and upsert runs take the COPY bulk path instead (the
// fastest by measurement, bench/RESULTS.md): insert COPYs straight into the
// table; upsert keeps each key's last record of the run, COPYs them into a
// per-session staging table (TEMP, ON COMMIT DELETE ROWS, one per table and
// column set) and merges with INSERT ... SELECT ... ON CONFLICT. Both run
// under a savepoint; any non-retriable failure rolls back to it and the run
// is written again through the multi-row path below, which isolates the
// errant rows. Values get the same text either way (copy_text.h).
//
// Failures:
//  - the database away, timeouts, serialization failures: rollback, the
//    connection is dropped if broken, and put() returns errc::io /
//    errc::timed_out (the worker retries the same records);
//  - a statement failing because of a record's data (constraint, bad value):
//    the statement is rolled back to a savepoint and its rows are retried
//    one by one; the rows that still fail are reported as errant;
//  - a record that can't become a row (key without the pk.fields, a value
//    that is not a struct or map, a new non-optional field while evolving):
//    reported as errant, the rest of the batch is written;
//  - anything else (no unique constraint for ON CONFLICT, permissions):
//    put() returns the error and the task fails.
// Errant records are reported only after the commit, so a retried batch
// does not report them twice.

#include <functional>
#include <map>
#include <memory>

#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/row_builder.h"
#include "connect/connectors/jdbc/sink_config.h"
#include "connect/connectors/jdbc/sql_builder.h"
#include "connect/plugin.h"

namespace cs::connect::jdbc {

class jdbc_sink_task final : public sink_task {
  public:
    status start(const config_map& config, errant_record_reporter& reporter) override;
    status put(std::span<const record> records) override;
    int64_t retry_backoff_ms() const override { return cfg_.retry_backoff_ms; }
    void stop() override;

    // Statements executed so far (tests and the benchmark look at batching).
    int64_t statements() const { return statements_; }
    // The COPY bulk path is on by default; off, PostgreSQL gets the
    // multi-row statements too (the benchmark compares both).
    void set_copy_enabled(bool on) { copy_enabled_ = on; }

  private:
    struct pending {
        const record* rec;
        row r;
    };
    using errant_list = std::vector<std::pair<const record*, std::string>>;

    status ensure_connection();
    status write_run(std::span<pending> run, errant_list& errant);
    // Creates / evolves the table for a run. Returns a non-empty reason
    // when the run's records can't be written (reported as errant).
    result<std::string> ensure_table(const row& shape);
    status exec_rows(std::span<pending* const> rows);
    status exec_isolated(std::span<pending* const> rows, errant_list& errant);
    result<std::optional<table_info>> describe(const table_id& id);
    std::string column_key(const std::string& name) const;
    status fail(error e);
    // fail(), and a retriable failure turned final once max.retries are used.
    status retry_or_fail(error e);
    error errant_failure(const std::pair<const record*, std::string>& errant) const;
    int retries_left_ = 10;  // cfg_.max_retries after start
    // Upsert: one statement may not update a row twice; keeps each key's
    // last record, in record order.
    static std::vector<pending*> last_per_key(std::span<pending* const> rows);
    // The COPY bulk path for an insert/upsert run; false when the run must
    // take the multi-row path (another dialect or mode, a blob bound for a
    // non-bytea column, or the COPY failed and was rolled back).
    result<bool> write_copy(std::span<pending* const> rows);
    result<std::string> stage_for(const row& shape);
    // Whether the target's primary key is exactly the row's key columns.
    bool key_is_primary_key(const row& shape);
    // Upsert: COPY straight into `table` under a savepoint. true: done;
    // false: a key exists (rolled back, the caller merges instead).
    result<bool> try_direct_copy(const std::string& table,
                                 const std::function<status(const std::string&)>& copy_into);
    bool copy_text_matches(std::span<pending* const> rows);

    // A staging table of this session. Created inside a transaction, it
    // exists after the commit; a rollback to before its creation drops it.
    struct stage {
        std::string name;
        bool created_in_txn = false;
        bool used_in_txn = false;  // holds rows: TRUNCATE before reuse
    };
    void end_txn(bool committed);

    sink_config cfg_;
    errant_record_reporter* reporter_ = nullptr;
    std::unique_ptr<db_connection> conn_;
    std::unique_ptr<sql_builder> sql_;
    std::map<std::string, table_info> tables_;  // by quoted name; cleared on rollback
    int64_t statements_ = 0;
    bool copy_enabled_ = true;
    std::map<std::string, stage> stages_;  // by table + column list; cleared on reconnect
    int next_stage_ = 0;
    // Upserts first try a COPY straight into the table (most clickstream
    // upserts insert new keys); when a key exists the COPY fails and the
    // staging-table merge runs. After such a failure the direct attempt is
    // skipped for `direct_penalty_` runs (doubling up to 64), so a stream of
    // updates pays for at most one wasted COPY in 64.
    int direct_skip_ = 0;
    int direct_penalty_ = 1;
};

}  // namespace cs::connect::jdbc
