#include "streams/binder.h"

#include <algorithm>
#include <cctype>

#include "base/ascii.h"
#include "streams/cast.h"
#include "streams/expr_nodes.h"
#include "streams/flat_map.h"
#include "streams/functions.h"
#include "streams/iso_timestamp.h"
#include "streams/lambda_functions.h"
#include "streams/operators.h"
#include "streams/sql_error.h"

namespace cs::streams {

void bind_scope::add_source(const source_def& def, const std::string& qualifier,
                            size_t first_index) {
    sources.push_back(qualifier);
    for (size_t i = 0; i < def.columns.size(); ++i) {
        columns.push_back({qualifier, def.columns[i].name, def.columns[i].type, first_index + i});
    }
}

expr_ptr make_constant(value v, sql_type type) {
    std::string sql = v.is_null() ? "NULL" : "<constant>";
    return std::make_shared<nodes::constant>(std::move(v), std::move(type), std::move(sql));
}

void mark_read(std::vector<bool>& reads, size_t index) {
    if (reads.size() <= index) {
        reads.resize(index + 1);
    }
    reads[index] = true;
}

namespace {

struct bind_failure {
    error err;
};

bool is_null_constant(const expr_ptr& e) {
    const auto* c = dynamic_cast<const nodes::constant*>(e.get());
    return c != nullptr && c->get().is_null();
}
bool is_constant(const expr_ptr& e) {
    return dynamic_cast<const nodes::constant*>(e.get()) != nullptr;
}

// A NULL literal has no type of its own; it takes the type its context
// needs (the other operand, the CASE result type, the cast target).
expr_ptr retype_null(const expr_ptr& e, const sql_type& t) {
    if (is_null_constant(e) && !(e->type() == t)) {
        return std::make_shared<nodes::constant>(value(), t, e->to_sql());
    }
    return e;
}

const std::vector<std::string>& nondeterministic_functions() {
    static const std::vector<std::string> names = {"UUID",      "RANDOM", "UNIX_TIMESTAMP",
                                                   "UNIX_DATE", "NOW",    "CURRENT_TIMESTAMP"};
    return names;
}

class binder {
  public:
    binder(const bind_scope& scope, const error_source& src) : scope_(scope), src_(src) {}

    expr_ptr bind(const ast::expr& e) {
        switch (e.kind) {
            case ast::expr_kind::literal:
                if (e.lit_is_null) {
                    return std::make_shared<nodes::constant>(value(), sql_type::string(), "NULL");
                }
                return std::make_shared<nodes::constant>(e.lit, e.lit_type, ast::to_sql(e));
            case ast::expr_kind::column:
                return column(e);
            case ast::expr_kind::pseudo_column:
                return pseudo(e);
            case ast::expr_kind::unary:
                return unary(e);
            case ast::expr_kind::binary:
                return binary(e);
            case ast::expr_kind::logical_and:
            case ast::expr_kind::logical_or: {
                auto l = boolean_operand(*e.args[0],
                                         e.kind == ast::expr_kind::logical_and ? "AND" : "OR");
                auto r = boolean_operand(*e.args[1],
                                         e.kind == ast::expr_kind::logical_and ? "AND" : "OR");
                bool c = is_constant(l) && is_constant(r);
                return fold(std::make_shared<nodes::logic_node>(
                                e.kind == ast::expr_kind::logical_and ? nodes::logic::and_
                                                                      : nodes::logic::or_,
                                l, r, ast::to_sql(e)),
                            c);
            }
            case ast::expr_kind::logical_not: {
                auto c = boolean_operand(*e.args[0], "NOT");
                bool k = is_constant(c);
                return fold(std::make_shared<nodes::not_node>(c, ast::to_sql(e)), k);
            }
            case ast::expr_kind::comparison:
                return comparison(e);
            case ast::expr_kind::is_null: {
                auto c = bind(*e.args[0]);
                bool k = is_constant(c);
                return fold(std::make_shared<nodes::is_null_node>(c, e.negated, ast::to_sql(e)), k);
            }
            case ast::expr_kind::like:
                return like(e);
            case ast::expr_kind::in_list:
                return in_list(e);
            case ast::expr_kind::between:
                return between(e);
            case ast::expr_kind::case_when:
                return case_when(e);
            case ast::expr_kind::cast:
                return cast(e);
            case ast::expr_kind::call:
                return call(e);
            case ast::expr_kind::deref:
                return deref(e);
            case ast::expr_kind::subscript:
                return subscript(e);
            case ast::expr_kind::array_ctor:
            case ast::expr_kind::map_ctor:
            case ast::expr_kind::struct_ctor:
                return constructor(e);
            case ast::expr_kind::lambda:
                fail(e.pos, "a lambda (" + ast::to_sql(e) +
                                ") is only allowed as an argument of TRANSFORM, FILTER or REDUCE");
        }
        fail(e.pos, "unsupported expression");
    }

