#include "connect/connectors/jdbc/jdbc_source_task.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/log.h"
#include "base/strings.h"
#include "connect/connectors/jdbc/sink_config.h"
#include "connect/connectors/jdbc/value_text.h"

namespace cs::connect::jdbc {

namespace {

const auto& logger() {
    static auto l = cs::log::get("connect.jdbc");
    return l;
}

std::string quote(const source_config& c, const std::string& name) {
    if (!c.quote_identifiers) {
        return name;
    }
    std::string out = "\"";
    for (char ch : name) {
        out += ch;
        if (ch == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string quote_table(const source_config& c, const std::string& name) {
    auto dot = name.find('.');
    if (dot == std::string::npos) {
        return quote(c, name);
    }
    return quote(c, name.substr(0, dot)) + "." + quote(c, name.substr(dot + 1));
}

// Connect schema of a column from the database's type name.
schema_ptr column_schema(std::string type, bool optional) {
    auto s = std::make_shared<schema>();
    s->optional = optional;
    type = ascii_lower(type);
    auto has = [&](const char* p) { return type.find(p) != std::string::npos; };
    if (type == "int2" || type == "smallint") {
        s->type = schema_type::int16;
    } else if (type == "int4" || type == "integer" || type == "int") {
        s->type = schema_type::int32;
    } else if (type == "int8" || type == "bigint" || has("int")) {
        s->type = schema_type::int64;  // SQLite INTEGER is 64-bit
    } else if (type == "float4" || type == "real") {
        s->type = schema_type::float32;
    } else if (type == "float8" || has("double") || has("float") || type == "numeric" ||
               has("decimal")) {
        s->type = schema_type::float64;
    } else if (has("bool")) {
        s->type = schema_type::boolean;
    } else if (type == "bytea" || has("blob")) {
        s->type = schema_type::bytes;
    } else if (has("timestamp") || has("datetime")) {
        s->type = schema_type::int64;
        s->name = timestamp_logical;
        s->version = 1;
    } else if (type == "date") {
        s->type = schema_type::int32;
        s->name = date_logical;
        s->version = 1;
    } else if (type == "time" || type == "time without time zone") {
        s->type = schema_type::int32;
        s->name = time_logical;
        s->version = 1;
    } else {
        s->type = schema_type::string;
    }
    return s;
}

result<data> cell_value(const schema& s, const std::string& text) {
    auto bad = [&]() -> error {
        return error{errc::corrupt,
                     fmt::format("cannot read '{}' as {}", text,
                                 s.name.empty() ? schema_type_name(s.type) : s.name.c_str())};
    };
    if (s.name == timestamp_logical) {
        auto t = parse_timestamp(text);
        if (!t.ok()) {
            // SQLite may hold epoch milliseconds in a TIMESTAMP column.
            int64_t v = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && p == text.data() + text.size()) {
                return data(v);
            }
            return bad();
        }
        return data(*t);
    }
    if (s.name == date_logical) {
        auto d = parse_date(text);
        return d.ok() ? result<data>(data(*d)) : result<data>(bad());
    }
    if (s.name == time_logical) {
        auto t = parse_time(text);
        return t.ok() ? result<data>(data(*t)) : result<data>(bad());
    }
    switch (s.type) {
        case schema_type::int8:
        case schema_type::int16:
        case schema_type::int32:
        case schema_type::int64: {
            int64_t v = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc() || p != text.data() + text.size()) {
                return bad();
            }
            return data(v);
        }
        case schema_type::float32:
        case schema_type::float64: {
            if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
                return data(text == "NaN"        ? std::numeric_limits<double>::quiet_NaN()
                            : text == "Infinity" ? std::numeric_limits<double>::infinity()
                                                 : -std::numeric_limits<double>::infinity());
            }
            double v = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc() || p != text.data() + text.size()) {
                return bad();
            }
            return data(v);
        }
        case schema_type::boolean:
            return data(text == "t" || text == "true" || text == "1");
        case schema_type::bytes: {
            if (text.starts_with("\\x")) {  // PostgreSQL hex form of bytea
                std::string out;
                for (size_t i = 2; i + 1 < text.size(); i += 2) {
                    unsigned v = 0;
                    std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
                    out += static_cast<char>(v);
                }
                return data(bytes_data{out});
            }
            return data(bytes_data{text});
        }
        default:
            return data(text);
    }
}

// The ms value of a timestamp cell (text or epoch ms).
result<int64_t> timestamp_ms(const std::string& text) {
    auto t = parse_timestamp(text);
    if (t.ok()) {
        return *t;
    }
    int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size()) {
        return v;
    }
    return t.take_error();
}

