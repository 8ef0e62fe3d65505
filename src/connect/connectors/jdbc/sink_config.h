#pragma once

// The JDBC sink's configuration: Confluent's JdbcSinkConfig keys, types and
// defaults (config_keys() feeds the worker's validate endpoint), parsed into
// a typed struct once per task.

#include <string>
#include <vector>

#include "base/result.h"
#include "base/time_zone.h"
#include "connect/plugin.h"

namespace cs::connect::jdbc {

enum class insert_mode { insert, upsert, update };
enum class pk_mode { none, kafka, record_key, record_value };

struct sink_config {
    std::string connector_name;
    std::string url;
    std::string user;
    std::string password;
    insert_mode mode = insert_mode::insert;
    pk_mode pk = pk_mode::none;
    std::vector<std::string> pk_fields;
    std::vector<std::string> fields_include;  // empty: all
    std::string table_name_format = "${topic}";
    int batch_size = 3000;
    bool delete_enabled = false;
    bool auto_create = false;
    bool auto_evolve = false;
    bool quote_identifiers = true;
    int max_retries = 10;
    int retry_backoff_ms = 3000;
    int connection_attempts = 3;
    int connection_backoff_ms = 10000;
    time_zone db_timezone;  // Date/Time/Timestamp columns hold civil time in it
};

std::vector<config_key> sink_config_keys();
// Parses and checks a connector/task config; every problem is listed.
result<sink_config> parse_sink_config(const config_map& m, std::vector<config_problem>* problems);

}  // namespace cs::connect::jdbc
