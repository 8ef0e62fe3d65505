#include "connect/connectors/jdbc/sqlite_connection.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <sqlite3.h>

namespace cs::connect::jdbc {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

errc classify(int rc) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return errc::timed_out;
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
        case SQLITE_NOMEM:
            return errc::io;
        case SQLITE_CONSTRAINT:
        case SQLITE_MISMATCH:
        case SQLITE_TOOBIG:
        case SQLITE_RANGE:
            return errc::invalid_argument;
        default:
            return errc::unsupported;
    }
}

struct stmt_deleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

class sqlite_connection final : public db_connection {
  public:
    explicit sqlite_connection(sqlite3* db) : db_(db) {}
    ~sqlite_connection() override {
        cache_.clear();
        sqlite3_close_v2(db_);
    }

    dialect_kind kind() const override { return dialect_kind::sqlite; }
    bool alive() const override { return true; }

    status execute(std::string_view sql) override {
        char* err = nullptr;
        int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            return fail(rc, msg, sql);
        }
        return {};
    }

    result<int64_t> execute(std::string_view sql, std::span<const sql_param> params) override {
        auto s = prepare(sql, params);
        if (!s.ok()) {
            return s.take_error();
        }
        int rc = 0;
        while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
        }
        sqlite3_reset(*s);
        if (rc != SQLITE_DONE) {
            return fail(rc, sqlite3_errmsg(db_), sql).err();
        }
        return int64_t{sqlite3_changes(db_)};
    }

    result<query_result> query(std::string_view sql, std::span<const sql_param> params) override {
        auto s = prepare(sql, params);
        if (!s.ok()) {
            return s.take_error();
        }
        sqlite3_stmt* st = *s;
        query_result out;
        int nc = sqlite3_column_count(st);
        for (int i = 0; i < nc; ++i) {
            out.columns.emplace_back(sqlite3_column_name(st, i));
            const char* decl = sqlite3_column_decltype(st, i);
            out.column_types.push_back(lower(decl ? decl : ""));
        }
        int rc = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            std::vector<std::optional<std::string>> cells;
            for (int i = 0; i < nc; ++i) {
                if (sqlite3_column_type(st, i) == SQLITE_NULL) {
                    cells.emplace_back();
                } else {
                    const auto* p = sqlite3_column_blob(st, i);
                    int n = sqlite3_column_bytes(st, i);
                    cells.emplace_back(
                        std::string(static_cast<const char*>(p), static_cast<size_t>(n)));
                }
            }
            out.rows.push_back(std::move(cells));
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            return fail(rc, sqlite3_errmsg(db_), sql).err();
        }
        return out;
    }

    status begin() override { return execute("BEGIN IMMEDIATE"); }
    status commit() override { return execute("COMMIT"); }
    status rollback() override {
        if (sqlite3_get_autocommit(db_)) {
            return {};  // nothing open (SQLite may have rolled back already)
        }
        return execute("ROLLBACK");
    }

    result<std::optional<table_info>> describe_table(const table_id& id) override {
        std::string schema = id.schema.empty() ? "main" : id.schema;
        std::vector<sql_param> p{id.table, schema};
        auto r = query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1, ?2)", p);
        if (!r.ok()) {
            return r.take_error();
        }
        if (r->rows.empty()) {
            return std::optional<table_info>();
        }
        table_info t;
        t.id = id;
        std::vector<std::pair<int, std::string>> pk;
        for (const auto& row : r->rows) {
            t.columns.push_back(column_info{*row[0], lower(row[1].value_or("")), *row[2] == "0"});
            int pos = std::stoi(*row[3]);
            if (pos > 0) {
                pk.emplace_back(pos, *row[0]);
            }
        }
        std::sort(pk.begin(), pk.end());
        for (auto& [pos, name] : pk) {
            t.primary_key.push_back(name);
        }
        return std::optional<table_info>(std::move(t));
    }

    result<int64_t> copy_in(std::string_view, std::string_view) override {
        return error{errc::unsupported, "SQLite has no COPY"};
    }

  private:
    status fail(int rc, const std::string& msg, std::string_view sql) {
        std::string head(sql.substr(0, 200));
        return error{classify(rc),
                     fmt::format("SQLite error {} ({}): {} (statement: {}{})", rc,
                                 sqlite3_errstr(rc), msg, head, sql.size() > 200 ? "..." : "")};
    }

    result<sqlite3_stmt*> prepare(std::string_view sql, std::span<const sql_param> params) {
        std::string key(sql);
        auto it = cache_.find(key);
        if (it == cache_.end()) {
            sqlite3_stmt* raw = nullptr;
            int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                        SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
            if (rc != SQLITE_OK) {
                return fail(rc, sqlite3_errmsg(db_), sql).err();
            }
            it = cache_.emplace(std::move(key), stmt_ptr(raw)).first;
        }
        sqlite3_stmt* s = it->second.get();
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        for (size_t i = 0; i < params.size(); ++i) {
            int idx = static_cast<int>(i + 1);
            const auto& p = params[i];
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::monostate>(p)) {
                rc = sqlite3_bind_null(s, idx);
            } else if (auto* b = std::get_if<bool>(&p)) {
                rc = sqlite3_bind_int(s, idx, *b ? 1 : 0);
            } else if (auto* n = std::get_if<int64_t>(&p)) {
                rc = sqlite3_bind_int64(s, idx, *n);
            } else if (auto* d = std::get_if<double>(&p)) {
                rc = sqlite3_bind_double(s, idx, *d);
            } else if (auto* t = std::get_if<std::string>(&p)) {
                rc = sqlite3_bind_text64(s, idx, t->data(), t->size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
            } else if (auto* bl = std::get_if<blob>(&p)) {
                rc = sqlite3_bind_blob64(s, idx, bl->bytes.data(), bl->bytes.size(),
                                         SQLITE_TRANSIENT);
            }
            if (rc != SQLITE_OK) {
                return fail(rc, sqlite3_errmsg(db_), sql).err();
            }
        }
        return s;
    }

    sqlite3* db_;
    std::unordered_map<std::string, stmt_ptr> cache_;
};

}  // namespace

result<std::string> parse_sqlite_url(std::string_view url) {
    constexpr std::string_view prefix = "jdbc:sqlite:";
    if (url.substr(0, prefix.size()) != prefix) {
        return error{errc::invalid_argument, fmt::format("not a SQLite JDBC URL: {}", url)};
    }
    std::string path(url.substr(prefix.size()));
    if (path.empty() || path == ":memory:") {
        return std::string(":memory:");
    }
    if (auto q = path.find('?'); q != std::string::npos) {
        path.resize(q);  // driver properties (journal_mode=...) are not used
    }
    return path;
}

result<std::unique_ptr<db_connection>> open_sqlite(const connection_settings& s) {
    auto path = parse_sqlite_url(s.url);
    if (!path.ok()) {
        return path.take_error();
    }
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path->c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return error{errc::io, fmt::format("cannot open SQLite database {}: {}", *path, msg)};
    }
    sqlite3_busy_timeout(db, 5000);
    auto conn = std::make_unique<sqlite_connection>(db);
    if (*path != ":memory:") {
        if (auto st = conn->execute("PRAGMA journal_mode=WAL"); !st.ok()) {
            return st.err();
        }
        // WAL + NORMAL is durable against process crashes, and a commit
        // survives power loss once the WAL is checkpointed.
        if (auto st = conn->execute("PRAGMA synchronous=NORMAL"); !st.ok()) {
            return st.err();
        }
    }
    return std::unique_ptr<db_connection>(std::move(conn));
}

}  // namespace cs::connect::jdbc
