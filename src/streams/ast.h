#pragma once

// The syntax tree of the ksqlDB statement subset (see parser.h). The parser
// produces it, the statement engine executes statements from it and the
// planner binds its expressions and SELECTs.
//
// Conventions:
// - Every node carries the source position (1-based line:column) of its
//   first token, for error messages that point at the statement text.
// - Identifiers are already case-normalized by the parser: unquoted ones are
//   upper-cased, backticked ones keep their case (ksqlDB's rule). Keywords
//   and function names are upper-case.
// - Expressions are immutable once parsed and shared (shared_ptr), so a
//   statement is cheap to copy (the engine keeps statements around).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "streams/catalog_types.h"
#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams::ast {

struct source_pos {
    int line = 1;    // 1-based
    int column = 1;  // 1-based, in bytes
    bool operator==(const source_pos&) const = default;
};

struct expr;
using expr_ptr = std::shared_ptr<const expr>;

enum class expr_kind : uint8_t {
    literal,        // lit / lit_type (NULL: lit is NULL, lit_type is unset/irrelevant)
    column,         // [qualifier.]name
    pseudo_column,  // ROWTIME, ROWPARTITION, ROWOFFSET ([qualifier.] allowed)
    unary,          // unary_op, args[0]
    binary,         // binary_op (arithmetic / concatenation), args[0], args[1]
    logical_and,    // args[0] AND args[1]
    logical_or,     // args[0] OR args[1]
    logical_not,    // NOT args[0]
    comparison,     // compare_op, args[0], args[1]
    is_null,        // args[0] IS [NOT] NULL            (negated: IS NOT NULL)
    like,           // args[0] [NOT] LIKE args[1] [ESCAPE args[2]]
    in_list,        // args[0] [NOT] IN (args[1..])
    between,        // args[0] [NOT] BETWEEN args[1] AND args[2]
    case_when,      // see case_* fields
    cast,           // CAST(args[0] AS cast_type)
    call,           // name(args...); name upper-cased; COUNT(*)-style star: call_star
    deref,          // args[0]->name (struct field access)
    subscript,      // args[0][args[1]] (array index, 1-based in ksqlDB; map key)
    array_ctor,     // ARRAY[args...]
    map_ctor,       // MAP(args[0] := args[1], args[2] := args[3], ...)
    struct_ctor,    // STRUCT(field_names[i] := args[i], ...)
    lambda,         // field_names (parameters) => args[0]; only as a function argument
};

enum class pseudo_column : uint8_t { rowtime, rowpartition, rowoffset };

enum class unary_op : uint8_t { minus, plus };

enum class binary_op : uint8_t { add, sub, mul, div, mod, concat /* || */ };

enum class compare_op : uint8_t { eq, ne, lt, le, gt, ge };

// One expression node. Which fields are meaningful depends on `kind` (see
// expr_kind); the rest stay default. A flat node (instead of a variant per
// kind) keeps the binder and the tree printers short.
struct expr {
    expr_kind kind = expr_kind::literal;
    source_pos pos;

    // literal: the value and its SQL type. Integer literals are INTEGER when
    // they fit 32 bits, else BIGINT; 1.5 is DECIMAL(2,1) and 1.5E3 DOUBLE
    // (ksqlDB's literal typing); 'text' is STRING; TRUE/FALSE BOOLEAN.
    value lit;
    sql_type lit_type;
    bool lit_is_null = false;

    // column / pseudo_column / deref (field name) / call (function name)
    std::string qualifier;  // source name or alias; empty when unqualified
    std::string name;
    pseudo_column pseudo = pseudo_column::rowtime;

    unary_op unary = unary_op::minus;
    binary_op binary = binary_op::add;
    compare_op compare = compare_op::eq;
    bool negated = false;    // IS NOT NULL, NOT LIKE, NOT IN, NOT BETWEEN
    bool call_star = false;  // f(*)

    std::vector<expr_ptr> args;

    // case_when: CASE [case_operand] WHEN when_conditions[i] THEN
    // when_results[i] ... [ELSE case_else] END. With an operand (simple
    // CASE) the conditions are values compared with `=` to the operand.
    expr_ptr case_operand;  // null: searched CASE
    std::vector<expr_ptr> when_conditions;
    std::vector<expr_ptr> when_results;
    expr_ptr case_else;  // null: ELSE NULL

    sql_type cast_type;  // cast

    // struct_ctor: one per args[i]; lambda: the parameters. Case-normalized.
    std::vector<std::string> field_names;
};