const data* map_get(const data& m, std::string_view key) {
    if (!m.is_map()) {
        return nullptr;
    }
    for (const auto& [k, v] : m.as_map()) {
        if (k.is_string() && k.as_string() == key) {
            return &v;
        }
    }
    return nullptr;
}

}  // namespace

std::vector<config_key> source_config_keys() {
    return {
        make_config_key(
            "connection.url", "STRING", std::nullopt, "HIGH", "Database",
            "JDBC connection URL: jdbc:postgresql://host:port/db or jdbc:sqlite:<path>."),
        make_config_key("connection.user", "STRING", "", "HIGH", "Database",
                        "JDBC connection user."),
        make_config_key("connection.password", "PASSWORD", "", "HIGH", "Database",
                        "JDBC connection password."),
        make_config_key("table.whitelist", "LIST", "", "MEDIUM", "Database",
                        "Tables to copy; empty: all."),
        make_config_key("table.blacklist", "LIST", "", "MEDIUM", "Database", "Tables not to copy."),
        make_config_key("mode", "STRING", "", "HIGH", "Mode",
                        "bulk, incrementing, timestamp or timestamp+incrementing.",
                        {"bulk", "incrementing", "timestamp", "timestamp+incrementing"}),
        make_config_key("incrementing.column.name", "STRING", "", "MEDIUM", "Mode",
                        "Strictly increasing column used to find new rows."),
        make_config_key(
            "timestamp.column.name", "LIST", "", "MEDIUM", "Mode",
            "Timestamp column(s) used to find new or modified rows (the first is used)."),
        make_config_key("validate.non.null", "BOOLEAN", "true", "LOW", "Mode",
                        "Check that the incrementing/timestamp columns are NOT NULL."),
        make_config_key("query", "STRING", "", "MEDIUM", "Mode",
                        "A SELECT to run instead of copying whole tables."),
        make_config_key(
            "topic.prefix", "STRING", std::nullopt, "HIGH", "Connector",
            "Prefix of the topic names (table mode: prefix + table; query mode: the prefix)."),
        make_config_key("poll.interval.ms", "INT", "5000", "HIGH", "Connector",
                        "How often to poll each table for new data."),
        make_config_key("batch.max.rows", "INT", "100", "LOW", "Connector",
                        "Maximum rows returned by one poll."),
        make_config_key("timestamp.delay.interval.ms", "LONG", "0", "HIGH", "Connector",
                        "How long to wait after a timestamp before its rows are read."),
        make_config_key("quote.sql.identifiers", "STRING", "always", "MEDIUM", "Connector",
                        "Whether to quote table and column names.", {"always", "never"}),
        make_config_key(
            "table.poll.interval.ms", "LONG", "60000", "LOW", "Connector",
            "Accepted for compatibility; the table list is read when tasks are configured."),
    };
}

