// SHOW / DESCRIBE / EXPLAIN output: text tables in the style of ksqlDB's CLI
//  Stream Name | Kafka Topic | Key Format | Value Format | Windowed
// ----------------------------------------------------------------
//  CLICKS      | clicks      | KAFKA      | JSON         | false

#include <algorithm>

#include <fmt/format.h>

#include "client/admin.h"
#include "streams/engine.h"
#include "streams/functions.h"
#include "streams/planner.h"
#include "streams/planner_aggregate.h"
#include "streams/sql_error.h"
#include "streams/text_table.h"

namespace cs::streams {
namespace {

// ", transactions committed N, aborted M" for an exactly_once_v2 query
// (at least once has none to count).
std::string transaction_counters(const query_runner& r) {
    if (r.guarantee() != processing_guarantee::exactly_once_v2) {
        return "";
    }
    return fmt::format(", transactions committed {}, aborted {}", r.counters().txn_committed.load(),
                       r.counters().txn_aborted.load());
}

const char* format_name(data_format f) {
    switch (f) {
        case data_format::json:
            return "JSON";
        case data_format::delimited:
            return "DELIMITED";
        case data_format::kafka:
            return "KAFKA";
        case data_format::none:
            return "NONE";
    }
    return "?";
}

std::string column_type(const column_def& c, source_kind kind) {
    std::string t = c.type.to_string();
    switch (c.origin) {
        case column_origin::key:
            t += kind == source_kind::table ? "  (primary key)" : "  (key)";
            break;
        case column_origin::headers:
            t += "  (headers)";
            break;
        case column_origin::header:
            t += fmt::format("  (header('{}'))", c.header_key);
            break;
        case column_origin::value:
            break;
    }
    return t;
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
    steps.push_back(
        fmt::format("[ SOURCE ] | {} | Topic: {} | Key format: {} | Value format: {} "
                    "| Schema: {}",
                    plan.source.name, plan.source.topic, format_name(plan.source.key_format.format),
                    format_name(plan.source.value_format.format), schema_line(plan.source)));
    std::string out = "\nExecution plan\n--------------\n";
    for (size_t i = 0; i < steps.size(); ++i) {
        out += std::string(1 + 4 * i, ' ') + "> " + steps[i] + "\n";
    }
    return out;
}

}  // namespace

result<std::string> engine::show(const ast::show_stmt& s) {
    switch (s.what) {
        case ast::show_what::streams:
        case ast::show_what::tables: {
            source_kind want =
                s.what == ast::show_what::streams ? source_kind::stream : source_kind::table;
            std::vector<std::vector<std::string>> rows;
            for (const auto& name : source_order_) {
                const source_def& d = sources_.find(name)->second;
                if (d.kind == want) {
                    rows.push_back({ast::quote_identifier(d.name), d.topic,
                                    format_name(d.key_format.format),
                                    format_name(d.value_format.format),
                                    d.window_type.empty() ? "false" : "true"});
                }
            }
            return text_table({want == source_kind::stream ? "Stream Name" : "Table Name",
                               "Kafka Topic", "Key Format", "Value Format", "Windowed"},
                              rows);
        }
        case ast::show_what::queries: {
            std::vector<std::vector<std::string>> rows;
            for (const auto& q : query_statuses()) {
                const source_def* sink = find(q.sink);
                std::string state =
                    q.state == query_state::running || q.state == query_state::loading_tables ||
                            q.state == query_state::created
                        ? "RUNNING:1"
                        : (q.state == query_state::failed ? "ERROR:1" : "NOT_RUNNING:1");
                rows.push_back({q.id, "PERSISTENT", state, ast::quote_identifier(q.sink),
                                sink ? sink->topic : "", q.sql});
            }
            return text_table({"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic",
                               "Query String"},
                              rows);
        }
        case ast::show_what::topics:
            return show_topics();
        case ast::show_what::functions: {
            std::vector<std::vector<std::string>> rows;
            for (auto& n : function_names()) {
                rows.push_back({n, "SCALAR"});
            }
            return text_table({"Function Name", "Type"}, rows);
        }
        case ast::show_what::variables:
            return show_variables();
        case ast::show_what::properties: {
            std::vector<std::vector<std::string>> rows;
            for (const auto& [k, v] : session_props_) {
                rows.push_back({k, "SESSION", v});
            }
            return text_table({"Property", "Level", "Value"}, rows);
        }
    }
    return error{errc::unsupported, "SHOW: not supported"};
}

result<std::string> engine::show_topics() {
    auto md = admin_->metadata();
    if (!md) {
        return md.err();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : md->topics) {
        // Internal topics (__consumer_offsets, ksqlDB's _confluent-ksql-*) are
        // left out, as SHOW TOPICS does without EXTENDED ALL.
        if (t.name.starts_with("_") || t.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            continue;
        }
        size_t replicas = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
        rows.push_back({t.name, std::to_string(t.partitions.size()), std::to_string(replicas)});
    }
    return text_table({"Kafka Topic", "Partitions", "Partition Replicas"}, rows);
}

result<std::string> engine::describe(const ast::describe_stmt& d) const {
    if (d.function) {
        return describe_function(d);
    }
    if (d.all_kind) {
        return describe_all(d);
    }
    const source_def* def = find(d.name);
    if (def == nullptr) {
        return error{errc::not_found,
                     fmt::format("Could not find STREAM/TABLE '{}' in the Metastore{}", d.name,
                                 did_you_mean(d.name, source_order_))};
    }
    std::string out =
        fmt::format("\nName                 : {}\n", ast::quote_identifier(def->name));
    if (d.extended) {
        out += fmt::format("Type                 : {}\n",
                           def->kind == source_kind::stream ? "STREAM" : "TABLE");
        out += fmt::format("Timestamp field      : {}\n", def->timestamp_column
                                                              ? *def->timestamp_column
                                                              : "Not set - using <ROWTIME>");
        out += fmt::format("Key format           : {}\n", format_name(def->key_format.format));
        if (!def->window_type.empty()) {
            out += fmt::format("Windowed             : {}\n", def->window_type);
        }
        out += fmt::format("Value format         : {}\n", format_name(def->value_format.format));
        out += fmt::format("Kafka topic          : {} (partitions: {}, replication: {})\n",
                           def->topic, def->partitions, def->replicas > 0 ? def->replicas : 1);
        out += fmt::format("Statement            : {}\n", def->sql);
    }
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"ROWTIME", "BIGINT           (system)"});
    for (const auto& c : def->columns) {
        rows.push_back({ast::quote_identifier(c.name), column_type(c, def->kind)});
    }
    out += text_table({"Field", "Type"}, rows);
    if (d.extended) {
        std::string reads;
        std::string writes;
        std::string counters;
        std::lock_guard lock(queries_mu_);
        for (const auto& q : queries_) {
            bool reads_it =
                std::find(q->sources.begin(), q->sources.end(), def->name) != q->sources.end();
            if (reads_it) {
                reads += fmt::format("{} : {}\n", q->id, q->sql);
            }
            if (q->sink == def->name) {
                writes += fmt::format("{} : {}\n", q->id, q->sql);
            }
            if ((reads_it || q->sink == def->name) && q->runner) {
                const auto& c = q->runner->counters();
                counters += fmt::format(
                    "{}: consumed {}, produced {}, dlq {}, filtered {}, skipped {}, lag {}{}, "
                    "state {}\n",
                    q->id, c.consumed.load(), c.produced.load(), c.dlq.load(), c.filtered.load(),
                    c.skipped.load(), c.lag.load(), transaction_counters(*q->runner),
                    query_state_name(q->runner->state()));
            }
        }
        out += "\nQueries that read from this " +
               std::string(def->kind == source_kind::stream ? "STREAM" : "TABLE") +
               "\n-----------------------------------\n" + reads;
        out += "\nQueries that write from this " +
               std::string(def->kind == source_kind::stream ? "STREAM" : "TABLE") +
               "\n-----------------------------------\n" + writes;
        out += "\nRuntime statistics\n-----------------------------------\n" + counters;
    }
    return out;
}

