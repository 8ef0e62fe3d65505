#include "connect/connectors/jdbc/db_connection.h"

#include <fmt/format.h>

#include "connect/connectors/jdbc/postgres_connection.h"
#include "connect/connectors/jdbc/sqlite_connection.h"

namespace cs::connect::jdbc {

result<dialect_kind> dialect_of(std::string_view url) {
    if (url.starts_with("jdbc:postgresql:")) {
        return dialect_kind::postgres;
    }
    if (url.starts_with("jdbc:sqlite:")) {
        return dialect_kind::sqlite;
    }
    return error{errc::unsupported,
                 fmt::format("connection.url '{}' is not supported: use "
                             "jdbc:postgresql://host:port/db or jdbc:sqlite:<path>",
                             url)};
}

result<std::unique_ptr<db_connection>> open_connection(const connection_settings& s) {
    auto d = dialect_of(s.url);
    if (!d.ok()) {
        return d.take_error();
    }
    return *d == dialect_kind::postgres ? open_postgres(s) : open_sqlite(s);
}

}  // namespace cs::connect::jdbc
