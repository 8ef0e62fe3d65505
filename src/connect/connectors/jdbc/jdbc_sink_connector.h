#pragma once

// io.confluent.connect.jdbc.JdbcSinkConnector as a connector_plugin: the
// plugin registry owns one instance; the worker asks it for task configs
// and creates one jdbc_sink_task per task.

#include <memory>

#include "connect/plugin.h"

namespace cs::connect::jdbc {

inline constexpr const char* jdbc_sink_class = "io.confluent.connect.jdbc.JdbcSinkConnector";

std::unique_ptr<connector_plugin> make_jdbc_sink_connector();

}  // namespace cs::connect::jdbc
