#pragma once

// SQL text for the JDBC sink, per dialect: identifier quoting, column types,
// CREATE TABLE / ALTER TABLE ADD, multi-row INSERT (plain or ON CONFLICT
// upsert), UPDATE and DELETE by key. PostgreSQL placeholders are $n, SQLite's
// ?n; both dialects share the ON CONFLICT upsert syntax (SQLite >= 3.24).

#include <string>
#include <vector>

#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/row_builder.h"

namespace cs::connect::jdbc {

class sql_builder {
  public:
    sql_builder(dialect_kind d, bool quote) : d_(d), quote_(quote) {}

    std::string ident(const std::string& name) const;
    std::string table(const table_id& t) const;
    std::string type_of(col_type t) const;
    // Most parameters one statement may carry.
    size_t max_params() const { return d_ == dialect_kind::postgres ? 65535 : 32766; }

    std::string create_table(const table_id& t, const std::vector<column_spec>& cols) const;
    std::string add_column(const table_id& t, const column_spec& c) const;
    // INSERT of `rows` rows; with upsert, ON CONFLICT (keys) DO UPDATE SET
    // non-keys = EXCLUDED.non-keys, or DO NOTHING when every column is a key.
    std::string insert(const table_id& t, const std::vector<column_spec>& cols, size_t rows,
                       bool upsert) const;
    // PostgreSQL bulk path (jdbc_sink_task): COPY t (cols) FROM STDIN (text
    // format); a per-session staging table with exactly the run's columns and
    // the target's column types (no constraints, emptied at every commit);
    // and the merge INSERT INTO t (cols) SELECT cols FROM stage [ON CONFLICT
    // ... as insert()].
    std::string copy_from_stdin(const std::string& quoted_table,
                                const std::vector<column_spec>& cols) const;
    std::string create_stage(const std::string& stage, const table_id& t,
                             const std::vector<column_spec>& cols) const;
    std::string merge_from_stage(const table_id& t, const std::string& stage,
                                 const std::vector<column_spec>& cols, bool upsert) const;
    // UPDATE t SET non-keys WHERE keys; parameters in column order.
    std::string update(const table_id& t, const std::vector<column_spec>& cols) const;
    std::string remove(const table_id& t, const std::vector<column_spec>& keys) const;

  private:
    std::string placeholder(size_t n) const;  // 1-based
    std::string column_list(const std::vector<column_spec>& cols) const;
    std::string on_conflict(const std::vector<column_spec>& cols) const;
    dialect_kind d_;
    bool quote_;
};

}  // namespace cs::connect::jdbc
