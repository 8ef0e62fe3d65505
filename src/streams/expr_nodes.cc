#include "streams/expr_nodes.h"

#include <array>

#include "streams/cast.h"

namespace cs::streams::nodes {

namespace {

// Three-valued booleans: NULL is unknown.
enum class tv : uint8_t { false_, true_, unknown };

tv to_tv(const value& v) {
    if (v.is_null()) {
        return tv::unknown;
    }
    return v.as_bool() ? tv::true_ : tv::false_;
}

value from_tv(tv t) {
    return t == tv::unknown ? value() : value(t == tv::true_);
}

// SQL equality of two non-NULL values through compare_values (numerics of
// different types compare by value).
result<bool> equal(const value& a, const sql_type& ta, const value& b, const sql_type& tb) {
    auto c = compare_values(a, ta, b, tb);
    if (!c.ok()) {
        return c.take_error();
    }
    return *c == 0;
}

}  // namespace

result<value> pseudo_ref::eval(const eval_context& ctx) const {
    switch (p_) {
        case pseudo::rowtime:
            return value(ctx.record.rowtime);
        case pseudo::rowpartition:
            return value(ctx.record.partition);
        case pseudo::rowoffset:
            return value(ctx.record.offset);
    }
    return value();
}

// Children are read through borrow(): a column or constant child is used in
// place rather than copied (strings included) on every row.
#define CS_BORROW(name, expr_ref)                       \
    value name##_slot;                                  \
    auto name##_r = borrow(expr_ref, ctx, name##_slot); \
    if (!name##_r.ok()) {                               \
        return name##_r.take_error();                   \
    }                                                   \
    const value& name = **name##_r

result<value> cast_node::eval(const eval_context& ctx) const {
    CS_BORROW(v, *child_);
    if (v.is_null()) {
        return value();
    }
    return cast_value(v, child_->type(), type());
}

result<value> arithmetic_node::eval(const eval_context& ctx) const {
    CS_BORROW(a, *l_);
    CS_BORROW(b, *r_);
    if (a.is_null() || b.is_null()) {
        return value();
    }
    return arithmetic(op_, a, l_->type(), b, r_->type(), type());
}

negate_node::negate_node(expr_ptr child, value zero, std::string sql)
    : node_base(child->type(), std::move(sql)), child_(std::move(child)), zero_(std::move(zero)) {}

result<value> negate_node::eval(const eval_context& ctx) const {
    CS_BORROW(v, *child_);
    if (v.is_null()) {
        return value();
    }
    return arithmetic(arith_op::sub, zero_, type(), v, type(), type());
}

result<value> logic_node::eval(const eval_context& ctx) const {
    auto a = l_->eval(ctx);
    if (!a.ok()) {
        return a;
    }
    tv x = to_tv(*a);
    // Short-circuit exactly where the answer is already known.
    if (op_ == logic::and_ && x == tv::false_) {
        return value(false);
    }
    if (op_ == logic::or_ && x == tv::true_) {
        return value(true);
    }
    auto b = r_->eval(ctx);
    if (!b.ok()) {
        return b;
    }
    tv y = to_tv(*b);
    if (op_ == logic::and_) {
        if (y == tv::false_) {
            return value(false);
        }
        return from_tv(x == tv::true_ && y == tv::true_ ? tv::true_ : tv::unknown);
    }
    if (y == tv::true_) {
        return value(true);
    }
    return from_tv(x == tv::false_ && y == tv::false_ ? tv::false_ : tv::unknown);
}

result<value> not_node::eval(const eval_context& ctx) const {
    CS_BORROW(v, *child_);
    if (v.is_null()) {
        return value();
    }
    return value(!v.as_bool());
}

// ksqlDB (SqlToJavaVisitor's nullCheckPrefix): a comparison with a NULL
// operand is FALSE, not NULL, so NOT (a > 5) is TRUE when a is NULL.
result<value> compare_node::eval(const eval_context& ctx) const {
    CS_BORROW(a, *l_);
    CS_BORROW(b, *r_);
    if (a.is_null() || b.is_null()) {
        return value(false);
    }
    auto c = compare_values(a, l_->type(), b, r_->type());
    if (!c.ok()) {
        return c.take_error();
    }
    int r = *c;
    switch (op_) {
        case cmp::eq:
            return value(r == 0);
        case cmp::ne:
            return value(r != 0);
        case cmp::lt:
            return value(r < 0);
        case cmp::le:
            return value(r <= 0);
        case cmp::gt:
            return value(r > 0);
        case cmp::ge:
            return value(r >= 0);
    }
    return value();
}

result<value> is_null_node::eval(const eval_context& ctx) const {
    CS_BORROW(v, *child_);
    return value(v.is_null() != negated_);
}

// A NULL subject, pattern or escape gives NULL. ksqlDB's LikeEvaluator
// throws on a NULL (logged; the column is NULL, a WHERE drops the row): the
// same outcome without treating NULL as an error (no DLQ record).
result<value> like_node::eval(const eval_context& ctx) const {
    CS_BORROW(s, *subject_);
    if (s.is_null()) {
        return value();
    }
    if (fixed_) {
        return value(fixed_->matches(s.as_string()) != negated_);
    }
    auto p = pattern_->eval(ctx);
    if (!p.ok() || p->is_null()) {
        return p;
    }
    std::optional<char> esc;
    if (escape_) {
        auto e = escape_->eval(ctx);
        if (!e.ok() || e->is_null()) {
            return e;
        }
        if (e->as_string().size() != 1) {
            return error{errc::invalid_argument,
                         "LIKE ESCAPE must be a single character, got '" + e->as_string() + "'"};
        }
        esc = e->as_string()[0];
    }
    auto compiled = like_pattern::compile(p->as_string(), esc);
    if (!compiled.ok()) {
        return compiled.take_error();
    }
    return value(compiled->matches(s.as_string()) != negated_);
}

// ksqlDB (InListEvaluator.matches): a NULL subject or item never matches and
// the answer is never NULL; NOT IN is its negation (TRUE for a NULL subject).
result<value> in_node::eval(const eval_context& ctx) const {
    CS_BORROW(s, *subject_);
    if (s.is_null()) {
        return value(negated_);
    }
    for (const auto& item : list_) {
        CS_BORROW(v, *item);
        if (v.is_null()) {
            continue;
        }
        auto eq = equal(s, subject_->type(), v, item->type());
        if (!eq.ok()) {
            return eq.take_error();
        }
        if (*eq) {
            return value(!negated_);
        }
    }
    return value(negated_);
}

// ksqlDB: x BETWEEN a AND b is (x >= a AND x <= b) of two comparisons,
// each FALSE on a NULL operand; NOT BETWEEN is its negation.
result<value> between_node::eval(const eval_context& ctx) const {
    CS_BORROW(s, *subject_);
    CS_BORROW(lo, *low_);
    CS_BORROW(hi, *high_);
    if (s.is_null() || lo.is_null() || hi.is_null()) {
        return value(negated_);
    }
    auto ge = compare_values(s, subject_->type(), lo, low_->type());
    if (!ge.ok()) {
        return ge.take_error();
    }
    bool inside = *ge >= 0;
    if (inside) {
        auto le = compare_values(s, subject_->type(), hi, high_->type());
        if (!le.ok()) {
            return le.take_error();
        }
        inside = *le <= 0;
    }
    return value(inside != negated_);
}

result<value> case_node::eval(const eval_context& ctx) const {
    for (size_t i = 0; i < conditions_.size(); ++i) {
        auto c = conditions_[i]->eval(ctx);
        if (!c.ok()) {
            return c;
        }
        if (!c->is_null() && c->as_bool()) {
            return results_[i]->eval(ctx);
        }
    }
    if (else_) {
        return else_->eval(ctx);
    }
    return value();
}

result<value> call_node::eval(const eval_context& ctx) const {
    // Arguments live on the stack for the common small arities.
    constexpr size_t inline_args = 6;
    if (args_.size() <= inline_args) {
        std::array<value, inline_args> buf;
        for (size_t i = 0; i < args_.size(); ++i) {
            // The function takes a contiguous span: a lent argument is
            // copied once (not copied by eval() and then moved).
            if (const value* p = args_[i]->ref(ctx)) {
                buf[i] = *p;
                continue;
            }
            auto v = args_[i]->eval(ctx);
            if (!v.ok()) {
                return v;
            }
            buf[i] = std::move(v).value();
        }
        return fn_->call(std::span<const value>(buf.data(), args_.size()));
    }
    std::vector<value> vals;
    vals.reserve(args_.size());
    for (const auto& a : args_) {
        auto v = a->eval(ctx);
        if (!v.ok()) {
            return v;
        }
        vals.push_back(std::move(v).value());
    }
    return fn_->call(vals);
}

result<value> deref_node::eval(const eval_context& ctx) const {
    CS_BORROW(v, *child_);
    if (v.is_null()) {
        return value();
    }
    const auto& s = v.as_struct();
    if (field_ >= s.fields.size()) {
        return value();
    }
    return s.fields[field_];
}

const value* deref_node::ref(const eval_context& ctx) const {
    // Lends the field only when the struct itself is lent (a column):
    // otherwise the struct is a temporary.
    const value* v = child_->ref(ctx);
    if (v == nullptr || v->is_null()) {
        return nullptr;
    }
    const auto& s = v->as_struct();
    return field_ < s.fields.size() ? &s.fields[field_] : nullptr;
}

result<value> subscript_node::eval(const eval_context& ctx) const {
    CS_BORROW(b, *base_);
    if (b.is_null()) {
        return value();
    }
    CS_BORROW(i, *index_);
    if (i.is_null()) {
        return value();
    }
    if (base_->type().kind == type_kind::map) {
        const std::string& key = i.as_string();
        const auto& m = b.as_map();
        // The last entry wins, as a JSON object's duplicate keys do.
        for (auto it = m.rbegin(); it != m.rend(); ++it) {
            if (it->first == key) {
                return it->second;
            }
        }
        return value();
    }
    // ksqlDB arrays: 1-based; negative indexes count from the end; out of
    // range is NULL.
    int64_t idx = index_->type().kind == type_kind::integer ? i.as_int() : i.as_bigint();
    const auto& a = b.as_array();
    auto n = static_cast<int64_t>(a.size());
    int64_t pos = idx > 0 ? idx - 1 : n + idx;
    if (idx == 0 || pos < 0 || pos >= n) {
        return value();
    }
    return a[static_cast<size_t>(pos)];
}

result<value> ctor_node::eval(const eval_context& ctx) const {
    std::vector<value> vals;
    vals.reserve(children_.size());
    for (const auto& c : children_) {
        auto v = c->eval(ctx);
        if (!v.ok()) {
            return v;
        }
        vals.push_back(std::move(v).value());
    }
    switch (kind_) {
        case ctor::array:
            return value::array(std::move(vals));
        case ctor::structure:
            return value::struct_(value_struct{std::move(vals)});
        case ctor::map: {
            value_map m;
            m.reserve(vals.size() / 2);
            for (size_t i = 0; i + 1 < vals.size(); i += 2) {
                if (vals[i].is_null()) {
                    return error{errc::invalid_argument,
                                 "MAP key is NULL in " + to_sql() + " (map keys can't be NULL)"};
                }
                m.emplace_back(vals[i].as_string(), std::move(vals[i + 1]));
            }
            return value::map(std::move(m));
        }
    }
    return value();
}

#undef CS_BORROW

}  // namespace cs::streams::nodes
