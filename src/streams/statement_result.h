#pragma once

// What a statement returns, as data: the engine builds it, the CLI prints it
// as ksqlDB's CLI would (to_text) and the REST API sends it as ksqlDB's
// entities (src/streams/rest/ksql_entities.h). The shapes follow ksqlDB's
// REST model (CommandStatusEntity, StreamsList, Queries, KafkaTopicsList,
// PropertiesList, SourceDescription, QueryDescription).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "streams/catalog_types.h"

namespace cs::streams {

// A stream or table of SHOW STREAMS / SHOW TABLES (ksqlDB's SourceInfo).
struct listed_source {
    std::string name;
    source_kind kind = source_kind::stream;
    std::string topic;
    std::string key_format;  // "KAFKA", "JSON", ...
    std::string value_format;
    bool windowed = false;
};

// A persistent query (ksqlDB's RunningQuery).
struct listed_query {
    std::string id;
    std::string sql;
    std::string sink;  // the sink source's name
    std::string sink_topic;
    std::string state;  // "RUNNING", "ERROR" or "NOT_RUNNING" (ksqlDB's KsqlQueryStatus)
};

// A topic of SHOW TOPICS (ksqlDB's KafkaTopicInfo).
struct listed_topic {
    std::string name;
    int32_t partitions = 0;
    int32_t replicas = 0;  // of the first partition
};

// A function of SHOW FUNCTIONS: its name and ksqlDB's FunctionType
// (SCALAR, AGGREGATE or TABLE).
struct listed_function {
    std::string name;
    std::string type;
};

// A property of SHOW PROPERTIES (ksqlDB's PropertiesList.Property).
struct listed_property {
    std::string name;
    std::string scope;  // "SESSION"
    std::string value;
};

// DESCRIBE [EXTENDED] (ksqlDB's SourceDescription).
struct source_description {
    source_def source;
    bool extended = false;
    std::vector<listed_query> read_queries;   // EXTENDED only
    std::vector<listed_query> write_queries;  // EXTENDED only
    // EXTENDED only: one line per query that reads or writes the source
    // ("CSAS_X_1: consumed 3, produced 3, ... state RUNNING").
    std::vector<std::string> statistics;
};

// EXPLAIN <query id> and EXPLAIN <statement> (ksqlDB's QueryDescription).
struct query_description {
    std::string id;  // for a planned statement: the id it would get if run now
    std::string sql;
    bool planned = false;  // EXPLAIN <statement>: planned, nothing started
    std::vector<std::string> sources;
    std::string sink;
    std::string sink_topic;
    std::string dlq_topic;
    std::vector<column_def> fields;  // the sink's columns
    std::string execution_plan;      // the steps, sink first, as text
    // A started query's runtime (empty otherwise).
    std::string state;           // query_state_name(), e.g. "RUNNING"
    std::string listed_state;    // as listed_query::state: "RUNNING", "ERROR", "NOT_RUNNING"
    std::string consumer_group;  //
    std::string counters;        // "consumed 3, produced 3, dlq 0, lag 0"
};

struct statement_result {
    enum class kind {
        message,      // CREATE / DROP / INSERT / TERMINATE / SET / UNSET
        sources,      // SHOW STREAMS / SHOW TABLES
        queries,      // SHOW QUERIES
        topics,       // SHOW TOPICS
        functions,    // SHOW FUNCTIONS
        properties,   // SHOW PROPERTIES
        variables,    // SHOW VARIABLES
        description,  // DESCRIBE
        explanation,  // EXPLAIN
    };
    kind what = kind::message;

    // message: the status text and the query it created, replaced or
    // terminated (empty when none).
    std::string message;
    std::string query_id;

    source_kind listed_kind = source_kind::stream;  // sources: which SHOW
    std::vector<listed_source> sources;
    std::vector<listed_query> queries;
    std::vector<listed_topic> topics;
    std::vector<listed_function> functions;  // by name
    std::vector<listed_property> properties;
    std::vector<std::pair<std::string, std::string>> variables;  // name, value
    std::optional<source_description> description;
    std::optional<query_description> explanation;

    static statement_result of_message(std::string message, std::string query_id = {}) {
        statement_result r;
        r.message = std::move(message);
        r.query_id = std::move(query_id);
        return r;
    }
};

// The text the CLI prints for a result: ksqlDB CLI-style tables for SHOW,
// DESCRIBE and EXPLAIN, the message otherwise.
std::string to_text(const statement_result& r);

// "JSON", "DELIMITED", "KAFKA", "NONE".
const char* format_name(data_format f);

// A column's type as DESCRIBE prints it: "STRING", "INTEGER  (key)",
// "BIGINT  (primary key)", "BYTES  (header('k'))".
std::string column_type(const column_def& c, source_kind kind);

}  // namespace cs::streams
