#include "connect/connectors/jdbc/sink_config.h"

#include <charconv>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"

namespace cs::connect::jdbc {

namespace {

struct reader {
    const config_map& m;
    std::vector<config_problem>& problems;

    std::string str(const std::string& k, const std::string& def) const {
        auto it = m.find(k);
        return it == m.end() ? def : std::string(trim_blanks(it->second));
    }
    bool boolean(const std::string& k, bool def) const {
        auto v = str(k, def ? "true" : "false");
        auto b = parse_config_boolean(v);
        if (!b) {
            problems.push_back({k, fmt::format("Invalid value {} for configuration {}: Expected "
                                               "value to be either true or false",
                                               v, k)});
            return false;
        }
        return *b;
    }
    int integer(const std::string& k, int def, int min) const {
        auto v = str(k, std::to_string(def));
        int out = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
        if (ec != std::errc() || p != v.data() + v.size()) {
            problems.push_back({k, fmt::format("Invalid value {} for configuration {}: Not a "
                                               "number of type INT",
                                               v, k)});
            return def;
        }
        if (out < min) {
            problems.push_back(
                {k, fmt::format("Invalid value {} for configuration {}: Value must be at least {}",
                                v, k, min)});
            return def;
        }
        return out;
    }
    std::string choice(const std::string& k, const std::string& def,
                       std::initializer_list<const char*> allowed) const {
        auto v = str(k, def);
        std::string lowered = ascii_lower(v);
        for (const char* a : allowed) {
            if (lowered == a) {
                return lowered;
            }
        }
        std::string list;
        for (const char* a : allowed) {
            list += list.empty() ? a : std::string(", ") + a;
        }
        problems.push_back(
            {k, fmt::format("Invalid value {} for configuration {}: Invalid enumerator, must be "
                            "one of [{}]",
                            v, k, list)});
        return def;
    }
};

}  // namespace

std::vector<config_key> sink_config_keys() {
    return {
        make_config_key(
            "connection.url", "STRING", std::nullopt, "HIGH", "Connection",
            "JDBC connection URL: jdbc:postgresql://host:port/db or jdbc:sqlite:<path>."),
        make_config_key("connection.user", "STRING", "", "HIGH", "Connection",
                        "JDBC connection user."),
        make_config_key("connection.password", "PASSWORD", "", "HIGH", "Connection",
                        "JDBC connection password."),
        make_config_key("connection.attempts", "INT", "3", "LOW", "Connection",
                        "Maximum number of attempts to retrieve a valid JDBC connection."),
        make_config_key("connection.backoff.ms", "LONG", "10000", "LOW", "Connection",
                        "Backoff time in milliseconds between connection attempts."),
        make_config_key("dialect.name", "STRING", "", "LOW", "Connection",
                        "The dialect; empty picks it from connection.url.",
                        {"", "PostgreSqlDatabaseDialect", "SqliteDatabaseDialect"}),
        make_config_key("insert.mode", "STRING", "insert", "HIGH", "Writes",
                        "insert, upsert or update.", {"insert", "upsert", "update"}),
        make_config_key("batch.size", "INT", "3000", "MEDIUM", "Writes",
                        "Maximum number of records to write in one statement batch."),
        make_config_key(
            "delete.enabled", "BOOLEAN", "false", "MEDIUM", "Writes",
            "Whether null record values (tombstones) delete rows; requires pk.mode=record_key."),
        make_config_key("table.name.format", "STRING", "${topic}", "MEDIUM", "Data Mapping",
                        "Destination table name; ${topic} is replaced by the record's topic."),
        make_config_key("pk.mode", "STRING", "none", "HIGH", "Data Mapping",
                        "none, kafka, record_key or record_value.",
                        {"none", "kafka", "record_key", "record_value"}),
        make_config_key("pk.fields", "LIST", "", "MEDIUM", "Data Mapping",
                        "Primary key field names (meaning depends on pk.mode)."),
        make_config_key("fields.whitelist", "LIST", "", "MEDIUM", "Data Mapping",
                        "Record value fields to write; empty means all."),
        make_config_key("fields.include", "LIST", "", "MEDIUM", "Data Mapping",
                        "Alias of fields.whitelist."),
        make_config_key("db.timezone", "STRING", "UTC", "MEDIUM", "Data Mapping",
                        "Zone whose civil time DATE/TIME/TIMESTAMP columns are written in (UTC, "
                        "+02:00, Europe/Berlin)."),
        make_config_key("auto.create", "BOOLEAN", "false", "MEDIUM", "DDL Support",
                        "Create the destination table (CREATE TABLE) when it is missing."),
        make_config_key("auto.evolve", "BOOLEAN", "false", "MEDIUM", "DDL Support",
                        "Add missing columns (ALTER TABLE ... ADD); never drops or retypes."),
        make_config_key("quote.sql.identifiers", "STRING", "always", "MEDIUM", "DDL Support",
                        "Whether to quote table and column names.", {"always", "never"}),
        make_config_key("max.retries", "INT", "10", "MEDIUM", "Retries",
                        "How often a batch that failed for a retriable reason (the database "
                        "away, a lock timeout) is retried before the task fails."),
        make_config_key("retry.backoff.ms", "INT", "3000", "MEDIUM", "Retries",
                        "The wait between those retries."),
    };
}

result<sink_config> parse_sink_config(const config_map& m, std::vector<config_problem>* out) {
    std::vector<config_problem> local;
    std::vector<config_problem>& problems = out ? *out : local;
    size_t before = problems.size();
    reader r{m, problems};
    sink_config c;
    c.connector_name = r.str("name", "");
    c.url = r.str("connection.url", "");
    if (c.url.empty()) {
        problems.push_back({"connection.url",
                            "Missing required configuration \"connection.url\" "
                            "which has no default value."});
    } else if (!c.url.starts_with("jdbc:postgresql:") && !c.url.starts_with("jdbc:sqlite:")) {
        problems.push_back(
            {"connection.url", fmt::format("Unsupported connection.url '{}': use "
                                           "jdbc:postgresql://host:port/db or jdbc:sqlite:<path>",
                                           c.url)});
    }
    c.user = r.str("connection.user", "");
    c.password = r.str("connection.password", "");
    auto mode = r.choice("insert.mode", "insert", {"insert", "upsert", "update"});
    c.mode = mode == "upsert"   ? insert_mode::upsert
             : mode == "update" ? insert_mode::update
                                : insert_mode::insert;
    auto pk = r.choice("pk.mode", "none", {"none", "kafka", "record_key", "record_value"});
    c.pk = pk == "kafka"          ? pk_mode::kafka
           : pk == "record_key"   ? pk_mode::record_key
           : pk == "record_value" ? pk_mode::record_value
                                  : pk_mode::none;
    c.pk_fields = split_list(r.str("pk.fields", ""));
    c.fields_include = split_list(r.str("fields.whitelist", ""));
    for (auto& f : split_list(r.str("fields.include", ""))) {
        c.fields_include.push_back(f);
    }
    c.table_name_format = r.str("table.name.format", "${topic}");
    if (c.table_name_format.empty()) {
        problems.push_back({"table.name.format", "table.name.format must not be empty"});
    }
    c.batch_size = r.integer("batch.size", 3000, 0);
    if (c.batch_size == 0) {
        c.batch_size = 1;
    }
    c.delete_enabled = r.boolean("delete.enabled", false);
    c.auto_create = r.boolean("auto.create", false);
    c.auto_evolve = r.boolean("auto.evolve", false);
    c.quote_identifiers =
        r.choice("quote.sql.identifiers", "always", {"always", "never"}) == "always";
    c.max_retries = r.integer("max.retries", 10, 0);
    c.retry_backoff_ms = r.integer("retry.backoff.ms", 3000, 0);
    c.connection_attempts = r.integer("connection.attempts", 3, 1);
    c.connection_backoff_ms = r.integer("connection.backoff.ms", 10000, 0);
    const std::string tz = r.str("db.timezone", "UTC");
    if (auto zone = time_zone::find(tz)) {
        c.db_timezone = std::move(*zone);
    } else {
        problems.push_back({"db.timezone", fmt::format("Invalid time zone identifier '{}'", tz)});
    }
    if (c.delete_enabled && c.pk != pk_mode::record_key) {
        problems.push_back({"delete.enabled", "Deletes are only supported for pk.mode record_key"});
    }
    if (c.mode != insert_mode::insert && c.pk == pk_mode::none) {
        problems.push_back(
            {"pk.mode", fmt::format("insert.mode={} requires key field names to be known: set "
                                    "pk.mode to kafka, record_key or record_value",
                                    mode)});
    }
    if (c.pk == pk_mode::kafka && !c.pk_fields.empty() && c.pk_fields.size() != 3) {
        problems.push_back({"pk.fields",
                            "PK mode for table is KAFKA so there should either be no field names "
                            "defined for defaults __connect_topic,__connect_partition,"
                            "__connect_offset to be used, or exactly 3, defined fields are: " +
                                r.str("pk.fields", "")});
    }
    if (problems.size() > before) {
        std::string msg;
        for (size_t i = before; i < problems.size(); ++i) {
            msg += (msg.empty() ? "" : "; ") + problems[i].message;
        }
        return error{errc::invalid_argument, msg};
    }
    return c;
}

}  // namespace cs::connect::jdbc