  private:
    [[noreturn]] void fail(ast::source_pos pos, const std::string& msg,
                           errc code = errc::invalid_argument) const {
        std::string text =
            src_.text.empty()
                ? "line " + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + msg
                : format_sql_error(src_.text, pos, msg, src_.text_start);
        throw bind_failure{error{code, std::move(text)}};
    }

    // Replaces a node whose inputs are all constants by its value (when
    // evaluation succeeds; a failing constant expression is left to fail
    // per record, as ksqlDB does).
    expr_ptr fold(expr_ptr node, bool all_constant) const {
        if (!all_constant || is_constant(node)) {
            return node;
        }
        eval_context ctx;
        auto v = node->eval(ctx);
        if (!v.ok()) {
            return node;
        }
        return std::make_shared<nodes::constant>(std::move(v).value(), node->type(),
                                                 node->to_sql());
    }

    static std::string type_name(const expr_ptr& e) {
        return is_null_constant(e) ? "NULL" : e->type().to_string();
    }

    expr_ptr boolean_operand(const ast::expr& a, const char* op) {
        auto b = bind(a);
        if (is_null_constant(b)) {
            return retype_null(b, sql_type::boolean());
        }
        if (b->type().kind != type_kind::boolean) {
            fail(a.pos, std::string("operand of ") + op + " must be BOOLEAN, got " +
                            b->type().to_string() + ": " + ast::to_sql(a));
        }
        return b;
    }

    expr_ptr column(const ast::expr& e) {
        // A lambda parameter shadows a column of its name (ksqlDB's AstBuilder
        // makes such an unqualified reference a LambdaVariable).
        if (e.qualifier.empty()) {
            for (auto s = lambdas_.rbegin(); s != lambdas_.rend(); ++s) {
                for (size_t i = 0; i < s->names.size(); ++i) {
                    if (s->names[i] == e.name) {
                        return make_lambda_variable(s->first_slot + i, s->types[i], ast::to_sql(e));
                    }
                }
            }
        }
        std::vector<const scope_column*> found;
        if (!e.qualifier.empty()) {
            if (std::find(scope_.sources.begin(), scope_.sources.end(), e.qualifier) ==
                scope_.sources.end()) {
                fail(e.pos,
                     "unknown source '" + e.qualifier + "' in " + ast::to_sql(e) +
                         did_you_mean(e.qualifier, scope_.sources),
                     errc::not_found);
            }
        }
        for (const auto& c : scope_.columns) {
            if (c.name == e.name && (e.qualifier.empty() || c.source == e.qualifier)) {
                found.push_back(&c);
            }
        }
        if (found.empty()) {
            std::vector<std::string> names;
            for (const auto& c : scope_.columns) {
                if (e.qualifier.empty() || c.source == e.qualifier) {
                    names.push_back(c.name);
                }
            }
            std::string hint = closest_match(e.name, names);
            std::string msg = "unknown column " + ast::to_sql(e);
            if (!hint.empty()) {
                msg += ", did you mean " + ast::quote_identifier(hint) + "?";
                if (hint != e.name && ascii_iequals(hint, e.name)) {
                    msg += " (unquoted identifiers are upper-cased; use backticks to keep case)";
                }
            }
            fail(e.pos, msg, errc::not_found);
        }
        if (found.size() > 1) {
            std::string cands;
            for (const auto* c : found) {
                cands += (cands.empty() ? "" : ", ") + ast::quote_identifier(c->source) + "." +
                         ast::quote_identifier(c->name);
            }
            fail(e.pos, "column " + ast::quote_identifier(e.name) + " is ambiguous: it could be " +
                            cands + "; qualify it");
        }
        if (scope_.reads != nullptr) {
            mark_read(*scope_.reads, found[0]->index);
        }
        return std::make_shared<nodes::column_ref>(found[0]->index, found[0]->type, ast::to_sql(e));
    }

