#include "connect/connectors/jdbc/jdbc_sink_task.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/log.h"

namespace cs::connect::jdbc {

namespace {

bool same_shape(const row& a, const row& b) {
    if (a.op != b.op || a.table.table != b.table.table || a.table.schema != b.table.schema ||
        a.columns.size() != b.columns.size()) {
        return false;
    }
    for (size_t i = 0; i < a.columns.size(); ++i) {
        if (a.columns[i].name != b.columns[i].name || a.columns[i].key != b.columns[i].key) {
            return false;
        }
    }
    return true;
}

std::string key_string(const row& r) {
    std::string out;
    for (size_t i = 0; i < r.columns.size(); ++i) {
        if (!r.columns[i].key) {
            continue;
        }
        const auto& v = r.values[i];
        out += static_cast<char>('0' + v.index());
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    out += x;
                } else if constexpr (std::is_same_v<T, blob>) {
                    out += x.bytes;
                } else if constexpr (!std::is_same_v<T, std::monostate>) {
                    out += fmt::format("{}", x);
                }
            },
            v);
        out += '\x1f';
        out += std::to_string(out.size());  // length-prefix-free separator safety
    }
    return out;
}

const auto& logger() {
    static auto l = cs::log::get("connect.jdbc");
    return l;
}

}  // namespace

status jdbc_sink_task::start(const config_map& config, errant_record_reporter& reporter) {
    std::vector<config_problem> problems;
    auto c = parse_sink_config(config, &problems);
    if (!c.ok()) {
        return error{errc::invalid_argument, "invalid JDBC sink config: " + c.err().message};
    }
    cfg_ = std::move(*c);
    retries_left_ = cfg_.max_retries;
    reporter_ = &reporter;
    auto d = dialect_of(cfg_.url);
    if (!d.ok()) {
        return d.take_error();
    }
    sql_ = std::make_unique<sql_builder>(*d, cfg_.quote_identifiers);
    // Connect now to report a bad URL or credentials early; a database that
    // is merely away is retried on put().
    if (auto st = ensure_connection(); !st.ok()) {
        logger()->warn("JDBC sink {}: {} (will retry on put)", cfg_.connector_name, st.message());
    }
    return {};
}

void jdbc_sink_task::stop() {
    conn_.reset();
    tables_.clear();
}

status jdbc_sink_task::ensure_connection() {
    if (conn_ && conn_->alive()) {
        return {};
    }
    conn_.reset();
    auto c = open_connection({cfg_.url, cfg_.user, cfg_.password, 10});
    if (!c.ok()) {
        error e = c.take_error();
        if (e.code != errc::io && e.code != errc::timed_out) {
            return e;
        }
        return error{errc::io, e.message};
    }
    conn_ = std::move(*c);
    tables_.clear();
    stages_.clear();  // temporary tables die with their session
    return {};
}

status jdbc_sink_task::fail(error e) {
    if (conn_) {
        (void)conn_->rollback();
        if (!conn_->alive()) {
            conn_.reset();
        }
    }
    tables_.clear();  // DDL of this transaction is gone
    end_txn(false);
    if (is_retriable(e)) {
        logger()->warn("JDBC sink {}: retriable failure, batch rolled back: {}",
                       cfg_.connector_name, e.message);
    }
    return e;
}

error jdbc_sink_task::errant_failure(const std::pair<const record*, std::string>& errant) const {
    const record& rec = *errant.first;
    return error{
        errc::invalid_argument,
        fmt::format("record {}-{}@{} cannot be written: {} (errors.tolerance=none: "
                    "nothing of the batch was written)",
                    rec.topic, rec.partition.value_or(-1), rec.kafka_offset, errant.second)};
}

// Confluent's JdbcSinkTask: a retriable failure is retried max.retries
// times, retry.backoff.ms apart (retry_backoff_ms()), then fails the task.
status jdbc_sink_task::retry_or_fail(error e) {
    status st = fail(std::move(e));
    if (is_retriable(st.err()) && retries_left_-- <= 0) {
        retries_left_ = cfg_.max_retries;
        return error{errc::invalid_argument,
                     fmt::format("{} (gave up after max.retries={} retries)", st.message(),
                                 cfg_.max_retries)};
    }
    return st;
}