result<source_config> parse_source_config(const config_map& m, std::vector<config_problem>* out) {
    std::vector<config_problem> local;
    auto& problems = out ? *out : local;
    size_t before = problems.size();
    auto get = [&](const std::string& k, const std::string& def = "") {
        auto it = m.find(k);
        return it == m.end() ? def : it->second;
    };
    auto integer = [&](const std::string& k, int64_t def) -> int64_t {
        std::string v = get(k, std::to_string(def));
        int64_t n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size() || n < 0) {
            problems.push_back({k, fmt::format("Invalid value {} for configuration {}", v, k)});
            return def;
        }
        return n;
    };
    source_config c;
    c.url = get("connection.url");
    if (c.url.empty()) {
        problems.push_back({"connection.url",
                            "Missing required configuration \"connection.url\" "
                            "which has no default value."});
    }
    c.user = get("connection.user");
    c.password = get("connection.password");
    std::string mode = get("mode");
    if (mode == "bulk") {
        c.mode = source_mode::bulk;
    } else if (mode == "incrementing") {
        c.mode = source_mode::incrementing;
    } else if (mode == "timestamp") {
        c.mode = source_mode::timestamp;
    } else if (mode == "timestamp+incrementing") {
        c.mode = source_mode::timestamp_incrementing;
    } else {
        problems.push_back({"mode", fmt::format("Invalid value {} for configuration mode: must be "
                                                "one of bulk, incrementing, timestamp, "
                                                "timestamp+incrementing",
                                                mode)});
    }
    c.incrementing_column = get("incrementing.column.name");
    c.timestamp_columns = split_list(get("timestamp.column.name"));
    if ((c.mode == source_mode::incrementing || c.mode == source_mode::timestamp_incrementing) &&
        c.incrementing_column.empty()) {
        problems.push_back(
            {"incrementing.column.name", "incrementing.column.name is required in mode " + mode});
    }
    if ((c.mode == source_mode::timestamp || c.mode == source_mode::timestamp_incrementing) &&
        c.timestamp_columns.empty()) {
        problems.push_back(
            {"timestamp.column.name", "timestamp.column.name is required in mode " + mode});
    }
    c.validate_non_null = get("validate.non.null", "true") != "false";
    c.query = get("query");
    c.tables = split_list(get("tables", get("table.whitelist")));
    if (!c.query.empty() && !get("table.whitelist").empty()) {
        problems.push_back({"query",
                            "Do not specify table filtering (table.whitelist) when "
                            "using the query mode"});
    }
    if (!m.count("topic.prefix")) {
        problems.push_back({"topic.prefix",
                            "Missing required configuration \"topic.prefix\" "
                            "which has no default value."});
    }
    c.topic_prefix = get("topic.prefix");
    c.poll_interval_ms = static_cast<int>(integer("poll.interval.ms", 5000));
    c.batch_max_rows = std::max(1, static_cast<int>(integer("batch.max.rows", 100)));
    c.timestamp_delay_ms = integer("timestamp.delay.interval.ms", 0);
    c.quote_identifiers = get("quote.sql.identifiers", "always") != "never";
    if (problems.size() > before) {
        std::string msg;
        for (size_t i = before; i < problems.size(); ++i) {
            msg += (msg.empty() ? "" : "; ") + problems[i].message;
        }
        return error{errc::invalid_argument, msg};
    }
    return c;
}

status jdbc_source_task::start(const config_map& config,
                               const std::vector<std::pair<data, data>>& committed) {
    auto c = parse_source_config(config, nullptr);
    if (!c.ok()) {
        return error{errc::invalid_argument, "invalid JDBC source config: " + c.err().message};
    }
    cfg_ = std::move(*c);
    std::vector<std::string> names =
        cfg_.query.empty() ? cfg_.tables : std::vector<std::string>{cfg_.query};
    if (names.empty()) {
        return error{errc::invalid_argument, "JDBC source task has no tables to read"};
    }
    tables_.clear();
    for (const auto& n : names) {
        table_state t;
        t.table = n;
        t.partition = data::map({{cfg_.query.empty() ? "table" : "query",
                                  cfg_.query.empty() ? n : std::string("query")}});
        for (const auto& [part, off] : committed) {
            const data* key = map_get(part, cfg_.query.empty() ? "table" : "query");
            if (!key || !key->is_string() ||
                key->as_string() != (cfg_.query.empty() ? n : std::string("query"))) {
                continue;
            }
            if (const data* inc = map_get(off, "incrementing"); inc && inc->is_int()) {
                t.last_inc = inc->as_int();
            }
            if (const data* ts = map_get(off, "timestamp"); ts && ts->is_int()) {
                t.last_ts = ts->as_int();
            }
            logger()->info("JDBC source: {} resumes from incrementing={} timestamp={}", n,
                           t.last_inc, t.last_ts);
        }
        tables_.push_back(std::move(t));
    }
    std::lock_guard lk(mu_);
    stopping_ = false;
    return {};
}

void jdbc_source_task::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
}

status jdbc_source_task::ensure_connection() {
    if (conn_ && conn_->alive()) {
        return {};
    }
    conn_.reset();
    auto c = open_connection({cfg_.url, cfg_.user, cfg_.password, 10});
    if (!c.ok()) {
        return error{errc::io, c.err().message};
    }
    conn_ = std::move(*c);
    for (auto& t : tables_) {
        t.validated = false;
    }
    return {};
}

