#include "streams/rest/ksql_entities.h"

#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "formats/json_writer.h"

namespace cs::streams::rest {
namespace {

using formats::append_json_string;
using formats::json_object_writer;

std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string string_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : ",";
        append_json_string(out, items[i]);
    }
    return out + "]";
}

template <class T, class F>
std::string array_of(const std::vector<T>& items, F&& one) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : ",";
        out += one(items[i]);
    }
    return out + "]";
}

// FieldInfo: {"name":...,"schema":{...}} plus "fieldType":"KEY" for a key
// column and "fieldType":"HEADER","headerKey":... for a header column.
std::string field_json(const column_def& c) {
    std::string out;
    json_object_writer w(out);
    w.string("name", c.name).raw("schema", schema_json(c.type));
    switch (c.origin) {
        case column_origin::key:
            w.string("fieldType", "KEY");
            break;
        case column_origin::headers:
            w.string("fieldType", "HEADER");
            break;
        case column_origin::header:
            w.string("fieldType", "HEADER").string("headerKey", c.header_key);
            break;
        case column_origin::value:
            break;
    }
    w.close();
    return out;
}

std::string fields_json(const std::vector<column_def>& columns) {
    return array_of(columns, [](const column_def& c) { return field_json(c); });
}

// RunningQuery.
std::string running_query_json(const listed_query& q) {
    std::string out;
    json_object_writer w(out);
    w.string("queryString", q.sql)
        .raw("sinks", string_array({q.sink}))
        .raw("sinkKafkaTopics", string_array({q.sink_topic}))
        .string("id", q.id)
        .raw("statusCount", fmt::format("{{{}:1}}", json_string(q.state)))
        .string("queryType", "PERSISTENT")
        .string("state", q.state);
    w.close();
    return out;
}

std::string source_info_json(const listed_source& s) {
    std::string out;
    json_object_writer w(out);
    w.string("type", s.kind == source_kind::stream ? "STREAM" : "TABLE")
        .string("name", s.name)
        .string("topic", s.topic)
        .string("keyFormat", s.key_format)
        .string("valueFormat", s.value_format)
        .boolean("isWindowed", s.windowed);
    w.close();
    return out;
}

std::string source_description_json(const source_description& d) {
    const source_def& s = d.source;
    std::string statistics;
    for (const auto& line : d.statistics) {
        statistics += (statistics.empty() ? "" : "\n") + line;
    }
    std::string out;
    json_object_writer w(out);
    w.string("name", s.name);
    if (s.window_type.empty()) {
        w.null("windowType");
    } else {
        w.string("windowType", s.window_type);
    }
    w.raw("readQueries", array_of(d.read_queries, running_query_json))
        .raw("writeQueries", array_of(d.write_queries, running_query_json))
        .raw("fields", fields_json(s.columns))
        .string("type", s.kind == source_kind::stream ? "STREAM" : "TABLE")
        .string("timestamp", s.timestamp_column.value_or(""))
        .string("statistics", statistics)
        .string("errorStats", "")
        .boolean("extended", d.extended)
        .string("keyFormat", format_name(s.key_format.format))
        .string("valueFormat", format_name(s.value_format.format))
        .string("topic", s.topic)
        .number("partitions", int64_t{d.extended ? s.partitions : 0})
        .number("replication", int64_t{d.extended ? std::max<int16_t>(s.replicas, 1) : 0})
        .string("statement", s.sql)
        .raw("queryOffsetSummaries", "[]")
        .raw("sourceConstraints", "[]")
        .raw("clusterStatistics", "[]")
        .raw("clusterErrorStats", "[]");
    w.close();
    return out;
}

std::string query_description_json(const query_description& q) {
    std::string out;
    json_object_writer w(out);
    w.string("id", q.id)
        .string("statementText", q.sql)
        .null("windowType")
        .raw("fields", fields_json(q.fields))
        .raw("sources", string_array(q.sources))
        .raw("sinks", string_array({q.sink}))
        .string("topology", "")
        .string("executionPlan", q.execution_plan)
        .raw("overriddenProperties", "{}")
        .raw("ksqlHostQueryStatus", "{}")
        .string("queryType", "PERSISTENT")
        .raw("queryErrors", "[]")
        .raw("tasksMetadata", "[]");
    if (q.state.empty()) {
        w.null("state").null("consumerGroupId");
    } else {
        w.string("state", q.listed_state).string("consumerGroupId", q.consumer_group);
    }
    w.close();
    return out;
}

std::string quoted(std::string_view name) {
    return ast::quote_identifier(std::string(name));
}

}  // namespace

std::string command_id(const ast::statement& stmt) {
    auto kind = [](source_kind k) { return k == source_kind::stream ? "stream" : "table"; };
    return std::visit(
        [&](const auto& s) -> std::string {
            using T = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<T, ast::create_source_stmt> ||
                          std::is_same_v<T, ast::create_as_select_stmt>) {
                return fmt::format("{}/{}/create", kind(s.kind), quoted(s.name));
            } else if constexpr (std::is_same_v<T, ast::insert_select_stmt>) {
                return fmt::format("stream/{}/create", quoted(s.target));
            } else if constexpr (std::is_same_v<T, ast::drop_stmt>) {
                return fmt::format("{}/{}/drop", kind(s.kind), quoted(s.name));
            } else if constexpr (std::is_same_v<T, ast::terminate_stmt>) {
                return fmt::format("terminate/{}/execute", s.all ? "ALL" : s.query_id);
            } else {
                return "";
            }
        },
        stmt.body);
}