    expr_ptr pseudo(const ast::expr& e) {
        if (!e.qualifier.empty() && std::find(scope_.sources.begin(), scope_.sources.end(),
                                              e.qualifier) == scope_.sources.end()) {
            fail(e.pos,
                 "unknown source '" + e.qualifier + "'" + did_you_mean(e.qualifier, scope_.sources),
                 errc::not_found);
        }
        nodes::pseudo p = nodes::pseudo::rowtime;
        sql_type t = sql_type::bigint();
        if (e.pseudo == ast::pseudo_column::rowpartition) {
            p = nodes::pseudo::rowpartition;
            t = sql_type::integer();
        } else if (e.pseudo == ast::pseudo_column::rowoffset) {
            p = nodes::pseudo::rowoffset;
        }
        return std::make_shared<nodes::pseudo_ref>(p, t, ast::to_sql(e));
    }

    expr_ptr unary(const ast::expr& e) {
        auto c = bind(*e.args[0]);
        if (is_null_constant(c)) {
            return c;
        }
        const sql_type& t = c->type();
        if (!t.is_numeric()) {
            fail(e.pos, std::string("unary ") + (e.unary == ast::unary_op::minus ? "-" : "+") +
                            " needs a numeric operand, got " + t.to_string());
        }
        if (e.unary == ast::unary_op::plus) {
            return c;
        }
        value zero;
        switch (t.kind) {
            case type_kind::integer:
                zero = value(int32_t{0});
                break;
            case type_kind::bigint:
                zero = value(int64_t{0});
                break;
            case type_kind::double_:
                zero = value(0.0);
                break;
            default:
                zero = value(decimal_value{0, t.scale});
                break;
        }
        bool k = is_constant(c);
        return fold(std::make_shared<nodes::negate_node>(c, zero, ast::to_sql(e)), k);
    }

    expr_ptr binary(const ast::expr& e) {
        if (e.binary == ast::binary_op::concat) {
            return call_function(e, "CONCAT", {bind(*e.args[0]), bind(*e.args[1])});
        }
        auto l = bind(*e.args[0]);
        auto r = bind(*e.args[1]);
        if (is_null_constant(l)) {
            l = retype_null(l, r->type());
        }
        if (is_null_constant(r)) {
            r = retype_null(r, l->type());
        }
        arith_op op = arith_op::add;
        switch (e.binary) {
            case ast::binary_op::add:
                op = arith_op::add;
                break;
            case ast::binary_op::sub:
                op = arith_op::sub;
                break;
            case ast::binary_op::mul:
                op = arith_op::mul;
                break;
            case ast::binary_op::div:
                op = arith_op::div;
                break;
            default:
                op = arith_op::mod;
                break;
        }
        auto t = arithmetic_type(op, l->type(), r->type());
        if (!t.ok()) {
            fail(e.pos, t.err().message + ": " + ast::to_sql(e));
        }
        bool k = is_constant(l) && is_constant(r);
        return fold(std::make_shared<nodes::arithmetic_node>(op, l, r, *t, ast::to_sql(e)), k);
    }

    void check_comparable(ast::source_pos pos, const expr_ptr& a, const expr_ptr& b,
                          const std::string& what) {
        if (!comparable(a->type(), b->type())) {
            fail(pos, "cannot compare " + a->type().to_string() + " with " + b->type().to_string() +
                          ": " + what);
        }
    }

    // ksqlDB's StatementRewriteForMagicPseudoTimestamp: ROWTIME compared
    // with a string compares with the instant the string names
    // (`WHERE ROWTIME >= '2017-11-17T04:53:45'`). other: the operand bound
    // opposite `side`, returned as that instant when side is ROWTIME.
    expr_ptr rowtime_instant(const ast::expr& side, expr_ptr other, ast::source_pos pos) {
        if (side.kind != ast::expr_kind::pseudo_column ||
            side.pseudo != ast::pseudo_column::rowtime || other->type().kind != type_kind::string ||
            !is_constant(other)) {
            return other;
        }
        eval_context ctx;
        auto v = other->eval(ctx);
        if (!v.ok() || v->is_null()) {
            return other;
        }
        auto ms = parse_iso_timestamp(v->as_string());
        if (!ms) {
            fail(pos, "cannot read '" + v->as_string() + "' as a time to compare ROWTIME with (" +
                          ms.err().message + ")");
        }
        return make_constant(value(*ms), sql_type::bigint());
    }