status jdbc_sink_task::put(std::span<const record> records) {
    errant_list errant;
    std::vector<pending> rows;
    rows.reserve(records.size());
    for (const auto& rec : records) {
        auto r = build_row(cfg_, rec);
        if (!r.ok()) {
            errant.emplace_back(&rec, r.err().message);
        } else {
            rows.push_back({&rec, std::move(*r)});
        }
    }
    if (!rows.empty()) {
        if (auto st = ensure_connection(); !st.ok()) {
            return retry_or_fail(st.err());
        }
        if (auto st = conn_->begin(); !st.ok()) {
            return retry_or_fail(st.err());
        }
        for (size_t i = 0; i < rows.size();) {
            size_t j = i + 1;
            while (j < rows.size() && same_shape(rows[i].r, rows[j].r)) {
                ++j;
            }
            if (auto st = write_run(std::span(rows).subspan(i, j - i), errant); !st.ok()) {
                return retry_or_fail(st.err());
            }
            i = j;
        }
        if (!errant.empty() && !reporter_->tolerant()) {
            // errors.tolerance=none: the task fails on this record, and
            // nothing of the batch is written (Confluent rolls the put's
            // transaction back), so a restart writes it once.
            return fail(errant_failure(errant.front()));
        }
        if (auto st = conn_->commit(); !st.ok()) {
            return retry_or_fail(st.err());
        }
        end_txn(true);
    } else if (!errant.empty() && !reporter_->tolerant()) {
        return errant_failure(errant.front());
    }
    retries_left_ = cfg_.max_retries;
    for (const auto& [rec, reason] : errant) {
        logger()->warn("JDBC sink {}: record {}-{}@{} cannot be written: {}", cfg_.connector_name,
                       rec->topic, rec->partition.value_or(-1), rec->kafka_offset, reason);
        reporter_->report(*rec, reason);
    }
    return {};
}

std::vector<jdbc_sink_task::pending*> jdbc_sink_task::last_per_key(std::span<pending* const> rows) {
    std::unordered_map<std::string, size_t> last;
    for (size_t i = 0; i < rows.size(); ++i) {
        last[key_string(rows[i]->r)] = i;
    }
    std::vector<pending*> out;
    out.reserve(last.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        if (last[key_string(rows[i]->r)] == i) {
            out.push_back(rows[i]);
        }
    }
    return out;
}

std::string jdbc_sink_task::column_key(const std::string& name) const {
    // Unquoted identifiers fold to lower case in PostgreSQL.
    return cfg_.quote_identifiers ? name : ascii_lower(name);
}

result<std::optional<table_info>> jdbc_sink_task::describe(const table_id& id) {
    std::string key = sql_->table(id);
    if (auto it = tables_.find(key); it != tables_.end()) {
        return std::optional<table_info>(it->second);
    }
    table_id lookup = id;
    if (!cfg_.quote_identifiers && conn_->kind() == dialect_kind::postgres) {
        lookup.table = ascii_lower(lookup.table);
        lookup.schema = ascii_lower(lookup.schema);
    }
    auto info = conn_->describe_table(lookup);
    if (info.ok() && info->has_value()) {
        tables_[key] = **info;
    }
    return info;
}

result<std::string> jdbc_sink_task::ensure_table(const row& shape) {
    auto info = describe(shape.table);
    if (!info.ok()) {
        return info.take_error();
    }
    const std::string name = sql_->table(shape.table);
    if (!info->has_value()) {
        if (shape.op == row_op::remove) {
            return std::string();  // nothing to delete from
        }
        if (!cfg_.auto_create) {
            return fmt::format("Table {} is missing and auto.create is disabled", name);
        }
        std::string ddl = sql_->create_table(shape.table, shape.columns);
        logger()->info("JDBC sink {}: creating table: {}", cfg_.connector_name, ddl);
        if (auto st = conn_->execute(ddl); !st.ok()) {
            return st.err();
        }
        ++statements_;
        tables_.erase(name);
        info = describe(shape.table);
        if (!info.ok()) {
            return info.take_error();
        }
        if (!info->has_value()) {
            return error{errc::not_found, fmt::format("table {} not found after CREATE", name)};
        }
    }
    const table_info& t = **info;
    std::vector<const column_spec*> missing;
    for (const auto& c : shape.columns) {
        bool found = std::any_of(t.columns.begin(), t.columns.end(), [&](const column_info& ci) {
            return column_key(ci.name) == column_key(c.name);
        });
        if (!found) {
            missing.push_back(&c);
        }
    }
    if (missing.empty()) {
        return std::string();
    }
    std::string names;
    for (const auto* c : missing) {
        names += (names.empty() ? "" : ", ") + c->name;
    }
    if (!cfg_.auto_evolve) {
        return fmt::format("Table {} is missing fields ({}) and auto-evolution is disabled", name,
                           names);
    }
    for (const auto* c : missing) {
        if (!c->optional) {
            return fmt::format(
                "Cannot ALTER TABLE {} to add missing field {}, as the field is "
                "not optional and does not have a default value",
                name, c->name);
        }
    }
    for (const auto* c : missing) {
        std::string ddl = sql_->add_column(shape.table, *c);
        logger()->info("JDBC sink {}: evolving table: {}", cfg_.connector_name, ddl);
        if (auto st = conn_->execute(ddl); !st.ok()) {
            return st.err();
        }
        ++statements_;
    }
    tables_.erase(name);
    return std::string();
}

