// The engine's transient queries: a bare SELECT planned under the statement
// lock and run on the caller's thread (transient_query.h).

#include <fmt/format.h>

#include "streams/engine.h"
#include "streams/sql_error.h"

namespace cs::streams {
namespace {

// ksqlDB's PullQueryValidator rules (its messages).
status check_pull_query(const ast::select_stmt& s, const ast::statement& stmt) {
    auto refuse = [&](ast::source_pos pos, const char* what) {
        return status(errc::invalid_argument,
                      format_sql_error(stmt, pos,
                                       fmt::format("Pull queries don't support {}.\nAdd EMIT "
                                                   "CHANGES if you intended to issue a push query.",
                                                   what)));
    };
    if (!s.joins.empty()) {
        return refuse(s.joins[0].pos, "JOIN clauses");
    }
    if (s.window) {
        return refuse(s.window->pos, "WINDOW clauses");
    }
    if (!s.group_by.empty()) {
        return refuse(s.group_by[0]->pos, "GROUP BY clauses");
    }
    if (!s.partition_by.empty()) {
        return refuse(s.partition_by[0]->pos, "PARTITION BY clauses");
    }
    if (s.having) {
        return refuse(s.having->pos, "HAVING clauses");
    }
    if (s.limit && *s.limit < 0) {
        return refuse(s.pos, "negative integers in the LIMIT clause");
    }
    return {};
}

}  // namespace

result<transient_run> engine::plan_transient_run(
    const ast::query_stmt& q, const ast::statement& stmt,
    const std::map<std::string, std::string>& properties) {
    std::lock_guard lock(statement_mu_);
    const ast::select_stmt& select = q.select;
    transient_run run;
    run.pull = !select.emit_changes && !select.emit_final;
    if (run.pull) {
        if (auto st = check_pull_query(select, stmt); !st) {
            return st.err();
        }
    }
    auto plan = plan_transient(select, stmt, *this);
    if (!plan) {
        return plan.err();
    }
    plan->id = transient_query_id(plan->source.name);
    plan->sql = stmt.text;
    for (const auto& t : plan->tables) {
        auto r = reader_for(t);
        if (!r) {
            return r.err();
        }
        run.tables.push_back(std::move(*r));
    }
    auto o = request_runner_options(properties);
    if (!o) {
        return o.err();
    }
    if (o->auto_offset_reset != "earliest" && o->auto_offset_reset != "latest") {
        return error{errc::invalid_argument,
                     fmt::format("auto.offset.reset: '{}' is not one of earliest, latest",
                                 o->auto_offset_reset)};
    }
    run.from_beginning = o->auto_offset_reset == "earliest";
    o->parse_timestamp = parser_for(plan->source);
    run.options = std::move(*o);
    run.settings = settings_;
    run.limit = select.limit;
    run.plan = std::move(*plan);
    return run;
}

status engine::run_transient(const ast::statement& original, row_sink& sink, std::stop_token stop,
                             const request_scope& scope) {
    auto substituted = [&] {
        std::lock_guard lock(statement_mu_);
        return substitute_unlocked(original, scope);
    }();
    if (!substituted) {
        return substituted.err();
    }
    const ast::statement& stmt = *substituted;
    const auto* q = std::get_if<ast::query_stmt>(&stmt.body);
    if (q == nullptr) {
        return status(errc::invalid_argument,
                      "run_transient runs a bare SELECT; other statements go to execute()");
    }
    auto run = plan_transient_run(*q, stmt, scope.properties);
    if (!run) {
        return run.err();
    }
    return run_transient_plan(std::move(*run), sink, std::move(stop));
}

}  // namespace cs::streams