    expr_ptr comparison(const ast::expr& e) {
        auto l = bind(*e.args[0]);
        auto r = bind(*e.args[1]);
        r = rowtime_instant(*e.args[0], r, e.args[1]->pos);
        l = rowtime_instant(*e.args[1], l, e.args[0]->pos);
        l = retype_null(l, r->type());
        r = retype_null(r, l->type());
        check_comparable(e.pos, l, r, ast::to_sql(e));
        nodes::cmp op = nodes::cmp::eq;
        switch (e.compare) {
            case ast::compare_op::eq:
                op = nodes::cmp::eq;
                break;
            case ast::compare_op::ne:
                op = nodes::cmp::ne;
                break;
            case ast::compare_op::lt:
                op = nodes::cmp::lt;
                break;
            case ast::compare_op::le:
                op = nodes::cmp::le;
                break;
            case ast::compare_op::gt:
                op = nodes::cmp::gt;
                break;
            case ast::compare_op::ge:
                op = nodes::cmp::ge;
                break;
        }
        bool k = is_constant(l) && is_constant(r);
        return fold(std::make_shared<nodes::compare_node>(op, l, r, ast::to_sql(e)), k);
    }

    expr_ptr string_operand(const ast::expr& a, const char* what) {
        auto b = retype_null(bind(a), sql_type::string());
        if (b->type().kind != type_kind::string) {
            fail(a.pos, std::string(what) + " must be STRING, got " + b->type().to_string() + ": " +
                            ast::to_sql(a));
        }
        return b;
    }

    expr_ptr like(const ast::expr& e) {
        auto s = string_operand(*e.args[0], "LIKE operand");
        auto p = string_operand(*e.args[1], "LIKE pattern");
        expr_ptr esc;
        if (e.args.size() > 2) {
            esc = string_operand(*e.args[2], "LIKE ESCAPE");
        }
        std::optional<like_pattern> fixed;
        if (is_constant(p) && !is_null_constant(p) && (!esc || is_constant(esc))) {
            std::optional<char> escape_char;
            bool usable = true;
            if (esc) {
                const value& ev = dynamic_cast<const nodes::constant&>(*esc).get();
                if (ev.is_null()) {
                    usable = false;
                } else if (ev.as_string().size() != 1) {
                    fail(e.args[2]->pos,
                         "LIKE ESCAPE must be a single character, got '" + ev.as_string() + "'");
                } else {
                    escape_char = ev.as_string()[0];
                }
            }
            if (usable) {
                const value& pv = dynamic_cast<const nodes::constant&>(*p).get();
                auto compiled = like_pattern::compile(pv.as_string(), escape_char);
                if (!compiled.ok()) {
                    fail(e.args[1]->pos, compiled.err().message);
                }
                fixed = std::move(compiled).value();
            }
        }
        bool k = is_constant(s) && is_constant(p) && (!esc || is_constant(esc));
        return fold(std::make_shared<nodes::like_node>(s, p, esc, std::move(fixed), e.negated,
                                                       ast::to_sql(e)),
                    k);
    }

    expr_ptr in_list(const ast::expr& e) {
        auto s = bind(*e.args[0]);
        std::vector<expr_ptr> items;
        bool k = is_constant(s);
        for (size_t i = 1; i < e.args.size(); ++i) {
            auto item = bind(*e.args[i]);
            if (is_null_constant(s)) {
                s = retype_null(s, item->type());
            }
            item = retype_null(item, s->type());
            check_comparable(e.args[i]->pos, s, item, ast::to_sql(e));
            k = k && is_constant(item);
            items.push_back(std::move(item));
        }
        return fold(
            std::make_shared<nodes::in_node>(s, std::move(items), e.negated, ast::to_sql(e)), k);
    }

