// The engine's session statements: DEFINE / UNDEFINE and
// variable substitution (variables.h), ALTER STREAM|TABLE ... ADD COLUMN;
// PRINT and RUN SCRIPT are refused here (they stream / read files: see
// engine::run_print and the CLI).

#include <algorithm>

#include <fmt/format.h>

#include "base/ascii.h"
#include "streams/engine.h"
#include "streams/parser.h"
#include "streams/sql_error.h"

namespace cs::streams {
namespace {

bool substitution_enabled(const std::map<std::string, std::string>& props) {
    auto it = props.find(std::string(variable_substitution_property));
    if (it == props.end()) {
        return true;
    }
    return !ascii_iequals(it->second, "false");
}

// Whether the source was made by CREATE ... AS SELECT (its first statement).
bool created_by_query(const source_def& def) {
    auto stmts = parse_script(def.sql);
    return stmts && !stmts->empty() &&
           std::holds_alternative<ast::create_as_select_stmt>(stmts->front().body);
}

}  // namespace

result<ast::statement> engine::substitute(const ast::statement& stmt) {
    std::lock_guard lock(statement_mu_);
    return substitute_unlocked(stmt);
}

result<ast::statement> engine::substitute_unlocked(const ast::statement& stmt,
                                                   const request_scope& scope) const {
    if (scope.properties.empty() && scope.variables.empty()) {
        return substitute_variables(stmt, variables_, substitution_enabled(session_props_));
    }
    variable_map vars = variables_;
    for (const auto& [k, v] : scope.variables) {
        vars[k] = v;
    }
    std::map<std::string, std::string> props = session_props_;
    for (const auto& [k, v] : scope.properties) {
        props[k] = v;
    }
    return substitute_variables(stmt, vars, substitution_enabled(props));
}

result<runner_options> engine::request_runner_options(
    const std::map<std::string, std::string>& overrides) const {
    std::map<std::string, std::string> props = session_props_;
    for (const auto& [k, v] : overrides) {
        props[k] = v;
    }
    return make_runner_options(props);
}

result<std::string> engine::run_session_statement(const ast::statement& stmt, bool replaying) {
    if (const auto* d = std::get_if<ast::define_stmt>(&stmt.body)) {
        variables_[d->name] = d->value;
        return std::string();
    }
    if (const auto* u = std::get_if<ast::undefine_stmt>(&stmt.body)) {
        if (variables_.erase(u->name) == 0) {
            // A warning, as ksqlDB's CLI prints it; not an error.
            return fmt::format("Cannot undefine variable '{}' which was never defined.", u->name);
        }
        return std::string();
    }
    if (const auto* a = std::get_if<ast::alter_source_stmt>(&stmt.body)) {
        return alter_source(*a, stmt, replaying);
    }
    if (std::holds_alternative<ast::print_stmt>(stmt.body)) {
        return error{errc::invalid_argument,
                     "PRINT streams a topic's records: run it with engine::run_print"};
    }
    return error{errc::unsupported,
                 "RUN SCRIPT is only available from the command line (clickstream streams)"};
}

// ksqlDB's AlterSourceFactory and DdlCommandExec.executeAlterSource: value
// columns added at the end; not on SOURCE streams/tables nor on a
// CREATE ... AS SELECT's sink. Queries already running keep the schema they
// were planned with; statements after it see the new columns.
result<std::string> engine::alter_source(const ast::alter_source_stmt& a,
                                         const ast::statement& stmt, bool replaying) {
    const char* kind = a.kind == source_kind::stream ? "stream" : "table";
    auto it = sources_.find(a.name);
    if (it != sources_.end() && it->second.is_source) {
        return error{errc::invalid_argument,
                     fmt::format("Cannot alter {} '{}': ALTER operations are not supported on "
                                 "source {}s.",
                                 kind, a.name, kind)};
    }
    if (it == sources_.end()) {
        return error{errc::not_found, fmt::format("Source {} does not exist.", a.name)};
    }
    source_def& def = it->second;
    if (def.kind != a.kind) {
        return error{errc::invalid_argument,
                     fmt::format("Incompatible data source type is {}, but statement was ALTER {}",
                                 def.kind == source_kind::stream ? "STREAM" : "TABLE",
                                 a.kind == source_kind::stream ? "STREAM" : "TABLE")};
    }
    if (created_by_query(def)) {
        return error{errc::invalid_argument,
                     "ALTER command is not supported for CREATE ... AS statements."};
    }
    std::vector<column_def> columns = def.columns;
    for (const auto& el : a.columns) {
        for (const auto& c : columns) {
            if (c.name == el.column.name) {
                return error{errc::invalid_argument,
                             fmt::format("Cannot add column {} to schema. A column with the same "
                                         "name already exists.",
                                         ast::quote_identifier(el.column.name))};
            }
        }
        column_def c = el.column;
        c.origin = column_origin::value;
        columns.push_back(std::move(c));
    }
    if (!replaying) {
        if (auto st = record(stmt); !st) {
            return st.err();
        }
    }
    def.columns = std::move(columns);
    def.sql += "\n" + stmt.text;
    // A table read for joins from now on decodes the new columns; queries
    // already running keep the reader (and schema) they started with.
    readers_.erase(def.name);
    return fmt::format("{} {} altered.", a.kind == source_kind::stream ? "Stream" : "Table",
                       def.name);
}

}  // namespace cs::streams
