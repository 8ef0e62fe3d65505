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

void check_join_condition(const ast::join_clause& j, const expr_ptr& l, const expr_ptr& r,
                          size_t left_key, size_t right_key, bool streams, const join_fail& fail) {
    const ast::expr& on = *j.on;
    auto column = [](const expr_ptr& e) -> std::optional<size_t> {
        const auto* c = dynamic_cast<const nodes::column_ref*>(e.get());
        return c != nullptr ? std::optional<size_t>(c->index()) : std::nullopt;
    };
    auto lc = column(l);
    auto rc = column(r);
    bool keys = lc && rc &&
                ((*lc == left_key && *rc == right_key) || (*lc == right_key && *rc == left_key));
    if (!keys) {
        fail(on.pos,
             streams ? "a stream-stream join on anything but the key columns of both streams "
                       "(which ksqlDB repartitions) is not supported yet: join ON <left key> = "
                       "<right key>, or re-key a stream with PARTITION BY first; got " +
                           ast::to_sql(on)
                     : "a table-table join on anything but both PRIMARY KEYs (a foreign-key join) "
                       "is not supported yet; got " +
                           ast::to_sql(on),
             errc::unsupported);
    }
    if (!(l->type() == r->type())) {
        fail(on.pos,
             "join key types differ: " + l->to_sql() + " is " + l->type().to_string() + " but " +
                 r->to_sql() + " is " + r->type().to_string() +
                 "; both sources must be keyed alike",
             errc::unsupported);
    }
}

void choose_join_key(query_plan& p, size_t left_key_index, size_t right_key_index,
                     const std::string& left_name, const std::string& right_name,
                     const std::string& sink_name, ast::source_pos pos, const join_fail& fail) {
    const source_join& sj = *p.two_source;
    const bool full = sj.window.kind == two_way_join::full;
    // ksqlDB prefers the left source's key column to the right one's.
    auto refers_to = [&](size_t index) {
        return std::find_if(p.projections.begin(), p.projections.end(), [&](const projection& pr) {
            const auto* c = dynamic_cast<const nodes::column_ref*>(pr.expr.get());
            return c != nullptr && c->index() == index;
        });
    };
    auto it = refers_to(sj.key_column);
    if (!full) {
        it = refers_to(left_key_index);
        if (it == p.projections.end()) {
            it = refers_to(right_key_index);
        }
    }
    if (it == p.projections.end()) {
        if (full) {
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
             "The query used to build `" + sink_name + "` must include the join expressions " +
                 left_name + " or " + right_name + " in its projection (eg, SELECT " + left_name +
                 "...).",
             errc::invalid_argument);
    }
    projection key = std::move(*it);
    p.projections.erase(it);
    const column_def* right_col = &sj.right.columns[sj.right_key];
    key.expr = std::make_shared<nodes::column_ref>(sj.key_column, right_col->type, "ROWKEY");
    key.is_key = true;
    key.key_only = false;
    p.projections.insert(p.projections.begin(), std::move(key));
    if (p.projections.size() == 1) {
        fail(pos, "The projection contains no value columns.", errc::invalid_argument);
    }
}

}  // namespace cs::streams