    expr_ptr between(const ast::expr& e) {
        auto s = bind(*e.args[0]);
        auto lo = rowtime_instant(*e.args[0], bind(*e.args[1]), e.args[1]->pos);
        auto hi = rowtime_instant(*e.args[0], bind(*e.args[2]), e.args[2]->pos);
        s = retype_null(s, is_null_constant(lo) ? hi->type() : lo->type());
        lo = retype_null(lo, s->type());
        hi = retype_null(hi, s->type());
        check_comparable(e.args[1]->pos, s, lo, ast::to_sql(e));
        check_comparable(e.args[2]->pos, s, hi, ast::to_sql(e));
        bool k = is_constant(s) && is_constant(lo) && is_constant(hi);
        return fold(std::make_shared<nodes::between_node>(s, lo, hi, e.negated, ast::to_sql(e)), k);
    }

    expr_ptr widen(const expr_ptr& e, const sql_type& t) {
        if (is_null_constant(e)) {
            return retype_null(e, t);
        }
        if (e->type() == t) {
            return e;
        }
        bool k = is_constant(e);
        return fold(std::make_shared<nodes::cast_node>(e, t, e->to_sql()), k);
    }

    expr_ptr case_when(const ast::expr& e) {
        std::vector<expr_ptr> conds;
        std::vector<expr_ptr> results;
        expr_ptr operand;
        if (e.case_operand) {
            operand = bind(*e.case_operand);
        }
        for (size_t i = 0; i < e.when_conditions.size(); ++i) {
            const ast::expr& w = *e.when_conditions[i];
            if (operand) {
                auto v = bind(w);
                auto o = retype_null(operand, v->type());
                v = retype_null(v, o->type());
                check_comparable(w.pos, o, v, ast::to_sql(e));
                conds.push_back(
                    std::make_shared<nodes::compare_node>(nodes::cmp::eq, o, v, ast::to_sql(w)));
            } else {
                conds.push_back(boolean_operand(w, "CASE WHEN"));
            }
            results.push_back(bind(*e.when_results[i]));
        }
        expr_ptr otherwise;
        if (e.case_else) {
            otherwise = bind(*e.case_else);
        }
        // The result type: all non-NULL branches widened to one type.
        std::optional<sql_type> t;
        auto unify = [&](const expr_ptr& r, ast::source_pos pos) {
            if (is_null_constant(r)) {
                return;
            }
            if (!t) {
                t = r->type();
                return;
            }
            auto c = common_type(*t, r->type());
            if (!c) {
                fail(pos, "CASE branches have incompatible types " + t->to_string() + " and " +
                              r->type().to_string());
            }
            t = *c;
        };
        for (size_t i = 0; i < results.size(); ++i) {
            unify(results[i], e.when_results[i]->pos);
        }
        if (otherwise) {
            unify(otherwise, e.case_else->pos);
        }
        if (!t) {
            t = sql_type::string();  // every branch NULL
        }
        for (auto& r : results) {
            r = widen(r, *t);
        }
        if (otherwise) {
            otherwise = widen(otherwise, *t);
        }
        return std::make_shared<nodes::case_node>(std::move(conds), std::move(results),
                                                  std::move(otherwise), *t, ast::to_sql(e));
    }

