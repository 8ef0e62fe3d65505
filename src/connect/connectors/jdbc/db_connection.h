#pragma once

// The database access layer of the JDBC connectors: one small interface
// with a PostgreSQL (libpq) and a SQLite (sqlite3) implementation, chosen by
// connection.url as the Java JDBC drivers spell it.
//
// Errors are classified by code, so callers know what to do next:
//   errc::io / errc::timed_out  retriable: connection lost, server shutting
//                               down, serialization failure, deadlock, lock
//                               or statement timeout. The connection may be
//                               unusable; callers reconnect (alive()).
//   errc::invalid_argument      a record problem: a constraint or data
//                               violation (SQLSTATE classes 22 and 23,
//                               SQLITE_CONSTRAINT/MISMATCH/TOOBIG).
//   errc::not_found / others    anything else (undefined table or column,
//                               syntax, permissions): neither.
// Messages carry the SQLSTATE (PostgreSQL) and the database's own text.
//
// A connection is used by one thread at a time (one per task).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace cs::connect::jdbc {

enum class dialect_kind { postgres, sqlite };

// A PostgreSQL unique violation (a key that exists), from the SQLSTATE the
// message carries.
inline bool is_unique_violation(const error& e) {
    return e.message.find("[SQLSTATE 23505]") != std::string::npos;
}

// A statement parameter. PostgreSQL receives every value as text with an
// unspecified type (the server infers it from the column), so temporal and
// decimal values travel as their text forms; SQLite binds the C type.
struct blob {
    std::string bytes;
};
using sql_param = std::variant<std::monostate, bool, int64_t, double, std::string, blob>;

struct column_info {
    std::string name;
    std::string type;  // as the database reports it, lowercase (e.g. "bigint", "text")
    bool nullable = true;
};

struct table_id {
    std::string schema;  // empty: the connection's default
    std::string table;
};

struct table_info {
    table_id id;
    std::vector<column_info> columns;  // in table order
    std::vector<std::string> primary_key;
    const column_info* find(std::string_view name) const {
        for (const auto& c : columns) {
            if (c.name == name) {
                return &c;
            }
        }
        return nullptr;
    }
};

struct query_result {
    std::vector<std::string> columns;
    std::vector<std::string> column_types;  // lowercase type names ("int8", "text", ...)
    std::vector<std::vector<std::optional<std::string>>> rows;  // text form; nullopt = NULL
};

class db_connection {
  public:
    virtual ~db_connection() = default;
    virtual dialect_kind kind() const = 0;
    // False once the connection is known to be broken; reconnect then.
    virtual bool alive() const = 0;

    // Runs one or more statements without parameters.
    virtual status execute(std::string_view sql) = 0;
    // Runs one parameterized statement, prepared once per connection and
    // cached by its text. Returns the number of rows affected.
    virtual result<int64_t> execute(std::string_view sql, std::span<const sql_param> params) = 0;
    virtual result<query_result> query(std::string_view sql,
                                       std::span<const sql_param> params = {}) = 0;

    virtual status begin() = 0;
    virtual status commit() = 0;
    virtual status rollback() = 0;

    // nullopt when the table does not exist. Names are matched exactly
    // (callers fold case when identifiers are not quoted).
    virtual result<std::optional<table_info>> describe_table(const table_id& id) = 0;

    // PostgreSQL COPY ... FROM STDIN with data in text format; SQLite
    // returns errc::unsupported.
    virtual result<int64_t> copy_in(std::string_view copy_sql, std::string_view data) = 0;
};

struct connection_settings {
    std::string url;  // jdbc:postgresql://host:port/db?params, jdbc:sqlite:path
    std::string user;
    std::string password;
    int connect_timeout_s = 10;
};

result<dialect_kind> dialect_of(std::string_view url);
result<std::unique_ptr<db_connection>> open_connection(const connection_settings& s);

// True for errors worth retrying after a reconnect.
inline bool is_retriable(const error& e) {
    return e.code == errc::io || e.code == errc::timed_out;
}
inline bool is_record_error(const error& e) {
    return e.code == errc::invalid_argument;
}

}  // namespace cs::connect::jdbc