// The expression back as SQL text (canonical spelling: upper-case keywords,
// identifiers backticked when they need it). Used for default messages and
// EXPLAIN; defined in ast_print.cc.
std::string to_sql(const expr& e);
// An identifier as ksqlDB would print it: bare when it is upper-case and
// a valid unquoted identifier, else in backticks.
std::string quote_identifier(const std::string& name);

// ---- WITH (...) properties ------------------------------------------------

// One `NAME = literal`. Names are upper-cased (property names are
// case-insensitive); values keep their literal type: STRING for 'x',
// INTEGER/BIGINT/DECIMAL/DOUBLE for numbers, BOOLEAN for TRUE/FALSE.
struct property {
    std::string name;
    value val;
    sql_type type;
    source_pos pos;  // of the name
};

struct properties {
    std::vector<property> items;  // in statement order; duplicate names are a parse error

    const property* find(std::string_view upper_name) const {
        for (const auto& p : items) {
            if (p.name == upper_name) {
                return &p;
            }
        }
        return nullptr;
    }
    bool empty() const { return items.empty(); }
};

// ---- SELECT ----------------------------------------------------------------

struct select_item {
    bool star = false;                 // `*` or `qualifier.*`
    std::string qualifier;             // star only: `c.*` -> "C"; empty for `*`
    expr_ptr expression;               // not star
    std::optional<std::string> alias;  // AS name (AS is optional in ksqlDB)
    source_pos pos;
};

struct source_ref {
    std::string name;                  // the stream/table name
    std::optional<std::string> alias;  // FROM clicks c / FROM clicks AS c
    source_pos pos;
    // The name expressions use to qualify this source: the alias if any,
    // else the source name.
    const std::string& effective_name() const { return alias ? *alias : name; }
};

enum class join_type : uint8_t { left, inner, full, right };

struct join_clause {
    join_type type = join_type::inner;
    source_ref source;
    expr_ptr on;
    // WITHIN n unit | WITHIN (before, after) [GRACE PERIOD n unit]
    // (stream-stream joins), in ms.
    bool has_within = false;
    int64_t within_before_ms = 0;
    int64_t within_after_ms = 0;
    std::optional<int64_t> grace_ms;
    source_pos pos;  // of the JOIN keyword
};

// WINDOW TUMBLING (SIZE n unit [, RETENTION n unit] [, GRACE PERIOD n unit])
// | HOPPING (SIZE ..., ADVANCE BY ... [, RETENTION ...] [, GRACE PERIOD ...])
// | SESSION (n unit [, RETENTION ...] [, GRACE PERIOD ...]); durations in ms.
enum class window_kind : uint8_t { tumbling, hopping, session };

struct window_spec {
    window_kind kind = window_kind::tumbling;
    int64_t size_ms = 0;     // SESSION: the inactivity gap
    int64_t advance_ms = 0;  // HOPPING only
    std::optional<int64_t> retention_ms;
    std::optional<int64_t> grace_ms;
    source_pos pos;  // of the window kind
};

struct select_stmt {
    std::vector<select_item> items;
    source_ref from;
    std::vector<join_clause> joins;
    expr_ptr where;                      // null: none
    std::vector<expr_ptr> partition_by;  // empty: none
    std::vector<expr_ptr> group_by;      // parsed so the planner can say "not supported"
    bool has_window = false;             // WINDOW ... (window below)
    std::optional<window_spec> window;
    expr_ptr having;
    bool emit_changes = false;  // EMIT CHANGES present
    bool emit_final = false;    // EMIT FINAL present
    std::optional<int64_t> limit;
    source_pos pos;  // of SELECT
};

// ---- statements ------------------------------------------------------------

struct table_element {
    column_def column;         // name normalized; origin from KEY/PRIMARY KEY/HEADERS/HEADER('k')
    bool primary_key = false;  // spelled PRIMARY KEY (tables) rather than KEY (streams)
    source_pos pos;
};

// CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name (elements) WITH (...)
struct create_source_stmt {
    source_kind kind = source_kind::stream;
    bool or_replace = false;
    bool is_source = false;
    bool if_not_exists = false;
    std::string name;
    source_pos name_pos;
    std::vector<table_element> elements;  // may be empty (schema inference is not supported)
    properties with;
};

// CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (...)] AS SELECT ...
struct create_as_select_stmt {
    source_kind kind = source_kind::stream;
    bool or_replace = false;
    bool if_not_exists = false;
    std::string name;
    source_pos name_pos;
    properties with;
    select_stmt select;
};

