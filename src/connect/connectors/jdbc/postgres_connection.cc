#include "connect/connectors/jdbc/postgres_connection.h"

#include <charconv>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "connect/connectors/jdbc/copy_text.h"

namespace cs::connect::jdbc {

namespace {

struct pg_result_deleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using pg_result_ptr = std::unique_ptr<PGresult, pg_result_deleter>;

std::string lower(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

std::string trim_message(const char* m) {
    std::string s = m ? m : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

// Maps a SQLSTATE to the error classes of db_connection.h.
errc classify(std::string_view state, bool connection_ok) {
    if (!connection_ok || state.empty()) {
        return errc::io;  // the client library failed: no server verdict
    }
    auto cls = state.substr(0, 2);
    if (cls == "08" || cls == "53" || cls == "58" || state == "57P01" || state == "57P02" ||
        state == "57P03" || state == "40001" || state == "40P01") {
        return errc::io;
    }
    if (state == "57014" || state == "55P03") {
        return errc::timed_out;  // statement timeout / lock not available
    }
    if (cls == "22" || cls == "23" || state == "42804") {
        return errc::invalid_argument;
    }
    if (state == "42P01" || state == "42703") {
        return errc::not_found;
    }
    return errc::unsupported;
}

class postgres_connection final : public db_connection {
  public:
    explicit postgres_connection(PGconn* c) : conn_(c) {}
    ~postgres_connection() override { PQfinish(conn_); }

    dialect_kind kind() const override { return dialect_kind::postgres; }
    bool alive() const override { return PQstatus(conn_) == CONNECTION_OK; }

    status execute(std::string_view sql) override {
        pg_result_ptr r(PQexec(conn_, std::string(sql).c_str()));
        return check(r.get(), sql);
    }

    result<int64_t> execute(std::string_view sql, std::span<const sql_param> params) override {
        auto r = run(sql, params);
        if (!r.ok()) {
            return r.take_error();
        }
        const char* n = PQcmdTuples(r->get());
        int64_t affected = 0;
        if (n && *n) {
            std::from_chars(n, n + std::strlen(n), affected);
        }
        return affected;
    }

    result<query_result> query(std::string_view sql, std::span<const sql_param> params) override {
        auto r = run(sql, params);
        if (!r.ok()) {
            return r.take_error();
        }
        PGresult* res = r->get();
        query_result out;
        int nf = PQnfields(res);
        for (int i = 0; i < nf; ++i) {
            out.columns.emplace_back(PQfname(res, i));
            out.column_types.push_back(type_name(PQftype(res, i)));
        }
        int nr = PQntuples(res);
        out.rows.reserve(static_cast<size_t>(nr));
        for (int row = 0; row < nr; ++row) {
            std::vector<std::optional<std::string>> cells;
            cells.reserve(static_cast<size_t>(nf));
            for (int i = 0; i < nf; ++i) {
                if (PQgetisnull(res, row, i)) {
                    cells.emplace_back();
                } else {
                    cells.emplace_back(std::string(PQgetvalue(res, row, i),
                                                   static_cast<size_t>(PQgetlength(res, row, i))));
                }
            }
            out.rows.push_back(std::move(cells));
        }
        return out;
    }

    status begin() override { return execute("BEGIN"); }
    status commit() override { return execute("COMMIT"); }
    status rollback() override {
        if (!alive()) {
            return {};  // the server rolled back when the session ended
        }
        return execute("ROLLBACK");
    }

    result<std::optional<table_info>> describe_table(const table_id& id) override {
        std::vector<sql_param> p{id.table};
        std::string schema_cond = "table_schema = current_schema()";
        if (!id.schema.empty()) {
            schema_cond = "table_schema = $2";
            p.emplace_back(id.schema);
        }
        auto cols = query(
            "SELECT column_name, data_type, is_nullable, table_schema FROM "
            "information_schema.columns WHERE table_name = $1 AND " +
                schema_cond + " ORDER BY ordinal_position",
            p);
        if (!cols.ok()) {
            return cols.take_error();
        }
        if (cols->rows.empty()) {
            return std::optional<table_info>();
        }
        table_info t;
        t.id = id;
        std::string schema = *cols->rows[0][3];
        for (const auto& row : cols->rows) {
            t.columns.push_back(column_info{*row[0], lower(*row[1]), *row[2] == "YES"});
        }
        std::vector<sql_param> pk_params{id.table, schema};
        auto pk = query(
            "SELECT k.column_name FROM information_schema.table_constraints c "
            "JOIN information_schema.key_column_usage k ON k.constraint_name = "
            "c.constraint_name AND k.constraint_schema = c.constraint_schema AND "
            "k.table_name = c.table_name WHERE c.constraint_type = 'PRIMARY KEY' AND "
            "c.table_name = $1 AND c.table_schema = $2 ORDER BY k.ordinal_position",
            pk_params);
        if (!pk.ok()) {
            return pk.take_error();
        }
        for (const auto& row : pk->rows) {
            t.primary_key.push_back(*row[0]);
        }
        return std::optional<table_info>(std::move(t));
    }

    result<int64_t> copy_in(std::string_view copy_sql, std::string_view data) override {
        pg_result_ptr r(PQexec(conn_, std::string(copy_sql).c_str()));
        if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
            auto st = check(r.get(), copy_sql);
            return st.ok() ? error{errc::unsupported, "COPY did not enter COPY IN state"}
                           : st.err();
        }
        // PQputCopyData takes an int length: send large buffers in pieces.
        constexpr size_t chunk = 1 << 20;
        for (size_t off = 0; off < data.size(); off += chunk) {
            size_t n = std::min(chunk, data.size() - off);
            if (PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) != 1) {
                return error{errc::io, "COPY data: " + trim_message(PQerrorMessage(conn_))};
            }
        }
        if (PQputCopyEnd(conn_, nullptr) != 1) {
            return error{errc::io, "COPY end: " + trim_message(PQerrorMessage(conn_))};
        }
        int64_t rows = 0;
        status st;
        while (PGresult* res = PQgetResult(conn_)) {
            pg_result_ptr guard(res);
            if (st.ok()) {
                st = check(res, copy_sql);
            }
            const char* n = PQcmdTuples(res);
            if (n && *n) {
                std::from_chars(n, n + std::strlen(n), rows);
            }
        }
        if (!st.ok()) {
            return st.err();
        }
        return rows;
    }

  private:
    static std::string type_name(Oid oid) {
        // Built-in type OIDs (pg_type.dat); stable across releases.
        switch (oid) {
            case 16:
                return "bool";
            case 17:
                return "bytea";
            case 20:
                return "int8";
            case 21:
                return "int2";
            case 23:
                return "int4";
            case 25:
                return "text";
            case 114:
                return "json";
            case 700:
                return "float4";
            case 701:
                return "float8";
            case 1042:
                return "bpchar";
            case 1043:
                return "varchar";
            case 1082:
                return "date";
            case 1083:
                return "time";
            case 1114:
                return "timestamp";
            case 1184:
                return "timestamptz";
            case 1700:
                return "numeric";
            case 2950:
                return "uuid";
            case 3802:
                return "jsonb";
            default:
                return fmt::format("oid{}", oid);
        }
    }

    status check(PGresult* r, std::string_view sql) {
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN) {
            return {};
        }
        const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        std::string msg = r ? trim_message(PQresultErrorMessage(r)) : "";
        if (msg.empty()) {
            msg = trim_message(PQerrorMessage(conn_));
        }
        bool ok = PQstatus(conn_) == CONNECTION_OK;
        if (!ok) {
            prepared_.clear();  // a new session has none of them
        }
        std::string head(sql.substr(0, 200));
        return error{classify(state ? state : "", ok),
                     fmt::format("PostgreSQL error{}: {} (statement: {}{})",
                                 state ? fmt::format(" [SQLSTATE {}]", state) : "", msg, head,
                                 sql.size() > 200 ? "..." : "")};
    }