std::string schema_json(const sql_type& t) {
    std::string out;
    json_object_writer w(out);
    w.string("type", type_kind_name(t.kind));
    switch (t.kind) {
        case type_kind::array:
        case type_kind::map:
            w.raw("memberSchema", schema_json(t.children.at(0)));
            break;
        case type_kind::struct_: {
            std::string fields = "[";
            for (size_t i = 0; i < t.children.size(); ++i) {
                fields += i == 0 ? "" : ",";
                std::string f;
                json_object_writer fw(f);
                fw.string("name", t.field_names[i]).raw("schema", schema_json(t.children[i]));
                fw.close();
                fields += f;
            }
            w.raw("fields", fields + "]");
            break;
        }
        case type_kind::decimal:
            w.raw("parameters",
                  fmt::format("{{\"precision\":{},\"scale\":{}}}", t.precision, t.scale));
            break;
        default:
            break;
    }
    w.close();
    return out;
}

std::string entity_json(const statement_result& r, std::string_view statement_text,
                        const command_ref& command) {
    std::string out;
    json_object_writer w(out);
    using kind = statement_result::kind;
    switch (r.what) {
        case kind::message: {
            std::string status;
            json_object_writer sw(status);
            sw.string("status", "SUCCESS").string("message", r.message);
            if (r.query_id.empty()) {
                sw.null("queryId");
            } else {
                sw.string("queryId", r.query_id);
            }
            sw.close();
            w.string("@type", "currentStatus")
                .string("statementText", statement_text)
                .string("commandId", command.id)
                .raw("commandStatus", status)
                .number("commandSequenceNumber", command.sequence);
            break;
        }
        case kind::sources: {
            const char* name = r.listed_kind == source_kind::stream ? "streams" : "tables";
            w.string("@type", name)
                .string("statementText", statement_text)
                .raw(name, array_of(r.sources, source_info_json));
            break;
        }
        case kind::queries:
            w.string("@type", "queries")
                .string("statementText", statement_text)
                .raw("queries", array_of(r.queries, running_query_json));
            break;
        case kind::topics:
            w.string("@type", "kafka_topics")
                .string("statementText", statement_text)
                .raw("topics", array_of(r.topics, [](const listed_topic& t) {
                         std::string replicas = "[";
                         for (int32_t p = 0; p < t.partitions; ++p) {
                             replicas += fmt::format("{}{}", p == 0 ? "" : ",", t.replicas);
                         }
                         return fmt::format("{{\"name\":{},\"replicaInfo\":{}]}}",
                                            json_string(t.name), replicas);
                     }));
            break;
        case kind::functions:
            w.string("@type", "function_names")
                .string("statementText", statement_text)
                .raw("functions", array_of(r.functions, [](const listed_function& f) {
                         return fmt::format("{{\"name\":{},\"type\":\"{}\",\"category\":\"\"}}",
                                            json_string(f.name), f.type);
                     }));
            break;
        case kind::properties:
            w.string("@type", "properties")
                .string("statementText", statement_text)
                .raw("properties", array_of(r.properties,
                                            [](const listed_property& p) {
                                                std::string o;
                                                json_object_writer pw(o);
                                                pw.string("name", p.name)
                                                    .string("scope", p.scope)
                                                    .string("value", p.value);
                                                pw.close();
                                                return o;
                                            }))
                .raw("overwrittenProperties", "[]")
                .raw("defaultProperties", "[]");
            break;
        case kind::variables:
            w.string("@type", "variables")
                .string("statementText", statement_text)
                .raw("variables", array_of(r.variables, [](const auto& v) {
                         std::string o;
                         json_object_writer vw(o);
                         vw.string("name", v.first).string("value", v.second);
                         vw.close();
                         return o;
                     }));
            break;
        case kind::description:
            w.string("@type", "sourceDescription")
                .string("statementText", statement_text)
                .raw("sourceDescription",
                     r.description ? source_description_json(*r.description) : std::string("null"));
            break;
        case kind::explanation:
            w.string("@type", "queryDescription")
                .string("statementText", statement_text)
                .raw("queryDescription",
                     r.explanation ? query_description_json(*r.explanation) : std::string("null"));
            break;
    }
    w.raw("warnings", "[]");
    w.close();
    return out;
}

std::string warning_json(std::string_view statement_text, std::string_view message) {
    std::string out;
    json_object_writer w(out);
    w.string("@type", "warning_entity")
        .string("statementText", statement_text)
        .string("message", message)
        .raw("warnings", "[]");
    w.close();
    return out;
}

std::string error_json(int error_code, std::string_view message) {
    std::string out;
    json_object_writer w(out);
    w.string("@type", "generic_error")
        .number("error_code", int64_t{error_code})
        .string("message", message);
    w.close();
    return out;
}

std::string statement_error_json(int error_code, std::string_view message,
                                 std::string_view statement_text, std::string_view entities) {
    std::string out;
    json_object_writer w(out);
    w.string("@type", "statement_error")
        .number("error_code", int64_t{error_code})
        .string("message", message)
        .string("statementText", statement_text)
        .raw("entities", entities);
    w.close();
    return out;
}

}  // namespace cs::streams::rest
