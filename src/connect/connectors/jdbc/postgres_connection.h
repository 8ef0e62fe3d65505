#pragma once

// db_connection over libpq. Parameters are sent as text with unspecified
// types; statements are prepared once per connection (named s<N>) and
// reused. A connection whose socket broke reports alive() == false.

#include <memory>

#include "connect/connectors/jdbc/db_connection.h"

namespace cs::connect::jdbc {

struct postgres_url {
    std::string host = "localhost";
    std::string port = "5432";
    std::string dbname;
    std::vector<std::pair<std::string, std::string>> params;  // libpq keyword, value
};

// Parses jdbc:postgresql://host[:port][/db][?k=v&...]. JDBC property names
// with a libpq equivalent (user, password, sslmode, connectTimeout,
// ApplicationName, options) are translated; others are an error.
result<postgres_url> parse_postgres_url(std::string_view url);

result<std::unique_ptr<db_connection>> open_postgres(const connection_settings& s);

}  // namespace cs::connect::jdbc
