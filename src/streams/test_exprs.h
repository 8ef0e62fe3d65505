#pragma once

// Test-only row_expr implementations for building query plans by hand (the
// planner compiles real SQL; these let the runtime be tested on its own).

#include <functional>
#include <string>
#include <utility>

#include "streams/query_plan.h"

namespace cs::streams::test {

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

}  // namespace cs::streams::test
