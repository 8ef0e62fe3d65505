// SHOW / DESCRIBE / EXPLAIN: the engine's catalog and queries as
// statement_result data (printed by statement_text.cc, sent as ksqlDB's
// entities by the REST API).

#include <algorithm>

#include <fmt/format.h>

#include "client/admin.h"
#include "streams/aggregate.h"
#include "streams/engine.h"
#include "streams/flat_map.h"
#include "streams/functions.h"
#include "streams/planner.h"
#include "streams/planner_aggregate.h"
#include "streams/sql_error.h"
#include "streams/statement_result.h"

namespace cs::streams {
namespace {

// SHOW FUNCTIONS: scalar functions, aggregates and table functions by name.
std::vector<listed_function> listed_functions() {
    std::vector<listed_function> out;
    for (auto& n : function_names()) {
        out.push_back({std::move(n), "SCALAR"});
    }
    for (auto& n : aggregate_names()) {
        out.push_back({std::move(n), "AGGREGATE"});
    }
    for (auto& n : table_function_names()) {
        out.push_back({std::move(n), "TABLE"});
    }
    std::sort(out.begin(), out.end(),
              [](const listed_function& a, const listed_function& b) { return a.name < b.name; });
    return out;
}

// ", transactions committed N, aborted M" for an exactly_once_v2 query
// (at least once has none to count).
std::string transaction_counters(const query_runner& r) {
    if (r.guarantee() != processing_guarantee::exactly_once_v2) {
        return "";
    }
    return fmt::format(", transactions committed {}, aborted {}", r.counters().txn_committed.load(),
                       r.counters().txn_aborted.load());
}

// "`A` INTEGER KEY, `B` STRING" (ksqlDB's EXPLAIN schema line).
std::string schema_line(const source_def& def) {
    std::string out;
    for (const auto& c : def.columns) {
        out += out.empty() ? "" : ", ";
        out += ast::quote_identifier(c.name) + " " + column_type(c, def.kind);
    }
    return out;
}

// GROUP BY's steps (between the projection and the filter): HAVING, the
// aggregation with the names the projection reads, the repartition.
void aggregate_steps(const query_plan& plan, std::vector<std::string>& steps) {
    const aggregation& agg = *plan.aggregate;
    if (agg.having) {
        steps.push_back("[ HAVING ] | " + agg.having->to_sql());
    }
    std::string step = "[ AGGREGATE ] | GROUP BY ";
    for (size_t g = 0; g < agg.group_by.size(); ++g) {
        step += fmt::format("{}{} AS {}", g == 0 ? "" : ", ", agg.group_by[g]->to_sql(),
                            group_column_name(g));
    }
    for (size_t j = 0; j < agg.calls.size(); ++j) {
        step += fmt::format(", {} := {}", aggregate_column_name(j), agg.calls[j].sql);
    }
    if (agg.window) {
        step += fmt::format(
            " | WINDOW {} (SIZE {} ms{}, GRACE {} ms, RETENTION {} ms)",
            agg.window->session   ? "SESSION"
            : agg.window->hopping ? "HOPPING"
                                  : "TUMBLING",
            agg.window->size_ms,
            agg.window->hopping ? fmt::format(", ADVANCE BY {} ms", agg.window->advance_ms) : "",
            agg.window->grace_ms, agg.window->retention_ms);
    }
    step +=
        " | State: per partition, changelog topic <query group>-Aggregate-Aggregate-"
        "Materialize-changelog";
    steps.push_back(step);
    if (agg.repartition) {
        steps.push_back(
            "[ REPARTITION ] | by the GROUP BY key through <query group>-Aggregate-GroupBy-"
            "repartition");
    }
}

// A stream-stream or table-table join: kind, window, where its state is.
std::string source_join_step(const query_plan& plan) {
    const source_join& sj = *plan.two_source;
    static constexpr const char* kinds[] = {"INNER", "LEFT", "RIGHT", "FULL OUTER"};
    const char* kind = kinds[static_cast<int>(sj.window.kind)];
    std::string on;
    if (!sj.repartition_left && !sj.repartition_right) {
        on = fmt::format("ON {}.{} = {}.{} (co-partitioned by the key)", plan.source.name,
                         ast::quote_identifier(plan.source.columns[sj.left_key].name),
                         sj.right.name, ast::quote_identifier(sj.right.columns[sj.right_key].name));
    } else {
        std::string through;
        for (int side = 0; side < 2; ++side) {
            if (side == 0 ? sj.repartition_left : sj.repartition_right) {
                through += fmt::format(
                    "{}{} through <query group>-{}SourceKeyed-SelectKey-"
                    "repartition",
                    through.empty() ? "" : ", ", side == 0 ? plan.source.name : sj.right.name,
                    side == 0 ? "Left" : "Right");
            }
        }
        on = fmt::format("ON {} = {} (repartitioned by the join key: {})", sj.left_expr->to_sql(),
                         sj.right_expr->to_sql(), through);
    }
    if (!sj.windowed) {
        return fmt::format(
            "[ {} JOIN ] | TABLE {} {} | State: both tables per partition, in memory, read "
            "back from their topics to the committed offsets after a start or rebalance",
            kind, sj.right.name, on);
    }
    return fmt::format(
        "[ {} JOIN ] | STREAM {} WITHIN ({} ms before, {} ms after) GRACE {} ms ({}) {} | "
        "State: window buffers and held outer rows per partition, in changelog topics "
        "<query group>-KSTREAM-*-store-changelog, restored after a start or rebalance",
        kind, sj.right.name, sj.window.before_ms, sj.window.after_ms, sj.window.grace_ms,
        sj.window.spurious_fix ? "unmatched outer rows when the window closes"
                               : "unmatched outer rows at once",
        on);
}

// The query's steps, sink first, each step's input indented under it (as
// ksqlDB's "Execution plan").
std::string execution_plan(const query_plan& plan) {
    std::vector<std::string> steps;
    steps.push_back(fmt::format(
        "[ SINK ] | {} | Topic: {} | Key format: {} | Value format: {} | "
        "Schema: {} | DLQ: {}",
        plan.sink.name, plan.sink.topic, format_name(plan.sink.key_format.format),
        format_name(plan.sink.value_format.format), schema_line(plan.sink), plan.dlq_topic));
    std::string proj;
    for (const auto& p : plan.projections) {
        proj += proj.empty() ? "" : ", ";
        proj += fmt::format("{}{} := {}", ast::quote_identifier(p.name), p.is_key ? " (key)" : "",
                            p.expr ? p.expr->to_sql() : "?");
    }
    steps.push_back("[ PROJECT ] | " + proj);
    if (plan.aggregate) {
        aggregate_steps(plan, steps);
    }
    if (plan.where) {
        steps.push_back("[ FILTER ] | " + plan.where->to_sql());
    }
    for (size_t j = plan.joins.size(); j-- > 0;) {
        const auto& step = plan.joins[j];
        const source_def* t = j < plan.tables.size() ? &plan.tables[j] : nullptr;
        std::string key = "its key";
        if (t != nullptr) {
            for (const auto& c : t->columns) {
                if (c.origin == column_origin::key) {
                    key = step.table + "." + ast::quote_identifier(c.name);
                    break;
                }
            }
        }
        steps.push_back(fmt::format(
            "[ {} JOIN ] | {} (topic {}, broadcast, loaded before the stream starts) ON {} = {}",
            step.kind == join_kind::left ? "LEFT" : "INNER", step.table, t ? t->topic : "?",
            step.stream_key ? step.stream_key->to_sql() : "?", key));
    }
    if (plan.two_source) {
        steps.push_back(source_join_step(plan));
    }
    auto source_step = [&](const source_def& src) {
        steps.push_back(fmt::format(
            "[ SOURCE ] | {} | Topic: {} | Key format: {} | Value format: {} | Schema: {}",
            src.name, src.topic, format_name(src.key_format.format),
            format_name(src.value_format.format), schema_line(src)));
    };
    source_step(plan.source);
    if (plan.two_source) {
        source_step(plan.two_source->right);
    }
    std::string out = "\nExecution plan\n--------------\n";
    for (size_t i = 0; i < steps.size(); ++i) {
        out += std::string(1 + 4 * i, ' ') + "> " + steps[i] + "\n";
    }
    return out;
}

// "RUNNING", "ERROR" or "NOT_RUNNING", as ksqlDB's SHOW QUERIES counts them.
const char* listed_state(query_state s) {
    switch (s) {
        case query_state::created:
        case query_state::loading_tables:
        case query_state::running:
            return "RUNNING";
        case query_state::failed:
            return "ERROR";
        case query_state::stopped:
            return "NOT_RUNNING";
    }
    return "NOT_RUNNING";
}

// "consumed 3, produced 3, dlq 0, lag 0" and the transactions of an
// exactly-once query.
std::string counters_text(const query_runner& runner, bool filtered) {
    const auto& c = runner.counters();
    if (filtered) {
        return fmt::format("consumed {}, produced {}, dlq {}, filtered {}, skipped {}, lag {}{}",
                           c.consumed.load(), c.produced.load(), c.dlq.load(), c.filtered.load(),
                           c.skipped.load(), c.lag.load(), transaction_counters(runner));
    }
    return fmt::format("consumed {}, produced {}, dlq {}, lag {}{}", c.consumed.load(),
                       c.produced.load(), c.dlq.load(), c.lag.load(), transaction_counters(runner));
}

}  // namespace

result<statement_result> engine::show(const ast::show_stmt& s) {
    statement_result r;
    switch (s.what) {
        case ast::show_what::streams:
        case ast::show_what::tables: {
            r.what = statement_result::kind::sources;
            r.listed_kind =
                s.what == ast::show_what::streams ? source_kind::stream : source_kind::table;
            for (const auto& name : source_order_) {
                const source_def& d = sources_.find(name)->second;
                if (d.kind == r.listed_kind) {
                    r.sources.push_back({.name = d.name,
                                         .kind = d.kind,
                                         .topic = d.topic,
                                         .key_format = format_name(d.key_format.format),
                                         .value_format = format_name(d.value_format.format),
                                         .windowed = !d.window_type.empty()});
                }
            }
            return r;
        }
        case ast::show_what::queries:
            r.what = statement_result::kind::queries;
            for (const auto& q : query_statuses()) {
                const source_def* sink = find(q.sink);
                r.queries.push_back({.id = q.id,
                                     .sql = q.sql,
                                     .sink = q.sink,
                                     .sink_topic = sink ? sink->topic : "",
                                     .state = listed_state(q.state)});
            }
            return r;
        case ast::show_what::topics:
            return show_topics();
        case ast::show_what::functions:
            r.what = statement_result::kind::functions;
            r.functions = listed_functions();
            return r;
        case ast::show_what::variables:
            r.what = statement_result::kind::variables;
            r.variables.assign(variables_.begin(), variables_.end());
            return r;
        case ast::show_what::properties:
            r.what = statement_result::kind::properties;
            for (const auto& [k, v] : session_props_) {
                r.properties.push_back({.name = k, .scope = "SESSION", .value = v});
            }
            return r;
    }
    return error{errc::unsupported, "SHOW: not supported"};
}

result<statement_result> engine::show_topics() {
    auto md = admin_->metadata();
    if (!md) {
        return md.err();
    }
    statement_result r;
    r.what = statement_result::kind::topics;
    for (const auto& t : md->topics) {
        // Internal topics (__consumer_offsets, ksqlDB's _confluent-ksql-*) are
        // left out, as SHOW TOPICS does without EXTENDED ALL.
        if (t.name.starts_with("_") || t.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            continue;
        }
        size_t replicas = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
        r.topics.push_back({.name = t.name,
                            .partitions = static_cast<int32_t>(t.partitions.size()),
                            .replicas = static_cast<int32_t>(replicas)});
    }
    return r;
}

result<statement_result> engine::describe(const ast::describe_stmt& d) const {
    if (d.function || d.all_kind) {
        auto text = d.function ? describe_function(d) : describe_all(d);
        if (!text) {
            return text.err();
        }
        return statement_result::of_message(std::move(*text));
    }
    const source_def* def = find(d.name);
    if (def == nullptr) {
        return error{errc::not_found,
                     fmt::format("Could not find STREAM/TABLE '{}' in the Metastore{}", d.name,
                                 did_you_mean(d.name, source_order_))};
    }
    statement_result r;
    r.what = statement_result::kind::description;
    source_description desc;
    desc.source = *def;
    desc.extended = d.extended;
    if (d.extended) {
        std::lock_guard lock(queries_mu_);
        for (const auto& q : queries_) {
            bool reads_it =
                std::find(q->sources.begin(), q->sources.end(), def->name) != q->sources.end();
            listed_query lq{.id = q->id,
                            .sql = q->sql,
                            .sink = q->sink,
                            .sink_topic = q->plan.sink.topic,
                            .state = q->runner ? listed_state(q->runner->state()) : "NOT_RUNNING"};
            if (reads_it) {
                desc.read_queries.push_back(lq);
            }
            if (q->sink == def->name) {
                desc.write_queries.push_back(lq);
            }
            if ((reads_it || q->sink == def->name) && q->runner) {
                desc.statistics.push_back(fmt::format("{}: {}, state {}", q->id,
                                                      counters_text(*q->runner, true),
                                                      query_state_name(q->runner->state())));
            }
        }
    }
    r.description = std::move(desc);
    return r;
}

result<statement_result> engine::explain(const ast::explain_stmt& e,
                                         const ast::statement& stmt) const {
    statement_result r;
    r.what = statement_result::kind::explanation;
    if (e.create_as_select || e.insert_select) {
        // Planned as the statement would be, nothing created or started.
        auto plan = e.create_as_select ? plan_create_as_select(*e.create_as_select, stmt, *this)
                                       : plan_insert_select(*e.insert_select, stmt, *this);
        if (!plan) {
            return plan.err();
        }
        query_description q{
            .id = e.create_as_select
                      ? fmt::format("CSAS_{}_{}", e.create_as_select->name, next_query_number_)
                      : fmt::format("INSERTQUERY_{}", next_query_number_),
            .sql = stmt.text,
            .planned = true,
            .sources = source_names(*plan),
            .sink = plan->sink.name,
            .sink_topic = plan->sink.topic,
            .dlq_topic = plan->dlq_topic,
            .fields = plan->sink.columns,
            .execution_plan = execution_plan(*plan),
            .state = {},
            .listed_state = {},
            .consumer_group = {},
            .counters = {}};
        r.explanation = std::move(q);
        return r;
    }
    std::lock_guard lock(queries_mu_);
    for (const auto& q : queries_) {
        if (q->id == e.query_id) {
            query_description desc{.id = q->id,
                                   .sql = q->sql,
                                   .planned = false,
                                   .sources = q->sources,
                                   .sink = q->sink,
                                   .sink_topic = q->plan.sink.topic,
                                   .dlq_topic = q->plan.dlq_topic,
                                   .fields = q->plan.sink.columns,
                                   .execution_plan = execution_plan(q->plan),
                                   .state = {},
                                   .listed_state = {},
                                   .consumer_group = {},
                                   .counters = {}};
            if (q->runner) {
                desc.state = query_state_name(q->runner->state());
                desc.listed_state = listed_state(q->runner->state());
                desc.consumer_group = q->runner->group_id();
                desc.counters = counters_text(*q->runner, false);
            }
            r.explanation = std::move(desc);
            return r;
        }
    }
    return error{errc::not_found, fmt::format("Query with id:{} does not exist", e.query_id)};
}

}  // namespace cs::streams
