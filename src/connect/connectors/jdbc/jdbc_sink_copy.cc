// The PostgreSQL COPY bulk path of jdbc_sink_task (see jdbc_sink_task.h):
// staging tables and their lifecycle, and the fallback to multi-row
// statements.

#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "base/log.h"
#include "connect/connectors/jdbc/copy_text.h"
#include "connect/connectors/jdbc/jdbc_sink_task.h"

namespace cs::connect::jdbc {

namespace {

// Staging tables kept per session; beyond this many (schemaless topics whose
// column sets keep changing) the idle ones are dropped.
constexpr size_t max_stages = 16;

const auto& logger() {
    static auto l = cs::log::get("connect.jdbc");
    return l;
}

}  // namespace

void jdbc_sink_task::end_txn(bool committed) {
    for (auto it = stages_.begin(); it != stages_.end();) {
        if (!committed && it->second.created_in_txn) {
            it = stages_.erase(it);
            continue;
        }
        it->second.created_in_txn = false;
        it->second.used_in_txn = false;  // ON COMMIT DELETE ROWS / rollback emptied it
        ++it;
    }
}

bool jdbc_sink_task::copy_text_matches(std::span<pending* const> rows) {
    // Blobs are bound in binary format by the multi-row path: the COPY text
    // (bytea hex) gives the same value only in a bytea column.
    const row& first = rows.front()->r;
    auto info = describe(first.table);
    if (!info.ok() || !info->has_value()) {
        return false;
    }
    for (size_t i = 0; i < first.columns.size(); ++i) {
        bool has_blob = std::any_of(rows.begin(), rows.end(), [&](const pending* p) {
            return std::holds_alternative<blob>(p->r.values[i]);
        });
        if (!has_blob) {
            continue;
        }
        const std::string want = column_key(first.columns[i].name);
        auto& cols = (*info)->columns;
        auto c = std::find_if(cols.begin(), cols.end(),
                              [&](const column_info& ci) { return column_key(ci.name) == want; });
        if (c == cols.end() || c->type != "bytea") {
            return false;
        }
    }
    return true;
}

result<std::string> jdbc_sink_task::stage_for(const row& shape) {
    // Keyed by the columns and their current types in the target, so a table
    // recreated with other types gets a new staging table.
    auto info = describe(shape.table);
    if (!info.ok()) {
        return info.take_error();
    }
    std::string key = sql_->table(shape.table) + '\x1f';
    for (const auto& c : shape.columns) {
        const column_info* ci = nullptr;
        if (info->has_value()) {
            for (const auto& t : (*info)->columns) {
                if (column_key(t.name) == column_key(c.name)) {
                    ci = &t;
                }
            }
        }
        key += sql_->ident(c.name) + ' ' + (ci ? ci->type : "?") + ',';
    }
    if (auto it = stages_.find(key); it != stages_.end()) {
        if (it->second.used_in_txn) {
            if (auto st = conn_->execute("TRUNCATE " + it->second.name); !st.ok()) {
                return st.err();
            }
            ++statements_;  // used_in_txn stays: a rollback to cs_copy brings the rows back
        }
        return it->second.name;
    }
    if (stages_.size() >= max_stages) {
        for (auto it = stages_.begin(); it != stages_.end();) {
            if (it->second.created_in_txn || it->second.used_in_txn) {
                ++it;
                continue;
            }
            if (auto st = conn_->execute("DROP TABLE IF EXISTS " + it->second.name); !st.ok()) {
                return st.err();
            }
            it = stages_.erase(it);
        }
    }
    std::string name = fmt::format("cs_stage_{}", next_stage_++);
    if (auto st = conn_->execute(sql_->create_stage(name, shape.table, shape.columns)); !st.ok()) {
        return st.err();
    }
    ++statements_;
    stages_[key] = stage{name, true, false};
    return name;
}

bool jdbc_sink_task::key_is_primary_key(const row& shape) {
    auto info = describe(shape.table);
    if (!info.ok() || !info->has_value()) {
        return false;
    }
    std::set<std::string> pk;
    for (const auto& c : (*info)->primary_key) {
        pk.insert(column_key(c));
    }
    std::set<std::string> key;
    for (const auto& c : shape.columns) {
        if (c.key) {
            key.insert(column_key(c.name));
        }
    }
    return !key.empty() && key == pk;
}

result<bool> jdbc_sink_task::try_direct_copy(
    const std::string& table, const std::function<status(const std::string&)>& copy_into) {
    if (auto st = conn_->execute("SAVEPOINT cs_direct"); !st.ok()) {
        return st.err();
    }
    auto st = copy_into(table);
    if (st.ok()) {
        direct_penalty_ = 1;
        if (auto rel = conn_->execute("RELEASE SAVEPOINT cs_direct"); !rel.ok()) {
            return rel.err();
        }
        return true;
    }
    if (!is_unique_violation(st.err())) {
        return st.err();
    }
    // A key exists: undo, merge through the staging table instead, and
    // try the direct way again only after a while.
    if (auto rb = conn_->execute("ROLLBACK TO SAVEPOINT cs_direct"); !rb.ok()) {
        return rb.err();
    }
    if (auto rel = conn_->execute("RELEASE SAVEPOINT cs_direct"); !rel.ok()) {
        return rel.err();
    }
    direct_skip_ = direct_penalty_;
    direct_penalty_ = std::min(direct_penalty_ * 2, 64);
    return false;
}

result<bool> jdbc_sink_task::write_copy(std::span<pending* const> rows) {
    const row& first = rows.front()->r;
    if (!copy_enabled_ || conn_->kind() != dialect_kind::postgres || first.op != row_op::write ||
        cfg_.mode == insert_mode::update || !copy_text_matches(rows)) {
        return false;
    }
    const bool upsert = cfg_.mode == insert_mode::upsert;
    if (auto st = conn_->execute("SAVEPOINT cs_copy"); !st.ok()) {
        return st.err();
    }
    const int stages_before = next_stage_;
    std::string stage_name;
    auto attempt = [&]() -> status {
        std::string into = sql_->table(first.table);
        std::vector<pending*> chosen(rows.begin(), rows.end());
        const auto chunk = static_cast<size_t>(cfg_.batch_size);
        auto copy_into = [&](const std::string& table) -> status {
            const std::string copy_sql = sql_->copy_from_stdin(table, first.columns);
            std::string data;
            for (size_t i = 0; i < chosen.size(); i += chunk) {
                data.clear();
                for (size_t j = i; j < std::min(chosen.size(), i + chunk); ++j) {
                    append_copy_row(data, chosen[j]->r.values);
                }
                auto n = conn_->copy_in(copy_sql, data);
                ++statements_;
                if (!n.ok()) {
                    return n.take_error();
                }
            }
            return {};
        };
        if (upsert) {
            chosen = last_per_key(rows);  // the whole run: the last record per key wins
            if (!key_is_primary_key(first)) {
                // Without a primary key on exactly the upsert key a COPY
                // would not notice an existing key.
            } else if (direct_skip_ > 0) {
                --direct_skip_;
            } else if (auto st = try_direct_copy(into, copy_into); !st.ok() || *st) {
                return st.ok() ? status{} : status{st.take_error()};
            }
            auto s = stage_for(first);
            if (!s.ok()) {
                return s.take_error();
            }
            stage_name = *s;
            into = stage_name;
        }
        if (auto st = copy_into(into); !st.ok()) {
            return st;
        }
        if (upsert) {
            auto st = conn_->execute(
                sql_->merge_from_stage(first.table, stage_name, first.columns, true));
            ++statements_;
            return st;
        }
        return {};
    };
    auto st = attempt();
    if (st.ok()) {
        if (!stage_name.empty()) {
            for (auto& [k, s] : stages_) {
                if (s.name == stage_name) {
                    s.used_in_txn = true;
                }
            }
        }
        if (auto rel = conn_->execute("RELEASE SAVEPOINT cs_copy"); !rel.ok()) {
            return rel.err();
        }
        return true;
    }
    if (is_retriable(st.err())) {
        return st.err();
    }
    // A record's data (or anything else the multi-row path will report the
    // same way): undo the COPY and let that path isolate the errant rows.
    if (auto rb = conn_->execute("ROLLBACK TO SAVEPOINT cs_copy"); !rb.ok()) {
        return rb.err();
    }
    if (auto rel = conn_->execute("RELEASE SAVEPOINT cs_copy"); !rel.ok()) {
        return rel.err();
    }
    if (next_stage_ != stages_before && !stage_name.empty()) {
        // Its CREATE was rolled back.
        std::erase_if(stages_, [&](const auto& kv) { return kv.second.name == stage_name; });
    }
    logger()->info(
        "JDBC sink {}: COPY of {} rows into {} failed ({}); writing them with "
        "multi-row statements",
        cfg_.connector_name, rows.size(), sql_->table(first.table), st.err().message);
    return false;
}

}  // namespace cs::connect::jdbc