    // Prepares (once) and runs a parameterized statement.
    result<pg_result_ptr> run(std::string_view sql, std::span<const sql_param> params) {
        std::string key(sql);
        auto it = prepared_.find(key);
        if (it == prepared_.end()) {
            std::string name = fmt::format("s{}", next_stmt_++);
            pg_result_ptr p(PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr));
            auto st = check(p.get(), sql);
            if (!st.ok()) {
                return st.err();
            }
            it = prepared_.emplace(std::move(key), std::move(name)).first;
        }
        texts_.clear();
        texts_.resize(params.size());
        values_.assign(params.size(), nullptr);
        lengths_.assign(params.size(), 0);
        formats_.assign(params.size(), 0);
        for (size_t i = 0; i < params.size(); ++i) {
            const auto& p = params[i];
            std::string& t = texts_[i];
            if (std::holds_alternative<std::monostate>(p)) {
                continue;
            }
            if (std::holds_alternative<bool>(p) || std::holds_alternative<int64_t>(p) ||
                std::holds_alternative<double>(p)) {
                t = param_text(p);  // the same text the COPY path writes
            } else if (auto* s = std::get_if<std::string>(&p)) {
                values_[i] = s->data();
                lengths_[i] = static_cast<int>(s->size());
                continue;
            } else if (auto* bl = std::get_if<blob>(&p)) {
                values_[i] = bl->bytes.data();  // binary format: raw bytes for bytea
                lengths_[i] = static_cast<int>(bl->bytes.size());
                formats_[i] = 1;
                continue;
            }
            values_[i] = t.c_str();
            lengths_[i] = static_cast<int>(t.size());
        }
        pg_result_ptr r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                       values_.data(), lengths_.data(), formats_.data(), 0));
        auto st = check(r.get(), sql);
        if (!st.ok()) {
            return st.err();
        }
        return r;
    }

    PGconn* conn_;
    std::unordered_map<std::string, std::string> prepared_;
    int next_stmt_ = 0;
    std::vector<std::string> texts_;
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

std::string url_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int v = 0;
            auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            if (ec == std::errc() && p == s.data() + i + 3) {
                out += static_cast<char>(v);
                i += 2;
                continue;
            }
        }
        out += s[i] == '+' ? ' ' : s[i];
    }
    return out;
}

}  // namespace