status jdbc_sink_task::exec_rows(std::span<pending* const> rows) {
    const row& first = rows.front()->r;
    const auto& cols = first.columns;
    if (first.op == row_op::remove) {
        std::vector<column_spec> keys = cols;
        std::string sql = sql_->remove(first.table, keys);
        for (const auto* p : rows) {
            auto n = conn_->execute(sql, p->r.values);
            ++statements_;
            if (!n.ok()) {
                return n.take_error();
            }
        }
        return {};
    }
    if (cfg_.mode == insert_mode::update) {
        bool has_values =
            std::any_of(cols.begin(), cols.end(), [](const column_spec& c) { return !c.key; });
        if (!has_values) {
            return {};  // nothing to set
        }
        std::string sql = sql_->update(first.table, cols);
        for (const auto* p : rows) {
            auto n = conn_->execute(sql, p->r.values);
            ++statements_;
            if (!n.ok()) {
                return n.take_error();
            }
        }
        return {};
    }
    const bool upsert = cfg_.mode == insert_mode::upsert;
    std::vector<pending*> chosen =
        upsert ? last_per_key(rows) : std::vector<pending*>(rows.begin(), rows.end());
    std::vector<sql_param> params;
    params.reserve(chosen.size() * cols.size());
    for (const auto* p : chosen) {
        params.insert(params.end(), p->r.values.begin(), p->r.values.end());
    }
    auto n = conn_->execute(sql_->insert(first.table, cols, chosen.size(), upsert), params);
    ++statements_;
    if (!n.ok()) {
        return n.take_error();
    }
    return {};
}

status jdbc_sink_task::exec_isolated(std::span<pending* const> rows, errant_list& errant) {
    if (auto st = conn_->execute("SAVEPOINT cs_batch"); !st.ok()) {
        return st;
    }
    auto st = exec_rows(rows);
    if (st.ok()) {
        return conn_->execute("RELEASE SAVEPOINT cs_batch");
    }
    if (!is_record_error(st.err())) {
        return st;
    }
    if (auto rb = conn_->execute("ROLLBACK TO SAVEPOINT cs_batch"); !rb.ok()) {
        return rb;
    }
    if (rows.size() == 1) {
        errant.emplace_back(rows[0]->rec, st.err().message);
        return conn_->execute("RELEASE SAVEPOINT cs_batch");
    }
    logger()->info("JDBC sink {}: a statement of {} rows failed ({}); retrying row by row",
                   cfg_.connector_name, rows.size(), st.err().message);
    for (auto* p : rows) {
        if (auto one = exec_isolated(std::span(&p, 1), errant); !one.ok()) {
            return one;
        }
    }
    return conn_->execute("RELEASE SAVEPOINT cs_batch");
}

status jdbc_sink_task::write_run(std::span<pending> run, errant_list& errant) {
    // DDL under a savepoint: a failure there is about these records.
    if (auto st = conn_->execute("SAVEPOINT cs_ddl"); !st.ok()) {
        return st;
    }
    auto reason = ensure_table(run.front().r);
    if (!reason.ok()) {
        if (is_retriable(reason.err())) {
            return reason.take_error();
        }
        if (auto rb = conn_->execute("ROLLBACK TO SAVEPOINT cs_ddl"); !rb.ok()) {
            return rb;
        }
        tables_.clear();
        reason = fmt::format("cannot create or alter table {}: {}",
                             sql_->table(run.front().r.table), reason.err().message);
    }
    if (auto st = conn_->execute("RELEASE SAVEPOINT cs_ddl"); !st.ok()) {
        return st;
    }
    if (!reason->empty()) {
        for (const auto& p : run) {
            errant.emplace_back(p.rec, *reason);
        }
        return {};
    }
    if (run.front().r.op == row_op::remove && !tables_.count(sql_->table(run.front().r.table))) {
        return {};  // the table does not exist: nothing to delete
    }
    const size_t ncols = run.front().r.columns.size();
    const size_t per_stmt = std::max<size_t>(
        1, std::min<size_t>(static_cast<size_t>(cfg_.batch_size), sql_->max_params() / ncols));
    std::vector<pending*> ptrs;
    ptrs.reserve(run.size());
    for (auto& p : run) {
        ptrs.push_back(&p);
    }
    auto copied = write_copy(ptrs);
    if (!copied.ok()) {
        return copied.take_error();
    }
    if (*copied) {
        return {};
    }
    for (size_t i = 0; i < ptrs.size(); i += per_stmt) {
        size_t n = std::min(per_stmt, ptrs.size() - i);
        if (auto st = exec_isolated(std::span(ptrs).subspan(i, n), errant); !st.ok()) {
            return st;
        }
    }
    return {};
}

}  // namespace cs::connect::jdbc