    // ARRAY[...] elements and MAP values are widened to one common type (as
    // CASE branches are); all-NULL elements type as STRING. MAP keys are
    // STRING (our maps' keys, as ksqlDB's in practice). Constant arguments fold.
    expr_ptr constructor(const ast::expr& e) {
        std::vector<expr_ptr> children;
        bool all_constant = true;
        for (const auto& a : e.args) {
            children.push_back(bind(*a));
            all_constant = all_constant && is_constant(children.back());
        }
        if (e.kind == ast::expr_kind::struct_ctor) {
            for (size_t i = 0; i < e.field_names.size(); ++i) {
                for (size_t j = 0; j < i; ++j) {
                    if (e.field_names[i] == e.field_names[j]) {
                        fail(e.args[i]->pos, "duplicate field " +
                                                 ast::quote_identifier(e.field_names[i]) + " in " +
                                                 ast::to_sql(e));
                    }
                }
            }
            std::vector<sql_type> types;
            for (const auto& c : children) {
                types.push_back(c->type());
            }
            return fold(std::make_shared<nodes::ctor_node>(
                            nodes::ctor::structure, std::move(children),
                            sql_type::struct_(e.field_names, std::move(types)), ast::to_sql(e)),
                        all_constant);
        }
        bool is_map = e.kind == ast::expr_kind::map_ctor;
        if (children.empty()) {
            fail(e.pos, std::string(is_map ? "MAP()" : "ARRAY[]") +
                            " has no elements to take its type from; CAST an empty one, e.g. "
                            "CAST(NULL AS ARRAY<STRING>)");
        }
        size_t first = is_map ? 1 : 0;
        size_t step = is_map ? 2 : 1;
        std::optional<sql_type> t;
        for (size_t i = first; i < children.size(); i += step) {
            if (is_null_constant(children[i])) {
                continue;
            }
            if (!t) {
                t = children[i]->type();
                continue;
            }
            auto c = common_type(*t, children[i]->type());
            if (!c) {
                fail(e.args[i]->pos, std::string(is_map ? "MAP values" : "ARRAY elements") +
                                         " have incompatible types " + t->to_string() + " and " +
                                         children[i]->type().to_string() + " in " + ast::to_sql(e));
            }
            t = *c;
        }
        if (!t) {
            t = sql_type::string();
        }
        for (size_t i = 0; i < children.size(); ++i) {
            if (is_map && i % 2 == 0) {
                if (is_null_constant(children[i])) {
                    fail(e.args[i]->pos, "a MAP key can't be NULL");
                }
                if (children[i]->type().kind != type_kind::string) {
                    fail(e.args[i]->pos, "MAP keys are STRING; got " +
                                             children[i]->type().to_string() + ": " +
                                             ast::to_sql(*e.args[i]) + " (CAST it AS STRING)");
                }
                continue;
            }
            children[i] = widen(children[i], *t);
        }
        return fold(std::make_shared<nodes::ctor_node>(
                        is_map ? nodes::ctor::map : nodes::ctor::array, std::move(children),
                        is_map ? sql_type::map(*t) : sql_type::array(*t), ast::to_sql(e)),
                    all_constant);
    }

    expr_ptr cast(const ast::expr& e) {
        auto c = bind(*e.args[0]);
        if (is_null_constant(c)) {
            return std::make_shared<nodes::constant>(value(), e.cast_type, ast::to_sql(e));
        }
        if (c->type() == e.cast_type) {
            return c;
        }
        if (!can_cast(c->type(), e.cast_type)) {
            fail(e.pos, "cannot cast " + c->type().to_string() + " to " + e.cast_type.to_string() +
                            ": " + ast::to_sql(e));
        }
        bool k = is_constant(c);
        return fold(std::make_shared<nodes::cast_node>(c, e.cast_type, ast::to_sql(e)), k);
    }

    expr_ptr call(const ast::expr& e) {
        if (is_table_function(e.name)) {
            fail(e.pos,
                 "Table function " + e.name +
                     " can only be used in the SELECT list of a stream query: " + ast::to_sql(e));
        }
        if (e.call_star) {
            fail(e.pos, e.name + "(*): aggregate functions are not supported yet",
                 errc::unsupported);
        }
        const bool has_lambda = std::any_of(e.args.begin(), e.args.end(), [](const auto& a) {
            return a->kind == ast::expr_kind::lambda;
        });
        if (has_lambda) {
            return lambda_call(e);
        }
        std::vector<expr_ptr> args;
        for (const auto& a : e.args) {
            args.push_back(bind(*a));
        }
        return call_function(e, e.name, std::move(args));
    }

    // TRANSFORM, FILTER, REDUCE: the lambdas come after the other arguments
    // (SqlBase.g4); their bodies are bound with their parameters in scope.
    expr_ptr lambda_call(const ast::expr& e) {
        if (!is_lambda_function(e.name)) {
            fail(e.pos, e.name + " takes no lambda: only TRANSFORM, FILTER and REDUCE do");
        }
        std::vector<expr_ptr> args;
        std::vector<const ast::expr*> lambdas;
        std::vector<size_t> arities;
        for (const auto& a : e.args) {
            if (a->kind == ast::expr_kind::lambda) {
                lambdas.push_back(a.get());
                arities.push_back(a->field_names.size());
            } else if (!lambdas.empty()) {
                fail(a->pos, "the lambdas of " + e.name + " come after its other arguments");
            } else {
                args.push_back(bind(*a));
            }
        }
        const size_t first_slot = lambda_slots_;
        auto bind_body = [&](size_t i, const std::vector<sql_type>& types) -> result<expr_ptr> {
            lambdas_.push_back({lambdas[i]->field_names, types, first_slot});
            lambda_slots_ = first_slot + types.size();
            auto body = bind(*lambdas[i]->args[0]);
            lambdas_.pop_back();
            lambda_slots_ = first_slot;
            return body;
        };
        auto bound = bind_lambda_function(e.name, std::move(args), arities, first_slot, bind_body,
                                          ast::to_sql(e));
        if (!bound) {
            fail(e.pos, bound.err().message, bound.err().code);
        }
        return *bound;
    }

