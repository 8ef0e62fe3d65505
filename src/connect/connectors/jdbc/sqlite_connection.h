#pragma once

// db_connection over sqlite3: jdbc:sqlite:<path> or jdbc:sqlite::memory:.
// File databases run in WAL mode with a busy timeout; statements are
// prepared once and cached by text.

#include <memory>

#include "connect/connectors/jdbc/db_connection.h"

namespace cs::connect::jdbc {

// The file path of a jdbc:sqlite: URL (":memory:" for an in-memory database).
result<std::string> parse_sqlite_url(std::string_view url);

result<std::unique_ptr<db_connection>> open_sqlite(const connection_settings& s);

}  // namespace cs::connect::jdbc
