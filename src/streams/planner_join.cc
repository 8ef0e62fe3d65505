#include "streams/planner_join.h"

#include <algorithm>

#include "streams/expr_nodes.h"

namespace cs::streams {

size_t single_key_column(const source_def& def, const ast::source_ref& ref, const join_fail& fail) {
    std::optional<size_t> key;
    size_t n = 0;
    for (size_t i = 0; i < def.columns.size(); ++i) {
        if (def.columns[i].origin == column_origin::key) {
            key = i;
            ++n;
        }
    }
    if (n != 1) {
        fail(ref.pos,
             ast::quote_identifier(def.name) + " has " + std::to_string(n) +
                 " key columns; a join of two " +
                 (def.kind == source_kind::table ? "tables" : "streams") +
                 " on anything but one key column of each is not supported yet",
             errc::unsupported);
    }
    return *key;
}

join_window_spec join_window_of(const ast::join_clause& j, bool streams, const join_fail& fail) {
    two_way_join kind = two_way_join::inner;
    switch (j.type) {
        case ast::join_type::inner:
            kind = two_way_join::inner;
            break;
        case ast::join_type::left:
            kind = two_way_join::left;
            break;
        case ast::join_type::right:
            kind = two_way_join::right;
            break;
        case ast::join_type::full:
            kind = two_way_join::full;
            break;
    }
    if (!streams) {
        if (j.has_within) {
            fail(j.pos, "A window definition was provided for a Table-Table join.",
                 errc::invalid_argument);
        }
        return join_window_spec::make(kind, 0, 0, 0);
    }
    if (!j.has_within) {
        fail(j.pos, "Stream-Stream joins must have a WITHIN clause specified. None was provided.",
             errc::invalid_argument);
    }
    if (j.within_before_ms < 0 || j.within_after_ms < 0 || j.grace_ms.value_or(0) < 0) {
        fail(j.pos, "WITHIN and GRACE PERIOD durations must not be negative",
             errc::invalid_argument);
    }
    return join_window_spec::make(kind, j.within_before_ms, j.within_after_ms, j.grace_ms);
}

std::optional<size_t> key_column_of(const source_def& def) {
    std::optional<size_t> key;
    for (size_t i = 0; i < def.columns.size(); ++i) {
        if (def.columns[i].origin == column_origin::key) {
            if (key) {
                return std::nullopt;
            }
            key = i;
        }
    }
    return key;
}

namespace {

// 0: reads left columns only; 1: right ones only; -1: none, or both.
int side_read(const std::vector<bool>& reads, size_t right_first, size_t right_end) {
    bool left = false;
    bool right = false;
    for (size_t i = 0; i < reads.size(); ++i) {
        if (!reads[i]) {
            continue;
        }
        if (i < right_first) {
            left = true;
        } else if (i < right_end) {
            right = true;
        } else {
            return -1;  // the synthetic key
        }
    }
    return left == right ? -1 : (left ? 0 : 1);
}

std::optional<size_t> column_of(const expr_ptr& e) {
    const auto* c = dynamic_cast<const nodes::column_ref*>(e.get());
    return c != nullptr ? std::optional<size_t>(c->index()) : std::nullopt;
}

}  // namespace

void plan_join_condition(const ast::join_clause& j, source_join& sj, const source_def& left,
                         expr_ptr l, expr_ptr r, const std::vector<bool>& l_reads,
                         const std::vector<bool>& r_reads, size_t right_first, size_t right_end,
                         const join_fail& fail) {
    const ast::expr& on = *j.on;
    const int ls = side_read(l_reads, right_first, right_end);
    const int rs = side_read(r_reads, right_first, right_end);
    for (int i = 0; i < 2; ++i) {
        if ((i == 0 ? ls : rs) == -1 || ls == rs) {
            const ast::expr& side = *on.args[ls == rs ? 1 : static_cast<size_t>(i)];
            fail(side.pos,
                 "Invalid comparison expression '" + ast::to_sql(side) + "' in join '" +
                     ast::to_sql(on) +
                     "'. Each side of the join comparision must contain references from "
                     "exactly one source.",
                 errc::invalid_argument);
        }
    }
    if (ls == 1) {
        std::swap(l, r);
    }
    if (!(l->type() == r->type())) {
        fail(on.pos,
             "join key types differ: " + l->to_sql() + " is " + l->type().to_string() + " but " +
                 r->to_sql() + " is " + r->type().to_string() +
                 "; CAST one side to the other's type",
             errc::invalid_argument);
    }
    const auto lc = column_of(l);
    const auto rc = column_of(r);
    const auto left_key = key_column_of(left);
    const auto right_key = key_column_of(sj.right);
    sj.repartition_left = !(lc && left_key && *lc == *left_key);
    sj.repartition_right = !(rc && right_key && *rc == right_first + *right_key);
    if (!sj.windowed && (sj.repartition_left || sj.repartition_right)) {
        fail(on.pos,
             "a table-table join on anything but both PRIMARY KEYs (a foreign-key join) is not "
             "supported yet; got " +
                 ast::to_sql(on),
             errc::unsupported);
    }
    if (!sj.repartition_left && !sj.repartition_right &&
        left.key_format.format != sj.right.key_format.format) {
        if (!sj.windowed) {
            fail(j.source.pos,
                 "the two tables have different KEY_FORMATs; a table-table join that "
                 "repartitions one of them is not supported yet",
                 errc::unsupported);
        }
        sj.repartition_right = true;  // ksqlDB: the left source's key format wins
    }
    sj.left_key = left_key.value_or(0);
    sj.right_key = right_key.value_or(0);
    sj.key_format = !sj.repartition_left    ? left.key_format
                    : !sj.repartition_right ? sj.right.key_format
                                            : left.key_format;
    if (sj.key_format.format == data_format::none) {
        sj.key_format = {.format = data_format::kafka};
    }
    sj.synthetic_key = sj.window.kind == two_way_join::full || (!lc && !rc);
    sj.left_expr = std::move(l);
    sj.right_expr = std::move(r);
}

namespace {

bool same_expr(const expr_ptr& a, const expr_ptr& b) {
    const auto ca = column_of(a);
    const auto cb = column_of(b);
    if (ca || cb) {
        return ca == cb;
    }
    return a->to_sql() == b->to_sql();
}

std::string or_list(const std::vector<std::string>& names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) {
        s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    }
    return s;
}

}  // namespace