    expr_ptr call_function(const ast::expr& e, const std::string& name,
                           std::vector<expr_ptr> args) {
        // NULL literal arguments take the type of the first typed argument
        // (COALESCE(x, NULL), IFNULL(NULL, x)).
        std::optional<sql_type> typed;
        for (const auto& a : args) {
            if (!is_null_constant(a)) {
                typed = a->type();
                break;
            }
        }
        std::vector<sql_type> types;
        bool k = true;
        for (auto& a : args) {
            if (typed) {
                a = retype_null(a, *typed);
            }
            types.push_back(a->type());
            k = k && is_constant(a);
        }
        auto fn = bind_function(name, types);
        if (!fn.ok() && fn.err().code == errc::invalid_argument) {
            fn = bind_with_implicit_cast(name, args, types, std::move(fn));
        }
        if (!fn.ok()) {
            if (fn.err().code == errc::not_found) {
                fail(e.pos, "unknown function " + name + did_you_mean(name, function_names()),
                     errc::not_found);
            }
            fail(e.pos, fn.err().message, fn.err().code);
        }
        const auto& nd = nondeterministic_functions();
        if (std::find(nd.begin(), nd.end(), name) != nd.end()) {
            k = false;
        }
        return fold(std::make_shared<nodes::call_node>(std::move(fn).value(), std::move(args),
                                                       ast::to_sql(e)),
                    k);
    }

    // ksqlDB's implicit cast of a STRING argument to a TIMESTAMP, DATE or
    // TIME parameter (SqlBaseType.canImplicitlyCast), tried when no
    // signature takes the argument types as they are: the first argument
    // for which one does is CAST (FORMAT_DATE('2021-01-01', 'yyyy')).
    // `failed` is returned when none does.
    result<std::unique_ptr<bound_function>> bind_with_implicit_cast(
        const std::string& name, std::vector<expr_ptr>& args, std::vector<sql_type>& types,
        result<std::unique_ptr<bound_function>> failed) {
        for (size_t i = 0; i < types.size(); ++i) {
            if (types[i].kind != type_kind::string || is_null_constant(args[i])) {
                continue;
            }
            for (type_kind k : {type_kind::timestamp, type_kind::date, type_kind::time}) {
                std::vector<sql_type> retyped = types;
                retyped[i] = sql_type::of(k);
                auto fn = bind_function(name, retyped);
                if (fn.ok()) {
                    const bool k_const = is_constant(args[i]);
                    args[i] = fold(
                        std::make_shared<nodes::cast_node>(
                            args[i], retyped[i],
                            "CAST(" + args[i]->to_sql() + " AS " + retyped[i].to_string() + ")"),
                        k_const);
                    types = std::move(retyped);
                    return fn;
                }
            }
        }
        return failed;
    }

    expr_ptr deref(const ast::expr& e) {
        auto c = bind(*e.args[0]);
        const sql_type& t = c->type();
        if (t.kind != type_kind::struct_ || is_null_constant(c)) {
            fail(e.pos,
                 "-> needs a STRUCT on its left, got " + type_name(c) + ": " + ast::to_sql(e));
        }
        size_t field = t.field_names.size();
        for (size_t i = 0; i < t.field_names.size(); ++i) {
            if (t.field_names[i] == e.name) {
                field = i;
                break;
            }
        }
        if (field == t.field_names.size()) {
            // Then case-insensitively (JSON habits), as long as it is unique.
            size_t matches = 0;
            for (size_t i = 0; i < t.field_names.size(); ++i) {
                if (ascii_iequals(t.field_names[i], e.name)) {
                    field = i;
                    ++matches;
                }
            }
            if (matches != 1) {
                fail(e.pos,
                     "unknown field " + ast::quote_identifier(e.name) + " in " + t.to_string() +
                         did_you_mean(e.name, t.field_names),
                     errc::not_found);
            }
        }
        bool k = is_constant(c);
        return fold(
            std::make_shared<nodes::deref_node>(c, field, t.children[field], ast::to_sql(e)), k);
    }

