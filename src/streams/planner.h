#pragma once

// Turns a SELECT of a persistent query into a query_plan: resolves the
// sources against the catalog, builds the joined row (stream columns, then
// each joined table's columns in join order), binds WHERE, projections and
// PARTITION BY, derives the sink's schema and topic settings.
//
// ksqlDB rules followed:
// - SELECT * over one source lists its columns (key columns first); with
//   PARTITION BY the old key columns come after the value columns (they
//   move into the value, at its end); over a join every column is named
//   <ALIAS>_<COLUMN> (alias or source name).
// - An expression without AS gets KSQL_COL_<n> (n = position among the
//   unnamed ones); a bare column keeps its name; `a->b` is named B.
// - A stream-table join must compare an expression of the left side with
//   the table's PRIMARY KEY column (=); anything else is an error naming
//   the key column.
// - Without PARTITION BY the sink's key is the stream's key column if it is
//   projected (as a key column), else there is no key. PARTITION BY x makes
//   x the key column (named after x, or KSQL_COL_n for an expression);
//   PARTITION BY a, b (ksqlDB 0.24+) makes one key column per expression,
//   in that order, each of which must be in the SELECT list. Key columns
//   are not in the record value (copy one there with AS_VALUE(x)). More
//   than one key column needs KEY_FORMAT 'JSON' (the key is a JSON object
//   of the key columns) or 'DELIMITED': with KAFKA it is an error.
// - GROUP BY (CREATE TABLE AS SELECT over a STREAM only): the GROUP BY
//   expressions become the key columns (each must be selected), other
//   columns must be inside aggregate functions; projections and HAVING are
//   bound over the aggregate row (query_plan.h, planner_aggregate.h);
//   WINDOW TUMBLING/HOPPING adds WINDOWSTART/WINDOWEND.
// - Sink formats, PARTITIONS, REPLICAS default to the stream's; the topic to
//   the sink name; the DLQ topic to "<sink topic>-dlq" (WITH DLQ_TOPIC='t'
//   overrides: a clickstream extension).

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/ast.h"
#include "streams/query_plan.h"

namespace cs::streams {

// Read access to the sources known to the engine.
class catalog_view {
  public:
    virtual ~catalog_view() = default;
    virtual const source_def* find(std::string_view name) const = 0;
    virtual std::vector<std::string> names() const = 0;
};

// A catalog held in a map: for planning statements without an engine
// (tests, benchmarks, tools).
class map_catalog : public catalog_view {
  public:
    const source_def* find(std::string_view name) const override {
        auto it = defs.find(std::string(name));
        return it == defs.end() ? nullptr : &it->second;
    }
    std::vector<std::string> names() const override {
        std::vector<std::string> out;
        for (const auto& [n, d] : defs) {
            out.push_back(n);
        }
        return out;
    }
    std::map<std::string, source_def> defs;
};

// Applies WITH properties (KAFKA_TOPIC, VALUE_FORMAT, KEY_FORMAT, FORMAT,
// PARTITIONS, REPLICAS, TIMESTAMP, TIMESTAMP_FORMAT, VALUE_DELIMITER,
// WRAP_SINGLE_VALUE) to `def`. Unknown properties are an error ("did you
// mean"); AVRO / PROTOBUF / JSON_SR are errc::unsupported ("not supported
// yet"). `extra_allowed` names additional accepted properties (e.g.
// DLQ_TOPIC, QUERY_ID) that are left for the caller.
status apply_with_properties(const ast::properties& with, source_def& def,
                             const ast::statement& stmt,
                             std::span<const std::string_view> extra_allowed = {});

// WRAP_SINGLE_VALUE in `with` needs exactly one value column in `def` (as in
// ksqlDB: "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas").
status check_wrap_single_value(const ast::properties& with, const source_def& def,
                               const ast::statement& stmt);

// Builds a source_def from CREATE STREAM/TABLE (columns, key rules, WITH).
// Checks: tables need exactly one PRIMARY KEY, streams use KEY; no duplicate
// columns; KAFKA_TOPIC and a value format are present; TIMESTAMP names a
// BIGINT/TIMESTAMP column (STRING with TIMESTAMP_FORMAT); the formats can
// hold the columns (validate_formats: KAFKA holds one column, ...).
result<source_def> make_source_def(const ast::create_source_stmt& create,
                                   const ast::statement& stmt);

// CREATE STREAM ... AS SELECT. `stmt` holds `create` (for its text and
// positions). The plan's id is left empty for the engine to assign.
result<query_plan> plan_create_as_select(const ast::create_as_select_stmt& create,
                                         const ast::statement& stmt, const catalog_view& catalog);

// INSERT INTO target SELECT ...: the projections must match the target's
// columns (names, order and types; key columns included).
result<query_plan> plan_insert_select(const ast::insert_select_stmt& insert,
                                      const ast::statement& stmt, const catalog_view& catalog);

// A bare SELECT (a transient push or pull query): planned as a query over
// its source as it is (a STREAM read as a stream, a TABLE as a changelog),
// LIMIT allowed, the PRIMARY KEY need not be selected. With GROUP BY the
// result is a TABLE whose columns are the SELECT list in its order (the
// GROUP BY expressions need not be selected, none is a key column), as
// ksqlDB's transient aggregations; a push query calling an aggregate
// without GROUP BY is one group (ksqlDB's implicit GROUP BY). The sink (no topic) only describes
// the result's columns: key columns first, then values.
result<query_plan> plan_transient(const ast::select_stmt& select, const ast::statement& stmt,
                                  const catalog_view& catalog);

// The lower level both use: plans `select` writing a sink whose schema the
// planner derives; `sink` carries name/kind/topic/format settings already
// applied (columns are filled in here).
result<query_plan> plan_select(const ast::select_stmt& select, const ast::statement& stmt,
                               const catalog_view& catalog, source_def sink);

}  // namespace cs::streams
