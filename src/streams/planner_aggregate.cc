// GROUP BY planning helpers (see planner_aggregate.h).

#include "streams/planner_aggregate.h"

#include <algorithm>

#include "streams/expr_nodes.h"

namespace cs::streams {

std::string group_column_name(size_t i) {
    return "KSQL_INTERNAL_COL_" + std::to_string(i);
}

std::string aggregate_column_name(size_t j) {
    return "KSQL_AGG_VARIABLE_" + std::to_string(j);
}

ast::expr_ptr column_node(std::string name, ast::source_pos pos) {
    auto c = std::make_shared<ast::expr>();
    c->kind = ast::expr_kind::column;
    c->name = std::move(name);
    c->pos = pos;
    return c;
}

ast::expr_ptr aggregate_rewriter::rewrite(const ast::expr_ptr& e) {
    if (e == nullptr) {
        return e;
    }
    if (e->kind == ast::expr_kind::call) {
        if (auto kind = aggregate_kind(e->name)) {
            if (e->call_star && *kind != agg_kind::count) {
                fail(e->pos, e->name + "(*) is not a function: only COUNT takes *");
            }
            aggregate_call call;
            std::vector<sql_type> types;
            std::vector<int64_t> literals;
            if (e->call_star || (*kind == agg_kind::count && e->args.empty())) {
                kind = agg_kind::count_star;  // ksqlDB's COUNT() counts rows as COUNT(*)
            } else {
                call.arg = bind_arguments(*e, *kind, types, literals);
            }
            auto fn = resolve_aggregate(*kind, types, literals);
            if (!fn) {
                fail(e->pos, fn.err().message);
            }
            call.fn = std::move(*fn);
            call.sql = ast::to_sql(*e);
            calls.push_back(std::move(call));
            return column_node(aggregate_column_name(calls.size() - 1), e->pos);
        }
    }
    if (auto g = group_index(*e)) {
        return column_node(group_column_name(*g), e->pos);
    }
    if (windowed && is_window_bound(*e)) {
        return e;
    }
    if (e->kind == ast::expr_kind::column && e->qualifier.empty() &&
        std::find(lambda_params.begin(), lambda_params.end(), e->name) != lambda_params.end()) {
        return e;  // a lambda's parameter, no column
    }
    if (e->kind == ast::expr_kind::column || e->kind == ast::expr_kind::pseudo_column) {
        unmatched.push_back(ast::to_sql(*e));
        return e;
    }
    const size_t outer_params = lambda_params.size();
    if (e->kind == ast::expr_kind::lambda) {
        lambda_params.insert(lambda_params.end(), e->field_names.begin(), e->field_names.end());
    }
    auto copy = with_children(*e, [this](const ast::expr_ptr& x) { return rewrite(x); });
    lambda_params.resize(outer_params);
    return copy;
}

expr_ptr aggregate_rewriter::bind_arguments(const ast::expr& e, agg_kind kind,
                                            std::vector<sql_type>& types,
                                            std::vector<int64_t>& literals) {
    // TOPK(x, other, ..., k): every argument but k is a column.
    const size_t columns = kind == agg_kind::topk && e.args.size() > 2
                               ? e.args.size() - 1
                               : aggregate_column_args(kind);
    const size_t wanted = columns + aggregate_literal_args(kind);
    if (e.args.size() != wanted) {
        fail(e.pos, e.name + " takes " +
                        (wanted == 1 ? "one argument" : std::to_string(wanted) + " arguments") +
                        ", got " + std::to_string(e.args.size()));
    }
    std::vector<expr_ptr> bound;
    for (size_t i = 0; i < columns; ++i) {
        if (calls_aggregate(*e.args[i])) {
            fail(e.pos, "aggregate functions can't be nested: " + ast::to_sql(e));
        }
        bound.push_back(bind_source(*e.args[i]));
        types.push_back(bound.back()->type());
    }
    for (size_t i = columns; i < wanted; ++i) {
        const ast::expr& lit = *e.args[i];
        if (lit.kind != ast::expr_kind::literal || lit.lit_is_null ||
            (lit.lit_type.kind != type_kind::integer && lit.lit_type.kind != type_kind::bigint)) {
            fail(lit.pos, e.name + "'s k must be an INTEGER literal, got " + ast::to_sql(lit));
        }
        literals.push_back(lit.lit_type.kind == type_kind::integer ? lit.lit.as_int()
                                                                   : lit.lit.as_bigint());
    }
    if (bound.size() == 1) {
        return bound[0];
    }
    // CORRELATION(x, y), TOPK(x, other, ..., k): one STRUCT argument of the
    // columns (aggregate.h).
    std::vector<std::string> names;
    for (size_t i = 0; i < bound.size(); ++i) {
        if (kind == agg_kind::correlation) {
            names.emplace_back(i == 0 ? "X" : "Y");
        } else {
            names.push_back(i == 0 ? "sort_col" : "col" + std::to_string(i - 1));
        }
    }
    return std::make_shared<nodes::ctor_node>(nodes::ctor::structure, std::move(bound),
                                              sql_type::struct_(names, types), ast::to_sql(e));
}

bool is_window_bound(const ast::expr& e) {
    return e.kind == ast::expr_kind::column && e.qualifier.empty() &&
           (e.name == "WINDOWSTART" || e.name == "WINDOWEND");
}

bind_scope aggregate_scope(const std::vector<sql_type>& group_types,
                           const std::vector<aggregate_call>& calls, bool windowed) {
    bind_scope s;
    size_t index = 0;
    for (size_t i = 0; i < group_types.size(); ++i) {
        s.columns.push_back({"", group_column_name(i), group_types[i], index++});
    }
    for (size_t j = 0; j < calls.size(); ++j) {
        s.columns.push_back({"", aggregate_column_name(j), calls[j].fn.result_type, index++});
    }
    if (windowed) {
        s.columns.push_back({"", "WINDOWSTART", sql_type::bigint(), index++});
        s.columns.push_back({"", "WINDOWEND", sql_type::bigint(), index++});
    }
    return s;
}

bool calls_aggregate(const ast::expr& e) {
    if (e.kind == ast::expr_kind::call && aggregate_kind(e.name)) {
        return true;
    }
    auto any = [](const ast::expr_ptr& x) { return x != nullptr && calls_aggregate(*x); };
    for (const auto& a : e.args) {
        if (any(a)) {
            return true;
        }
    }
    for (const auto& w : e.when_conditions) {
        if (any(w)) {
            return true;
        }
    }
    for (const auto& w : e.when_results) {
        if (any(w)) {
            return true;
        }
    }
    return any(e.case_operand) || any(e.case_else);
}

std::string table_aggregation_refusal(const std::vector<aggregate_call>& calls) {
    std::vector<std::string> names;
    for (const auto& c : calls) {
        std::string name = aggregate_name(c.fn.kind);
        if (!aggregate_undoable(c.fn.kind) &&
            std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(std::move(name));
        }
    }
    if (names.empty()) {
        return {};
    }
    return std::string("The aggregation function") + (names.size() == 1 ? "" : "s") + " " +
           join_and(names) + " cannot be applied to a table source, only to a stream source.";
}

std::string join_and(const std::vector<std::string>& items) {
    std::string s;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            s += i + 1 == items.size() ? " and " : ", ";
        }
        s += items[i];
    }
    return s;
}

}  // namespace cs::streams