join_key_choice join_key_of(const source_join& sj,
                            const std::pair<std::string, std::string>& sides_sql,
                            const std::vector<table_join_key>& tables) {
    join_key_choice k;
    k.key = std::make_shared<nodes::column_ref>(sj.key_column, sj.left_expr->type(), "ROWKEY");
    k.synthetic = sj.synthetic_key;
    if (k.synthetic) {
        k.viable = {sj.key_column};
        k.names = {"ROWKEY"};
    } else {
        if (auto c = column_of(sj.left_expr)) {
            k.viable.push_back(*c);
            k.names.push_back(sides_sql.first);
        }
        if (auto c = column_of(sj.right_expr)) {
            k.viable.push_back(*c);
            k.names.push_back(sides_sql.second);
        }
    }
    // The expressions equivalent to the key (none for FULL: either side may
    // be NULL).
    std::vector<expr_ptr> equiv;
    if (sj.window.kind != two_way_join::full) {
        equiv = {sj.left_expr, sj.right_expr};
    }
    for (const auto& t : tables) {
        const bool include = std::any_of(equiv.begin(), equiv.end(),
                                         [&](const expr_ptr& e) { return same_expr(e, t.lookup); });
        if (!include || k.synthetic) {
            k.viable.clear();  // ROWKEY is no source column
            k.names.clear();
        }
        if (!include) {
            equiv.clear();
            k.key = t.key;
        }
        auto add = [&](std::optional<size_t> c, const std::string& name) {
            if (c && std::find(k.viable.begin(), k.viable.end(), *c) == k.viable.end()) {
                k.viable.push_back(*c);
                k.names.push_back(name);
            }
        };
        add(column_of(t.lookup), t.lookup_sql);
        add(t.table_key, t.table_key_sql);
        equiv.push_back(t.lookup);
        equiv.push_back(
            std::make_shared<nodes::column_ref>(t.table_key, t.key->type(), t.table_key_sql));
        k.synthetic = false;
    }
    if (tables.empty() && !k.synthetic) {
        k.names = {sides_sql.first, sides_sql.second};  // ON's sides, as written
    }
    return k;
}

void choose_join_key(query_plan& p, const join_key_choice& key, const std::string& sink_name,
                     ast::source_pos pos, const join_fail& fail) {
    auto it = p.projections.end();
    for (size_t v : key.viable) {
        it = std::find_if(p.projections.begin(), p.projections.end(), [&](const projection& pr) {
            const auto c = column_of(pr.expr);
            return c && *c == v;
        });
        if (it != p.projections.end()) {
            break;
        }
    }
    if (it == p.projections.end()) {
        if (key.synthetic) {
            fail(pos,
                 "Key missing from projection (ie, SELECT).\nThe query used to build `" +
                     sink_name +
                     "` must include the join expression ROWKEY in its projection (eg, SELECT "
                     "ROWKEY...).\nROWKEY was added as a synthetic key column because the join "
                     "criteria did not match any source column. This expression must be included "
                     "in the projection and may be aliased.",
                 errc::invalid_argument);
        }
        fail(pos,
             "The query used to build `" + sink_name + "` must include the join expression" +
                 (key.names.size() == 1 ? " " : "s ") + or_list(key.names) +
                 " in its projection (eg, SELECT " + key.names.front() + "...).",
             errc::invalid_argument);
    }
    projection k = std::move(*it);
    p.projections.erase(it);
    k.expr = key.key;
    k.is_key = true;
    k.key_only = false;
    p.projections.insert(p.projections.begin(), std::move(k));
    if (p.projections.size() == 1) {
        fail(pos, "The projection contains no value columns.", errc::invalid_argument);
    }
}

}  // namespace cs::streams