result<std::string> engine::explain(const ast::explain_stmt& e, const ast::statement& stmt) const {
    if (e.create_as_select || e.insert_select) {
        // Planned as the statement would be, nothing created or started.
        auto plan = e.create_as_select ? plan_create_as_select(*e.create_as_select, stmt, *this)
                                       : plan_insert_select(*e.insert_select, stmt, *this);
        if (!plan) {
            return plan.err();
        }
        const std::string id =
            e.create_as_select
                ? fmt::format("CSAS_{}_{}", e.create_as_select->name, next_query_number_)
                : fmt::format("INSERTQUERY_{}", next_query_number_);
        std::string srcs = plan->source.name;
        for (const auto& t : plan->tables) {
            srcs += ", " + t.name;
        }
        return fmt::format(
                   "\nType                 : QUERY (planned, not started)\nSQL                 "
                   " : {}\nQuery ID if run now  : {}\nSources              : {}\n",
                   stmt.text, id, srcs) +
               execution_plan(*plan);
    }
    std::lock_guard lock(queries_mu_);
    for (const auto& q : queries_) {
        if (q->id == e.query_id) {
            std::string out = fmt::format(
                "\nID                   : {}\nQuery Type           : "
                "PERSISTENT\nSQL                  : {}\n",
                q->id, q->sql);
            out += fmt::format("Sink                 : {} (topic {}, DLQ {})\n", q->sink,
                               q->plan.sink.topic, q->plan.dlq_topic);
            std::string srcs;
            for (const auto& s : q->sources) {
                srcs += (srcs.empty() ? "" : ", ") + s;
            }
            out += fmt::format("Sources              : {}\n", srcs);
            if (q->runner) {
                const auto& c = q->runner->counters();
                out += fmt::format(
                    "Status               : {}\nConsumer group       : {}\n"
                    "Counters             : consumed {}, produced {}, dlq {}, "
                    "lag {}{}\n",
                    query_state_name(q->runner->state()), q->runner->group_id(), c.consumed.load(),
                    c.produced.load(), c.dlq.load(), c.lag.load(),
                    transaction_counters(*q->runner));
            }
            return out + execution_plan(q->plan);
        }
    }
    return error{errc::not_found, fmt::format("Query with id:{} does not exist", e.query_id)};
}

}  // namespace cs::streams
