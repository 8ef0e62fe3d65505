#include "connect/connectors/jdbc/sql_builder.h"

#include <algorithm>

#include <fmt/format.h>

namespace cs::connect::jdbc {

std::string sql_builder::ident(const std::string& name) const {
    if (!quote_) {
        return name;
    }
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    out += '"';
    return out;
}

std::string sql_builder::table(const table_id& t) const {
    return t.schema.empty() ? ident(t.table) : ident(t.schema) + "." + ident(t.table);
}

std::string sql_builder::type_of(col_type t) const {
    const bool pg = d_ == dialect_kind::postgres;
    switch (t) {
        case col_type::int16:
            return pg ? "SMALLINT" : "INTEGER";
        case col_type::int32:
            return pg ? "INT" : "INTEGER";
        case col_type::int64:
            return pg ? "BIGINT" : "INTEGER";
        case col_type::float32:
            return pg ? "REAL" : "REAL";
        case col_type::float64:
            return pg ? "DOUBLE PRECISION" : "REAL";
        case col_type::boolean:
            return pg ? "BOOLEAN" : "INTEGER";
        case col_type::text:
        case col_type::unknown:
            return "TEXT";
        case col_type::bytes:
            return pg ? "BYTEA" : "BLOB";
        case col_type::decimal:
            return pg ? "DECIMAL" : "NUMERIC";
        case col_type::date:
            return pg ? "DATE" : "NUMERIC";
        case col_type::time:
            return pg ? "TIME" : "NUMERIC";
        case col_type::timestamp:
            return pg ? "TIMESTAMP" : "NUMERIC";
        case col_type::json:
            return pg ? "JSONB" : "TEXT";
    }
    return "TEXT";
}

std::string sql_builder::placeholder(size_t n) const {
    return d_ == dialect_kind::postgres ? fmt::format("${}", n) : fmt::format("?{}", n);
}

std::string sql_builder::create_table(const table_id& t,
                                      const std::vector<column_spec>& cols) const {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + table(t) + " (";
    std::vector<const column_spec*> keys;
    for (size_t i = 0; i < cols.size(); ++i) {
        const auto& c = cols[i];
        sql += (i ? ", " : "") + ident(c.name) + " " + type_of(c.type) +
               (c.optional && !c.key ? " NULL" : " NOT NULL");
        if (c.key) {
            keys.push_back(&c);
        }
    }
    // The primary key in pk.fields order, whatever the column order.
    std::stable_sort(keys.begin(), keys.end(), [](const column_spec* a, const column_spec* b) {
        return a->key_pos < b->key_pos;
    });
    std::string pk;
    for (const auto* k : keys) {
        pk += (pk.empty() ? "" : ",") + ident(k->name);
    }
    if (!pk.empty()) {
        sql += ", PRIMARY KEY(" + pk + ")";
    }
    return sql + ")";
}

std::string sql_builder::add_column(const table_id& t, const column_spec& c) const {
    return "ALTER TABLE " + table(t) + " ADD COLUMN " + ident(c.name) + " " + type_of(c.type) +
           " NULL";
}

std::string sql_builder::insert(const table_id& t, const std::vector<column_spec>& cols,
                                size_t rows, bool upsert) const {
    std::string sql = "INSERT INTO " + table(t) + " (";
    for (size_t i = 0; i < cols.size(); ++i) {
        sql += (i ? "," : "") + ident(cols[i].name);
    }
    sql += ") VALUES ";
    sql.reserve(sql.size() + rows * cols.size() * 7);
    size_t n = 1;
    for (size_t r = 0; r < rows; ++r) {
        sql += r ? ",(" : "(";
        for (size_t i = 0; i < cols.size(); ++i) {
            if (i) {
                sql += ',';
            }
            sql += placeholder(n++);
        }
        sql += ')';
    }
    if (upsert) {
        sql += on_conflict(cols);
    }
    return sql;
}

std::string sql_builder::column_list(const std::vector<column_spec>& cols) const {
    std::string out;
    for (size_t i = 0; i < cols.size(); ++i) {
        out += (i ? "," : "") + ident(cols[i].name);
    }
    return out;
}

std::string sql_builder::on_conflict(const std::vector<column_spec>& cols) const {
    std::string keys, sets;
    for (const auto& c : cols) {
        if (c.key) {
            keys += (keys.empty() ? "" : ",") + ident(c.name);
        } else {
            sets += (sets.empty() ? "" : ",") + ident(c.name) + "=EXCLUDED." + ident(c.name);
        }
    }
    return " ON CONFLICT (" + keys + ")" +
           (sets.empty() ? " DO NOTHING" : " DO UPDATE SET " + sets);
}

std::string sql_builder::copy_from_stdin(const std::string& quoted_table,
                                         const std::vector<column_spec>& cols) const {
    return "COPY " + quoted_table + " (" + column_list(cols) + ") FROM STDIN";
}

std::string sql_builder::create_stage(const std::string& stage, const table_id& t,
                                      const std::vector<column_spec>& cols) const {
    // CREATE TABLE AS copies the column types only: no NOT NULL, keys or
    // defaults, so any subset of the target's columns can be staged.
    return "CREATE TEMP TABLE " + stage + " ON COMMIT DELETE ROWS AS SELECT " + column_list(cols) +
           " FROM " + table(t) + " WITH NO DATA";
}

std::string sql_builder::merge_from_stage(const table_id& t, const std::string& stage,
                                          const std::vector<column_spec>& cols, bool upsert) const {
    std::string list = column_list(cols);
    std::string sql =
        "INSERT INTO " + table(t) + " (" + list + ") SELECT " + list + " FROM " + stage;
    if (upsert) {
        sql += on_conflict(cols);
    }
    return sql;
}

std::string sql_builder::update(const table_id& t, const std::vector<column_spec>& cols) const {
    std::string sets, where;
    for (size_t i = 0; i < cols.size(); ++i) {
        std::string term = ident(cols[i].name) + "=" + placeholder(i + 1);
        if (cols[i].key) {
            where += (where.empty() ? "" : " AND ") + term;
        } else {
            sets += (sets.empty() ? "" : ",") + term;
        }
    }
    return "UPDATE " + table(t) + " SET " + sets + " WHERE " + where;
}

std::string sql_builder::remove(const table_id& t, const std::vector<column_spec>& keys) const {
    std::string where;
    for (size_t i = 0; i < keys.size(); ++i) {
        where += (i ? " AND " : "") + ident(keys[i].name) + "=" + placeholder(i + 1);
    }
    return "DELETE FROM " + table(t) + " WHERE " + where;
}

}  // namespace cs::connect::jdbc