result<postgres_url> parse_postgres_url(std::string_view url) {
    constexpr std::string_view prefix = "jdbc:postgresql:";
    if (url.substr(0, prefix.size()) != prefix) {
        return error{errc::invalid_argument, fmt::format("not a PostgreSQL JDBC URL: {}", url)};
    }
    std::string_view rest = url.substr(prefix.size());
    postgres_url out;
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    if (rest.substr(0, 2) == "//") {
        rest = rest.substr(2);
        auto slash = rest.find('/');
        std::string_view hostport = rest.substr(0, slash);
        out.dbname = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
        if (hostport.find(',') != std::string_view::npos) {
            return error{errc::unsupported,
                         fmt::format("multiple hosts in {} are not supported", url)};
        }
        if (!hostport.empty() && hostport.front() == '[') {  // [ipv6]:port
            auto close = hostport.find(']');
            if (close == std::string_view::npos) {
                return error{errc::invalid_argument, fmt::format("bad host in {}", url)};
            }
            out.host = std::string(hostport.substr(1, close - 1));
            if (close + 1 < hostport.size() && hostport[close + 1] == ':') {
                out.port = std::string(hostport.substr(close + 2));
            }
        } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
            out.host = std::string(hostport.substr(0, colon));
            out.port = std::string(hostport.substr(colon + 1));
        } else if (!hostport.empty()) {
            out.host = std::string(hostport);
        }
    } else {
        out.dbname = std::string(rest);  // jdbc:postgresql:database
    }
    int port_num = 0;
    auto [p, ec] = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port_num);
    if (ec != std::errc() || p != out.port.data() + out.port.size() || port_num <= 0 ||
        port_num > 65535) {
        return error{errc::invalid_argument, fmt::format("bad port '{}' in {}", out.port, url)};
    }
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view kv = query.substr(0, amp);
        query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
        if (kv.empty()) {
            continue;
        }
        auto eq = kv.find('=');
        std::string k = url_decode(kv.substr(0, eq));
        std::string v = eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1));
        static const std::pair<const char*, const char*> known[] = {
            {"user", "user"},
            {"password", "password"},
            {"sslmode", "sslmode"},
            {"sslrootcert", "sslrootcert"},
            {"sslcert", "sslcert"},
            {"sslkey", "sslkey"},
            {"connectTimeout", "connect_timeout"},
            {"ApplicationName", "application_name"},
            {"applicationName", "application_name"},
            {"options", "options"},
            {"currentSchema", "options"},
        };
        bool found = false;
        for (const auto& [jdbc, libpq] : known) {
            if (k == jdbc) {
                if (k == "currentSchema") {
                    v = "-c search_path=" + v;
                }
                out.params.emplace_back(libpq, v);
                found = true;
                break;
            }
        }
        if (!found) {
            return error{errc::unsupported,
                         fmt::format("JDBC URL property '{}' in {} is not supported (known: user, "
                                     "password, sslmode, sslrootcert, sslcert, sslkey, "
                                     "connectTimeout, ApplicationName, options, currentSchema)",
                                     k, url)};
        }
    }
    return out;
}

result<std::unique_ptr<db_connection>> open_postgres(const connection_settings& s) {
    auto u = parse_postgres_url(s.url);
    if (!u.ok()) {
        return u.take_error();
    }
    std::vector<std::pair<std::string, std::string>> kv{
        {"host", u->host},
        {"port", u->port},
        {"connect_timeout", std::to_string(s.connect_timeout_s)},
        {"application_name", "clickstream-connect"},
        // Notice a dead server on an idle connection within ~30 s.
        {"keepalives_idle", "10"},
        {"keepalives_interval", "5"},
        {"keepalives_count", "3"},
    };
    if (!u->dbname.empty()) {
        kv.emplace_back("dbname", u->dbname);
    }
    if (!s.user.empty()) {
        kv.emplace_back("user", s.user);
    }
    if (!s.password.empty()) {
        kv.emplace_back("password", s.password);
    }
    for (auto& p : u->params) {  // URL properties override (as the JDBC driver does)
        kv.push_back(p);
    }
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : kv) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* c = PQconnectdbParams(keys.data(), values.data(), 0);
    if (c == nullptr) {
        return error{errc::io, "libpq could not allocate a connection"};
    }
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = trim_message(PQerrorMessage(c));
        PQfinish(c);
        return error{errc::io, fmt::format("cannot connect to PostgreSQL at {}:{} (database "
                                           "'{}'): {}",
                                           u->host, u->port, u->dbname, msg)};
    }
    auto conn = std::make_unique<postgres_connection>(c);
    // TIMESTAMP columns hold UTC (Connect's Timestamp is ms since epoch);
    // a session in another zone would shift timestamptz conversions.
    if (auto st = conn->execute("SET TIME ZONE 'UTC'"); !st.ok()) {
        return st.err();
    }
    return std::unique_ptr<db_connection>(std::move(conn));
}

}  // namespace cs::connect::jdbc
