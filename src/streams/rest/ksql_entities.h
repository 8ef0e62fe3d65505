#pragma once

// ksqlDB's REST entities as JSON text: a statement_result as the KsqlEntity
// ksqlDB's /ksql endpoint returns for it ("@type":"currentStatus",
// "streams", "tables", "queries", "kafka_topics", "properties",
// "function_names", "sourceDescription", "queryDescription"), and
// KsqlErrorMessage / KsqlStatementErrorMessage. Shapes transcribed from
// ksqldb-rest-model's io.confluent.ksql.rest.entity classes.

#include <cstdint>
#include <string>
#include <string_view>

#include "streams/ast.h"
#include "streams/statement_result.h"

namespace cs::streams::rest {

// ksqlDB's error codes (Errors.java): HTTP status * 100 + a detail.
inline constexpr int error_bad_request = 40000;
inline constexpr int error_bad_statement = 40001;
inline constexpr int error_query_endpoint = 40002;
inline constexpr int error_not_found = 40400;
inline constexpr int error_server = 50000;
inline constexpr int error_not_supported = 50100;  // clickstream: a feature not built yet

// The command a CREATE/DROP/INSERT/TERMINATE became: its id
// ("stream/CLICKS/create", as ksqlDB's CommandIdAssigner names it; empty
// for statements that are no command) and sequence number.
struct command_ref {
    std::string id;
    int64_t sequence = 0;
};

// ksqlDB's CommandId of a statement; "" when the statement is no command
// (SHOW, DESCRIBE, SET, ...).
std::string command_id(const ast::statement& stmt);

// One KsqlEntity.
std::string entity_json(const statement_result& r, std::string_view statement_text,
                        const command_ref& command);

// {"@type":"generic_error","error_code":N,"message":...}
// ksqlDB's WarningEntity (e.g. UNDEFINE of a variable never defined).
std::string warning_json(std::string_view statement_text, std::string_view message);

std::string error_json(int error_code, std::string_view message);
// {"@type":"statement_error","error_code":N,"message":...,"statementText":...,
//  "entities":[...]}: `entities` is the JSON array of what ran before.
std::string statement_error_json(int error_code, std::string_view message,
                                 std::string_view statement_text, std::string_view entities);

// A type as ksqlDB's SchemaInfo: {"type":"ARRAY","memberSchema":{...}}.
std::string schema_json(const sql_type& t);

}  // namespace cs::streams::rest
