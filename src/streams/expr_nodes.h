#pragma once

// The compiled expression nodes the binder builds (row_expr subclasses).
// Each node knows its SQL type and SQL text; evaluation reads columns by
// index from eval_context::joined. Internal to the streams module: build
// them through binder.h.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "streams/functions.h"
#include "streams/like_pattern.h"
#include "streams/operators.h"
#include "streams/query_plan.h"

namespace cs::streams::nodes {

// A child's value, borrowed when the child can lend it (row_expr::ref:
// column references, constants), else evaluated into `slot`. The pointer is
// valid while `slot`, the joined row and the child are.
inline result<const value*> borrow(const row_expr& e, const eval_context& ctx, value& slot) {
    if (const value* p = e.ref(ctx)) {
        return p;
    }
    auto r = e.eval(ctx);
    if (!r.ok()) {
        return r.take_error();
    }
    slot = std::move(r).value();
    return &slot;
}

// Common part: type and SQL text fixed at bind time.
class node_base : public row_expr {
  public:
    node_base(sql_type t, std::string sql) : type_(std::move(t)), sql_(std::move(sql)) {}
    const sql_type& type() const final { return type_; }
    std::string to_sql() const final { return sql_; }

  private:
    sql_type type_;
    std::string sql_;
};

class constant final : public node_base {
  public:
    constant(value v, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)), v_(std::move(v)) {}
    result<value> eval(const eval_context&) const override { return v_; }
    const value* ref(const eval_context&) const override { return &v_; }
    const value& get() const { return v_; }

  private:
    value v_;
};

class column_ref final : public node_base {
  public:
    column_ref(size_t index, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)), index_(index) {}
    result<value> eval(const eval_context& ctx) const override { return (*ctx.joined)[index_]; }
    const value* ref(const eval_context& ctx) const override { return &(*ctx.joined)[index_]; }
    size_t index() const { return index_; }

  private:
    size_t index_;
};

enum class pseudo { rowtime, rowpartition, rowoffset };

class pseudo_ref final : public node_base {
  public:
    pseudo_ref(pseudo p, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)), p_(p) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    pseudo p_;
};

class cast_node final : public node_base {
  public:
    cast_node(expr_ptr child, sql_type to, std::string sql)
        : node_base(std::move(to), std::move(sql)), child_(std::move(child)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr child_;
};

class arithmetic_node final : public node_base {
  public:
    arithmetic_node(arith_op op, expr_ptr l, expr_ptr r, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)), op_(op), l_(std::move(l)), r_(std::move(r)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    arith_op op_;
    expr_ptr l_, r_;
};

// -x: 0 - x in x's type.
class negate_node final : public node_base {
  public:
    negate_node(expr_ptr child, value zero, std::string sql);
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr child_;
    value zero_;
};

enum class logic { and_, or_ };

class logic_node final : public node_base {
  public:
    logic_node(logic op, expr_ptr l, expr_ptr r, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)),
          op_(op),
          l_(std::move(l)),
          r_(std::move(r)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    logic op_;
    expr_ptr l_, r_;
};

class not_node final : public node_base {
  public:
    not_node(expr_ptr child, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)), child_(std::move(child)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr child_;
};

enum class cmp { eq, ne, lt, le, gt, ge };

class compare_node final : public node_base {
  public:
    compare_node(cmp op, expr_ptr l, expr_ptr r, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)),
          op_(op),
          l_(std::move(l)),
          r_(std::move(r)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    cmp op_;
    expr_ptr l_, r_;
};

class is_null_node final : public node_base {
  public:
    is_null_node(expr_ptr child, bool negated, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)),
          child_(std::move(child)),
          negated_(negated) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr child_;
    bool negated_;
};

class like_node final : public node_base {
  public:
    // `fixed` is set when pattern and escape are constants (compiled once).
    like_node(expr_ptr subject, expr_ptr pattern, expr_ptr escape,
              std::optional<like_pattern> fixed, bool negated, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)),
          subject_(std::move(subject)),
          pattern_(std::move(pattern)),
          escape_(std::move(escape)),
          fixed_(std::move(fixed)),
          negated_(negated) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr subject_, pattern_, escape_;
    std::optional<like_pattern> fixed_;
    bool negated_;
};

class in_node final : public node_base {
  public:
    in_node(expr_ptr subject, std::vector<expr_ptr> list, bool negated, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)),
          subject_(std::move(subject)),
          list_(std::move(list)),
          negated_(negated) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr subject_;
    std::vector<expr_ptr> list_;
    bool negated_;
};

class between_node final : public node_base {
  public:
    between_node(expr_ptr subject, expr_ptr low, expr_ptr high, bool negated, std::string sql)
        : node_base(sql_type::boolean(), std::move(sql)),
          subject_(std::move(subject)),
          low_(std::move(low)),
          high_(std::move(high)),
          negated_(negated) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr subject_, low_, high_;
    bool negated_;
};

// Searched CASE; a simple CASE is bound to `operand = value` conditions.
class case_node final : public node_base {
  public:
    case_node(std::vector<expr_ptr> conditions, std::vector<expr_ptr> results, expr_ptr otherwise,
              sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)),
          conditions_(std::move(conditions)),
          results_(std::move(results)),
          else_(std::move(otherwise)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    std::vector<expr_ptr> conditions_, results_;
    expr_ptr else_;  // may be null: NULL
};

class call_node final : public node_base {
  public:
    call_node(std::unique_ptr<bound_function> fn, std::vector<expr_ptr> args, std::string sql)
        : node_base(fn->return_type(), std::move(sql)),
          fn_(std::move(fn)),
          args_(std::move(args)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    std::unique_ptr<bound_function> fn_;
    std::vector<expr_ptr> args_;
};

class deref_node final : public node_base {
  public:
    deref_node(expr_ptr child, size_t field, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)), child_(std::move(child)), field_(field) {}
    result<value> eval(const eval_context& ctx) const override;
    const value* ref(const eval_context& ctx) const override;

  private:
    expr_ptr child_;
    size_t field_;
};

class subscript_node final : public node_base {
  public:
    subscript_node(expr_ptr base, expr_ptr index, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)),
          base_(std::move(base)),
          index_(std::move(index)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    expr_ptr base_, index_;
};

// ARRAY[...], MAP(k := v, ...), STRUCT(f := v, ...): children already
// widened to the element / value / field types. MAP children alternate key,
// value; a NULL map key is an evaluation error (ksqlDB's maps have no NULL
// keys).
enum class ctor { array, map, structure };

class ctor_node final : public node_base {
  public:
    ctor_node(ctor kind, std::vector<expr_ptr> children, sql_type t, std::string sql)
        : node_base(std::move(t), std::move(sql)), kind_(kind), children_(std::move(children)) {}
    result<value> eval(const eval_context& ctx) const override;

  private:
    ctor kind_;
    std::vector<expr_ptr> children_;
};

}  // namespace cs::streams::nodes