// INSERT INTO target [WITH (...)] SELECT ...
struct insert_select_stmt {
    std::string target;
    source_pos target_pos;
    properties with;  // e.g. QUERY_ID
    select_stmt select;
};

// INSERT INTO target [(col, ...)] VALUES (expr, ...)
struct insert_values_stmt {
    std::string target;
    source_pos target_pos;
    std::vector<std::string> columns;  // empty: all columns in schema order
    std::vector<source_pos> column_pos;
    std::vector<expr_ptr> values;
};

// DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]
struct drop_stmt {
    source_kind kind = source_kind::stream;
    bool if_exists = false;
    std::string name;
    source_pos name_pos;
    bool delete_topic = false;
};

enum class show_what : uint8_t {
    streams,
    tables,
    queries,
    topics,
    functions,
    properties,
    variables,
};

// SHOW|LIST STREAMS|TABLES|QUERIES|TOPICS|FUNCTIONS|PROPERTIES|VARIABLES [EXTENDED]
struct show_stmt {
    show_what what = show_what::streams;
    bool extended = false;
};

// DESCRIBE [EXTENDED] name | DESCRIBE FUNCTION name | DESCRIBE STREAMS|TABLES [EXTENDED]
struct describe_stmt {
    std::string name;  // empty for DESCRIBE STREAMS/TABLES
    source_pos name_pos;
    bool extended = false;
    bool function = false;                // DESCRIBE FUNCTION name
    std::optional<source_kind> all_kind;  // DESCRIBE STREAMS / DESCRIBE TABLES
};

// EXPLAIN query_id | EXPLAIN CREATE STREAM ... AS SELECT | EXPLAIN INSERT
// INTO ... SELECT (planned, not run)
struct explain_stmt {
    std::string query_id;  // as written (ksqlDB query ids are case-insensitive: upper-cased)
    source_pos id_pos;
    // Set instead of query_id when a statement is explained.
    std::shared_ptr<const create_as_select_stmt> create_as_select;
    std::shared_ptr<const insert_select_stmt> insert_select;
};

// TERMINATE query_id | TERMINATE ALL
struct terminate_stmt {
    std::string query_id;  // upper-cased; empty when all
    bool all = false;
    source_pos id_pos;
};

// SET 'name' = 'value' / UNSET 'name' (CLI session properties)
struct set_stmt {
    std::string name;
    std::string value;
};
struct unset_stmt {
    std::string name;
};

// A bare SELECT (transient push query). Parsed; the engine may reject it.
struct query_stmt {
    select_stmt select;
};

// PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]: the topic's
// records as text (engine::run_print). The name keeps its case, quoted or not.
struct print_stmt {
    std::string topic;
    source_pos topic_pos;
    bool from_beginning = false;
    int64_t interval = 1;  // every interval-th record is printed
    std::optional<int64_t> limit;
};

// DEFINE name = 'value' / UNDEFINE name (session variables, variables.h).
struct define_stmt {
    std::string name;  // as written
    std::string value;
};
struct undefine_stmt {
    std::string name;
};

// ALTER STREAM|TABLE name ADD [COLUMN] col type [, ADD [COLUMN] col type ...]
struct alter_source_stmt {
    source_kind kind = source_kind::stream;
    std::string name;
    source_pos name_pos;
    std::vector<table_element> columns;  // value columns to add, in order
};

// RUN SCRIPT 'path'
struct run_script_stmt {
    std::string path;
};

using statement_body =
    std::variant<create_source_stmt, create_as_select_stmt, insert_select_stmt, insert_values_stmt,
                 drop_stmt, show_stmt, describe_stmt, explain_stmt, terminate_stmt, set_stmt,
                 unset_stmt, query_stmt, print_stmt, define_stmt, undefine_stmt, alter_source_stmt,
                 run_script_stmt>;

// A ${name} reference outside quotes, where the parser met it: in place of
// an identifier, or of a literal (variables.h substitutes them).
struct variable_use {
    std::string name;         // as written
    bool identifier = false;  // else a literal
    size_t offset = 0;        // of the '$' in statement::text
    source_pos pos;           // in the script
};

struct statement {
    statement_body body;
    std::string text;  // the statement's original text, trimmed, without the trailing ';'
    source_pos pos;    // where `text` starts in the script
    // ${name} references outside quotes; the body holds placeholders for
    // them until the statement is substituted (variables.h).
    std::vector<variable_use> variables;
};

}  // namespace cs::streams::ast
