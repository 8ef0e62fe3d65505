#pragma once

// Test-only row_expr implementations and small plans for building query
// plans by hand (the planner compiles real SQL; these let the runtime be
// tested on its own).

#include <functional>
#include <string>
#include <utility>

#include "streams/query_plan.h"

namespace cs::streams::test {

// A column of a source or sink definition.
inline column_def column(std::string name, sql_type t, column_origin o = column_origin::value) {
    return column_def{.name = std::move(name),
                      .type = std::move(t),
                      .origin = o,
                      .header_key = {},
                      .not_null = false};
}

// A column of the joined row.
class column_ref final : public row_expr {
  public:
    column_ref(size_t index, sql_type t, std::string name)
        : index_(index), type_(std::move(t)), name_(std::move(name)) {}
    result<value> eval(const eval_context& ctx) const override { return (*ctx.joined)[index_]; }
    const sql_type& type() const override { return type_; }
    std::string to_sql() const override { return name_; }

  private:
    size_t index_;
    sql_type type_;
    std::string name_;
};

// Any function of the context (comparisons, failing expressions).
class lambda_expr final : public row_expr {
  public:
    using fn = std::function<result<value>(const eval_context&)>;
    lambda_expr(fn f, sql_type t, std::string sql)
        : f_(std::move(f)), type_(std::move(t)), sql_(std::move(sql)) {}
    result<value> eval(const eval_context& ctx) const override { return f_(ctx); }
    const sql_type& type() const override { return type_; }
    std::string to_sql() const override { return sql_; }

  private:
    fn f_;
    sql_type type_;
    std::string sql_;
};

inline expr_ptr col(size_t index, sql_type t, std::string name) {
    return std::make_shared<column_ref>(index, std::move(t), std::move(name));
}

// STREAM KEYED (K VARCHAR KEY, NAME VARCHAR, TS BIGINT) on topic clicks.
inline source_def keyed_def() {
    source_def d;
    d.name = "KEYED";
    d.topic = "clicks";
    d.columns = {column("K", sql_type::string(), column_origin::key),
                 column("NAME", sql_type::string()), column("TS", sql_type::bigint())};
    return d;
}

// SELECT <key> AS KEY (key column), NAME FROM keyed [PARTITION BY <key>] into `sink`.
inline query_plan keyed_plan(std::string sink, expr_ptr key, bool key_only) {
    query_plan p;
    p.id = "CSAS_" + sink;
    p.source = keyed_def();
    p.joined_width = 3;
    p.projections = {{.name = "KEY", .expr = std::move(key), .is_key = true, .key_only = key_only},
                     {.name = "NAME", .expr = col(1, sql_type::string(), "NAME")}};
    p.sink.name = sink;
    p.sink.topic = sink;
    p.sink.columns = {column("KEY", sql_type::string(), column_origin::key),
                      column("NAME", sql_type::string())};
    return p;
}

}  // namespace cs::streams::test