status jdbc_source_task::validate_columns(table_state& t) {
    if (t.validated || !cfg_.query.empty() || cfg_.mode == source_mode::bulk) {
        t.validated = true;
        return {};
    }
    table_id id;
    if (auto dot = t.table.find('.'); dot != std::string::npos) {
        id = {t.table.substr(0, dot), t.table.substr(dot + 1)};
    } else {
        id.table = t.table;
    }
    auto info = conn_->describe_table(id);
    if (!info.ok()) {
        return info.take_error();
    }
    if (!info->has_value()) {
        return error{errc::not_found, fmt::format("table {} does not exist", t.table)};
    }
    std::vector<std::string> cols;
    if (cfg_.mode != source_mode::timestamp) {
        cols.push_back(cfg_.incrementing_column);
    }
    if (cfg_.mode != source_mode::incrementing) {
        cols.push_back(cfg_.timestamp_columns.front());
    }
    for (const auto& c : cols) {
        const column_info* ci = (*info)->find(c);
        if (!ci) {
            return error{errc::not_found,
                         fmt::format("table {} has no column '{}' (mode column)", t.table, c)};
        }
        if (cfg_.validate_non_null && ci->nullable) {
            return error{errc::invalid_argument,
                         fmt::format("Cannot make incremental queries using timestamp/"
                                     "incrementing column '{}' on {} because it is nullable "
                                     "(set validate.non.null=false to allow it)",
                                     c, t.table)};
        }
    }
    t.validated = true;
    return {};
}

result<schema_ptr> jdbc_source_task::schema_for(table_state& t, const query_result& q) {
    if (t.value_schema && t.schema_columns == q.columns) {
        return t.value_schema;
    }
    std::optional<table_info> info;
    if (cfg_.query.empty()) {
        table_id id{"", t.table};
        if (auto dot = t.table.find('.'); dot != std::string::npos) {
            id = {t.table.substr(0, dot), t.table.substr(dot + 1)};
        }
        auto d = conn_->describe_table(id);
        if (d.ok()) {
            info = std::move(*d);
        }
    }
    auto s = std::make_shared<schema>();
    s->type = schema_type::struct_;
    s->name = cfg_.query.empty() ? t.table : std::string();
    for (size_t i = 0; i < q.columns.size(); ++i) {
        bool optional = true;
        std::string type = q.column_types[i];
        if (info) {
            if (const column_info* ci = info->find(q.columns[i])) {
                optional = ci->nullable;
                if (type.empty() || type.starts_with("oid")) {
                    type = ci->type;
                }
            }
        }
        s->fields.push_back(
            field{q.columns[i], static_cast<int32_t>(i), column_schema(type, optional)});
    }
    t.value_schema = s;
    t.schema_columns = q.columns;
    return t.value_schema;
}