    expr_ptr subscript(const ast::expr& e) {
        auto b = bind(*e.args[0]);
        auto i = bind(*e.args[1]);
        const sql_type& t = b->type();
        sql_type elem;
        if (t.kind == type_kind::array && !is_null_constant(b)) {
            i = retype_null(i, sql_type::integer());
            if (i->type().kind != type_kind::integer && i->type().kind != type_kind::bigint) {
                fail(e.args[1]->pos,
                     "an ARRAY index must be INTEGER or BIGINT, got " + i->type().to_string());
            }
            elem = t.children[0];
        } else if (t.kind == type_kind::map && !is_null_constant(b)) {
            i = retype_null(i, sql_type::string());
            if (i->type().kind != type_kind::string) {
                fail(e.args[1]->pos, "a MAP key must be STRING, got " + i->type().to_string());
            }
            elem = t.children[0];
        } else {
            fail(e.pos, "[] needs an ARRAY or MAP, got " + type_name(b) + ": " + ast::to_sql(e));
        }
        bool k = is_constant(b) && is_constant(i);
        return fold(std::make_shared<nodes::subscript_node>(b, i, elem, ast::to_sql(e)), k);
    }

    const bind_scope& scope_;
    const error_source& src_;
    // The lambdas whose bodies are being bound, innermost last.
    struct lambda_scope {
        std::vector<std::string> names;
        std::vector<sql_type> types;
        size_t first_slot = 0;
    };
    std::vector<lambda_scope> lambdas_;
    size_t lambda_slots_ = 0;  // slots the enclosing lambdas' parameters take
};

}  // namespace

result<expr_ptr> bind_expression(const ast::expr& e, const bind_scope& scope,
                                 const error_source& src) {
    try {
        return binder(scope, src).bind(e);
    } catch (bind_failure& f) {
        return std::move(f.err);
    }
}

namespace {

// ksqlDB's DefaultSqlValueCoercer, what INSERT ... VALUES accepts for a
// column: the same type, a wider number (INT to BIGINT, DECIMAL or DOUBLE;
// BIGINT to DECIMAL or DOUBLE; DECIMAL to DECIMAL or DOUBLE), a string for
// a TIMESTAMP, DATE or TIME, and containers of such. A narrower number (3000000000 or 2.7
// for an INT) is refused, not wrapped or truncated.
bool coercible(const sql_type& from, const sql_type& to) {
    if (from == to) {
        return true;
    }
    switch (from.kind) {
        case type_kind::integer:
            return to.kind == type_kind::bigint || to.kind == type_kind::decimal ||
                   to.kind == type_kind::double_;
        case type_kind::bigint:
            return to.kind == type_kind::decimal || to.kind == type_kind::double_;
        case type_kind::decimal:
            return to.kind == type_kind::decimal || to.kind == type_kind::double_;
        case type_kind::string:
            return to.kind == type_kind::timestamp || to.kind == type_kind::date ||
                   to.kind == type_kind::time;
        case type_kind::array:
        case type_kind::map:
            return to.kind == from.kind && coercible(from.children[0], to.children[0]);
        case type_kind::struct_:
            return to.kind == from.kind && can_cast(from, to);
        default:
            return false;
    }
}

}  // namespace

result<value> eval_constant(const ast::expr& e, const sql_type& target, const error_source& src) {
    bind_scope empty;
    auto bound = bind_expression(e, empty, src);
    if (!bound.ok()) {
        return bound.take_error();
    }
    eval_context ctx;
    auto v = (*bound)->eval(ctx);
    if (!v.ok() || v->is_null() || (*bound)->type() == target) {
        return v;
    }
    if (!coercible((*bound)->type(), target)) {
        return error{errc::invalid_argument, "cannot use " + (*bound)->type().to_string() +
                                                 " value " + ast::to_sql(e) + " as " +
                                                 target.to_string()};
    }
    return cast_value(*v, (*bound)->type(), target);
}

}  // namespace cs::streams
