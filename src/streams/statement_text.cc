// A statement's result as the CLI prints it: text tables in the style of
// ksqlDB's CLI
//  Stream Name | Kafka Topic | Key Format | Value Format | Windowed
// ----------------------------------------------------------------
//  CLICKS      | clicks      | KAFKA      | JSON         | false

#include <algorithm>

#include <fmt/format.h>

#include "streams/ast.h"
#include "streams/statement_result.h"
#include "streams/text_table.h"

namespace cs::streams {
namespace {

std::string sources_text(const statement_result& r) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : r.sources) {
        rows.push_back({ast::quote_identifier(s.name), s.topic, s.key_format, s.value_format,
                        s.windowed ? "true" : "false"});
    }
    return text_table({r.listed_kind == source_kind::stream ? "Stream Name" : "Table Name",
                       "Kafka Topic", "Key Format", "Value Format", "Windowed"},
                      rows);
}

std::string queries_text(const statement_result& r) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& q : r.queries) {
        rows.push_back({q.id, "PERSISTENT", q.state + ":1", ast::quote_identifier(q.sink),
                        q.sink_topic, q.sql});
    }
    return text_table(
        {"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"},
        rows);
}

std::string description_text(const source_description& d) {
    const source_def& def = d.source;
    const char* kind = def.kind == source_kind::stream ? "STREAM" : "TABLE";
    std::string out = fmt::format("\nName                 : {}\n", ast::quote_identifier(def.name));
    if (d.extended) {
        out += fmt::format("Type                 : {}\n", kind);
        out +=
            fmt::format("Timestamp field      : {}\n",
                        def.timestamp_column ? *def.timestamp_column : "Not set - using <ROWTIME>");
        out += fmt::format("Key format           : {}\n", format_name(def.key_format.format));
        if (!def.window_type.empty()) {
            out += fmt::format("Windowed             : {}\n", def.window_type);
        }
        out += fmt::format("Value format         : {}\n", format_name(def.value_format.format));
        out += fmt::format("Kafka topic          : {} (partitions: {}, replication: {})\n",
                           def.topic, def.partitions, def.replicas > 0 ? def.replicas : 1);
        out += fmt::format("Statement            : {}\n", def.sql);
    }
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"ROWTIME", "BIGINT           (system)"});
    for (const auto& c : def.columns) {
        rows.push_back({ast::quote_identifier(c.name), column_type(c, def.kind)});
    }
    out += text_table({"Field", "Type"}, rows);
    if (d.extended) {
        auto queries = [](const std::vector<listed_query>& qs) {
            std::string s;
            for (const auto& q : qs) {
                s += fmt::format("{} : {}\n", q.id, q.sql);
            }
            return s;
        };
        std::string stats;
        for (const auto& line : d.statistics) {
            stats += line + "\n";
        }
        out +=
            fmt::format("\nQueries that read from this {}\n-----------------------------------\n",
                        kind) +
            queries(d.read_queries);
        out +=
            fmt::format("\nQueries that write from this {}\n-----------------------------------\n",
                        kind) +
            queries(d.write_queries);
        out += "\nRuntime statistics\n-----------------------------------\n" + stats;
    }
    return out;
}

std::string explanation_text(const query_description& q) {
    std::string sources;
    for (const auto& s : q.sources) {
        sources += (sources.empty() ? "" : ", ") + s;
    }
    if (q.planned) {
        return fmt::format(
                   "\nType                 : QUERY (planned, not started)\n"
                   "SQL                  : {}\nQuery ID if run now  : {}\n"
                   "Sources              : {}\n",
                   q.sql, q.id, sources) +
               q.execution_plan;
    }
    std::string out = fmt::format(
        "\nID                   : {}\nQuery Type           : PERSISTENT\n"
        "SQL                  : {}\n",
        q.id, q.sql);
    out += fmt::format("Sink                 : {} (topic {}, DLQ {})\n", q.sink, q.sink_topic,
                       q.dlq_topic);
    out += fmt::format("Sources              : {}\n", sources);
    if (!q.state.empty()) {
        out += fmt::format(
            "Status               : {}\nConsumer group       : {}\n"
            "Counters             : {}\n",
            q.state, q.consumer_group, q.counters);
    }
    return out + q.execution_plan;
}

}  // namespace

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

std::string to_text(const statement_result& r) {
    switch (r.what) {
        case statement_result::kind::message:
            return r.message;
        case statement_result::kind::sources:
            return sources_text(r);
        case statement_result::kind::queries:
            return queries_text(r);
        case statement_result::kind::topics: {
            std::vector<std::vector<std::string>> rows;
            for (const auto& t : r.topics) {
                rows.push_back({t.name, std::to_string(t.partitions), std::to_string(t.replicas)});
            }
            return text_table({"Kafka Topic", "Partitions", "Partition Replicas"}, rows);
        }
        case statement_result::kind::functions: {
            std::vector<std::vector<std::string>> rows;
            for (const auto& f : r.functions) {
                rows.push_back({f.name, f.type});
            }
            return text_table({"Function Name", "Type"}, rows);
        }
        case statement_result::kind::properties: {
            std::vector<std::vector<std::string>> rows;
            for (const auto& p : r.properties) {
                rows.push_back({p.name, p.scope, p.value});
            }
            return text_table({"Property", "Level", "Value"}, rows);
        }
        case statement_result::kind::variables: {
            std::vector<std::vector<std::string>> rows;
            for (const auto& [name, value] : r.variables) {
                rows.push_back({name, value});
            }
            return text_table({"Variable Name", "Value"}, rows);
        }
        case statement_result::kind::description:
            return r.description ? description_text(*r.description) : "";
        case statement_result::kind::explanation:
            return r.explanation ? explanation_text(*r.explanation) : "";
    }
    return "";
}

}  // namespace cs::streams
