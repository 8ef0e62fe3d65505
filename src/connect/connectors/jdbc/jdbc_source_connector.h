#pragma once

// io.confluent.connect.jdbc.JdbcSourceConnector as a connector_plugin. Task
// configs get a "tables" key with their share of the tables (the whitelist,
// or every table of the database minus table.blacklist); query mode has
// one task.

#include <memory>

#include "connect/plugin.h"

namespace cs::connect::jdbc {

inline constexpr const char* jdbc_source_class = "io.confluent.connect.jdbc.JdbcSourceConnector";

std::unique_ptr<connector_plugin> make_jdbc_source_connector();

}  // namespace cs::connect::jdbc