status jdbc_source_task::query_table(table_state& t) {
    if (auto st = validate_columns(t); !st.ok()) {
        return st;
    }
    std::string from = cfg_.query.empty() ? "SELECT * FROM " + quote_table(cfg_, t.table)
                                          : "SELECT * FROM (" + cfg_.query + ") AS cs_query";
    const bool pg = conn_->kind() == dialect_kind::postgres;
    auto ph = [&](int n) { return pg ? fmt::format("${}", n) : fmt::format("?{}", n); };
    std::string inc = quote(cfg_, cfg_.incrementing_column);
    std::string ts = cfg_.timestamp_columns.empty() ? "" : quote(cfg_, cfg_.timestamp_columns[0]);
    std::string end_ts = timestamp_text(clock_.now_ms() - cfg_.timestamp_delay_ms);
    std::string sql;
    std::vector<sql_param> params;
    switch (cfg_.mode) {
        case source_mode::bulk:
            sql = from;
            break;
        case source_mode::incrementing:
            sql = from + " WHERE " + inc + " > " + ph(1) + " ORDER BY " + inc + " ASC";
            params.emplace_back(t.last_inc);
            break;
        case source_mode::timestamp:
            sql = from + " WHERE " + ts + " > " + ph(1) + " AND " + ts + " < " + ph(2) +
                  " ORDER BY " + ts + " ASC";
            params.emplace_back(timestamp_text(t.last_ts));
            params.emplace_back(end_ts);
            break;
        case source_mode::timestamp_incrementing:
            sql = from + " WHERE " + ts + " < " + ph(1) + " AND ((" + ts + " = " + ph(2) + " AND " +
                  inc + " > " + ph(3) + ") OR " + ts + " > " + ph(2) + ") ORDER BY " + ts + "," +
                  inc + " ASC";
            params.emplace_back(end_ts);
            params.emplace_back(timestamp_text(t.last_ts));
            params.emplace_back(t.last_inc);
            break;
    }
    auto q = conn_->query(sql, params);
    if (!q.ok()) {
        return q.take_error();
    }
    auto s = schema_for(t, *q);
    if (!s.ok()) {
        return s.take_error();
    }
    const std::string topic = cfg_.query.empty() ? cfg_.topic_prefix + t.table : cfg_.topic_prefix;
    auto col_index = [&](const std::string& name) -> int {
        auto it = std::find(q->columns.begin(), q->columns.end(), name);
        return it == q->columns.end() ? -1 : static_cast<int>(it - q->columns.begin());
    };
    int inc_i = cfg_.incrementing_column.empty() ? -1 : col_index(cfg_.incrementing_column);
    int ts_i = cfg_.timestamp_columns.empty() ? -1 : col_index(cfg_.timestamp_columns[0]);
    if (cfg_.mode != source_mode::bulk && cfg_.mode != source_mode::timestamp && inc_i < 0) {
        return error{errc::not_found,
                     fmt::format("{} has no column '{}'", t.table, cfg_.incrementing_column)};
    }
    int64_t inc_v = t.last_inc, ts_v = t.last_ts;
    for (const auto& row : q->rows) {
        std::vector<data> values;
        values.reserve(row.size());
        for (size_t i = 0; i < row.size(); ++i) {
            if (!row[i]) {
                values.emplace_back();
                continue;
            }
            auto v = cell_value(*(*s)->fields[i].schema, *row[i]);
            if (!v.ok()) {
                return error{errc::corrupt, fmt::format("{} column {}: {}", t.table, q->columns[i],
                                                        v.err().message)};
            }
            values.push_back(std::move(*v));
        }
        if (inc_i >= 0 && row[static_cast<size_t>(inc_i)]) {
            const auto& txt = *row[static_cast<size_t>(inc_i)];
            std::from_chars(txt.data(), txt.data() + txt.size(), inc_v);
        }
        if (ts_i >= 0 && row[static_cast<size_t>(ts_i)]) {
            if (auto ms = timestamp_ms(*row[static_cast<size_t>(ts_i)]); ms.ok()) {
                ts_v = *ms;
            }
        }
        record r;
        r.topic = topic;
        r.value_schema = *s;
        r.value = data::struct_({*s, std::move(values)});
        r.source_partition = t.partition;
        switch (cfg_.mode) {
            case source_mode::bulk:
                r.source_offset = data::map({});
                break;
            case source_mode::incrementing:
                r.source_offset = data::map({{"incrementing", inc_v}});
                break;
            case source_mode::timestamp:
                r.source_offset = data::map(
                    {{"timestamp", ts_v}, {"timestamp_nanos", int64_t{(ts_v % 1000) * 1000000}}});
                break;
            case source_mode::timestamp_incrementing:
                r.source_offset = data::map({{"timestamp", ts_v},
                                             {"timestamp_nanos", int64_t{(ts_v % 1000) * 1000000}},
                                             {"incrementing", inc_v}});
                break;
        }
        t.pending.push_back(std::move(r));
    }
    // The next query starts after everything read now (handed out or not).
    t.last_inc = inc_v;
    t.last_ts = ts_v;
    return {};
}

result<std::vector<record>> jdbc_source_task::poll(int max_wait_ms) {
    std::vector<record> out;
    // Hand out what earlier queries left first.
    for (auto& t : tables_) {
        while (!t.pending.empty() && out.size() < static_cast<size_t>(cfg_.batch_max_rows)) {
            out.push_back(std::move(t.pending.front()));
            t.pending.pop_front();
        }
    }
    if (!out.empty()) {
        return out;
    }
    int64_t now = clock_.monotonic_ms();
    auto due = std::min_element(
        tables_.begin(), tables_.end(),
        [](const table_state& a, const table_state& b) { return a.next_poll_ms < b.next_poll_ms; });
    if (due->next_poll_ms > now) {
        // Not yet time: wait (interruptibly) at most max_wait_ms.
        std::unique_lock lk(mu_);
        cv_.wait_for(
            lk, std::chrono::milliseconds(std::min<int64_t>(max_wait_ms, due->next_poll_ms - now)),
            [&] { return stopping_; });
        if (stopping_ || clock_.monotonic_ms() < due->next_poll_ms) {
            return out;
        }
    }
    if (auto st = ensure_connection(); !st.ok()) {
        return st.err();
    }
    table_state& t = *due;
    t.next_poll_ms = clock_.monotonic_ms() + cfg_.poll_interval_ms;
    if (auto st = query_table(t); !st.ok()) {
        if (conn_ && !conn_->alive()) {
            conn_.reset();
        }
        t.pending.clear();
        logger()->warn("JDBC source: polling {} failed: {}", t.table, st.message());
        return st.err();
    }
    while (!t.pending.empty() && out.size() < static_cast<size_t>(cfg_.batch_max_rows)) {
        out.push_back(std::move(t.pending.front()));
        t.pending.pop_front();
    }
    return out;
}

}  // namespace cs::connect::jdbc
