// SELECT -> query_plan (see planner.h for the rules followed).

#include "streams/planner.h"

#include <algorithm>
#include <functional>
#include <map>

#include "streams/binder.h"
#include "streams/expr_nodes.h"
#include "streams/flat_map.h"
#include "streams/planner_aggregate.h"
#include "streams/planner_join.h"
#include "streams/sql_error.h"

namespace cs::streams {

namespace {

struct plan_failure {
    error err;
};

class select_planner {
  public:
    select_planner(const ast::select_stmt& select, const ast::statement& stmt,
                   const catalog_view& catalog, bool transient = false)
        : select_(select),
          stmt_(stmt),
          catalog_(catalog),
          src_{stmt.text, stmt.pos},
          transient_(transient) {}

    query_plan plan(source_def sink) {
        reject_unsupported();
        query_plan p;
        scope_.reads = &reads_;
        p.sql = stmt_.text;
        const bool table_query = sink.kind == source_kind::table;
        const bool grouped = !select_.group_by.empty();
        if (table_functions()) {
            reject_for_table_functions(table_query);
        }
        if (grouped) {
            reject_for_aggregation(sink);
        } else if (table_query) {
            reject_for_tables();
        }
        p.source = *lookup(select_.from, table_query && !grouped   ? source_kind::table
                                         : grouped && from_table() ? source_kind::table
                                                                   : source_kind::stream);
        add_to_scope(p.source, select_.from);
        size_t width = p.source.columns.size();
        const bool two_source = source_join_query();
        if (two_source) {
            plan_source_join(p, width);
        }
        // Broadcast TABLE look-ups, also after a stream-stream join (on its
        // joined row).
        for (size_t j = two_source ? 1 : 0; j < select_.joins.size(); ++j) {
            plan_join(select_.joins[j], p, width);
        }
        p.joined_width = width;
        if (select_.where) {
            p.where = bind(*select_.where);
            if (p.where->type().kind != type_kind::boolean && !is_null(p.where)) {
                fail(select_.where->pos, "WHERE must be BOOLEAN, got " +
                                             p.where->type().to_string() + ": " +
                                             ast::to_sql(*select_.where));
            }
        }
        if (grouped) {
            aggregate(p, sink);
            if (p.aggregate->window) {
                const time_window& w = *p.aggregate->window;
                sink.window_type = w.session ? "SESSION" : w.hopping ? "HOPPING" : "TUMBLING";
            }
        } else if (two_source) {
            project_source_join(p, sink);
        } else {
            if (table_functions()) {
                project_flat_map(p);
            } else {
                project(p);
            }
            partition(p);
        }
        if (table_query && !grouped && !transient_ && !two_source) {
            check_table_keys(p);
        }
        p.reads = reads_;
        p.reads.resize(p.joined_width);
        check_key_format(p, sink);
        // Sink columns: key columns first (ksqlDB's order), then values; a
        // transient query's result keeps the SELECT list's order (ksqlDB's
        // FinalProjectNode: `SELECT v, k` shows v first).
        sink.columns.clear();
        for (int pass = 0; pass < 2; ++pass) {
            for (const auto& pr : p.projections) {
                if (transient_ ? pass == 0 : pr.is_key == (pass == 0)) {
                    column_def c;
                    c.name = pr.name;
                    c.type = pr.expr->type();
                    c.origin = pr.is_key ? column_origin::key : column_origin::value;
                    sink.columns.push_back(std::move(c));
                }
            }
        }
        if (!transient_) {
            std::stable_partition(p.projections.begin(), p.projections.end(),
                                  [](const projection& pr) { return pr.is_key; });
        }
        p.dlq_topic = sink.topic + "-dlq";
        p.sink = std::move(sink);
        return p;
    }

  private:
    [[noreturn]] void fail(ast::source_pos pos, const std::string& msg,
                           errc code = errc::invalid_argument) const {
        throw plan_failure{error{code, format_sql_error(stmt_, pos, msg)}};
    }

    static bool is_null(const expr_ptr& e) {
        const auto* c = dynamic_cast<const nodes::constant*>(e.get());
        return c != nullptr && c->get().is_null();
    }

    void reject_unsupported() const {
        if (select_.window && select_.group_by.empty()) {
            fail(select_.window->pos, "WINDOW needs GROUP BY (a windowed aggregation)");
        }
        if (select_.having && select_.group_by.empty()) {
            fail(select_.having->pos, "HAVING needs GROUP BY (aggregation)");
        }
        if (select_.emit_final && !select_.window) {
            fail(select_.pos,
                 "EMIT FINAL needs a windowed aggregation (WINDOW TUMBLING or HOPPING ... GROUP "
                 "BY): use EMIT CHANGES");
        }
        if (select_.group_by.empty()) {
            for (const auto& item : select_.items) {
                if (!item.star && calls_aggregate(*item.expression)) {
                    fail(item.pos, "Use of aggregate function " +
                                       first_aggregate(*item.expression) +
                                       " requires a GROUP BY clause.");
                }
            }
        }
        if (select_.limit && !transient_) {
            fail(select_.pos, "LIMIT is not allowed in a persistent query");
        }
    }

    // Table functions in the SELECT list (flat_map.h).
    bool table_functions() const {
        return std::any_of(select_.items.begin(), select_.items.end(), [](const auto& item) {
            return !item.star && calls_table_function(*item.expression);
        });
    }

    void reject_for_table_functions(bool table_query) const {
        if (!select_.group_by.empty()) {
            fail(select_.pos, "Table functions cannot be used with aggregations.");
        }
        if (from_table() || table_query) {
            fail(select_.pos, "Table source is not supported with table functions");
        }
        if (!select_.partition_by.empty() || source_join_query()) {
            fail(select_.pos,
                 std::string("Table functions with ") +
                     (select_.partition_by.empty() ? "a join of two streams or tables"
                                                   : "PARTITION BY") +
                     " are not supported yet",
                 errc::unsupported);
        }
    }

    // Each table function call reads the column KSQL_SYNTH_<i> after the
    // joined row's, which the runner fills per output row.
    void project_flat_map(query_plan& p) {
        flat_map_rewriter rw;
        rw.bind_source = [this](const ast::expr& e) { return bind(e); };
        rw.fail = [this](ast::source_pos pos, const std::string& m) { fail(pos, m); };
        std::map<const ast::select_item*, ast::expr_ptr> rewritten;
        for (const auto& item : select_.items) {
            if (!item.star) {
                rewritten[&item] = rw.rewrite(item.expression);
            }
        }
        bind_scope scope = scope_;
        for (size_t i = 0; i < rw.calls.size(); ++i) {
            scope.columns.push_back(
                {"", synthetic_column_name(i), rw.calls[i].type, p.joined_width + i});
        }
        p.table_functions = std::move(rw.calls);
        project(p,
                [&](const ast::select_item& item) { return bind_in(*rewritten.at(&item), scope); });
    }

    void reject_without_undo(const std::vector<aggregate_call>& calls) const {
        if (auto refusal = table_aggregation_refusal(calls); !refusal.empty()) {
            fail(select_.pos, refusal);
        }
    }

    bool from_table() const {
        const source_def* from = catalog_.find(select_.from.name);
        return from != nullptr && from->kind == source_kind::table;
    }

    static std::string first_aggregate(const ast::expr& e) {
        if (e.kind == ast::expr_kind::call && aggregate_kind(e.name)) {
            return e.name;
        }
        for (const auto& a : e.args) {
            if (a != nullptr && calls_aggregate(*a)) {
                return first_aggregate(*a);
            }
        }
        return "?";
    }

    // GROUP BY: CREATE TABLE AS SELECT over a STREAM.
    void reject_for_aggregation(const source_def& sink) const {
        if (sink.kind != source_kind::table) {
            fail(select_.pos,
                 "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE "
                 "TABLE AS SELECT statement instead.");
        }
        const source_def* from = catalog_.find(select_.from.name);
        if (from != nullptr && from->kind == source_kind::table) {
            // A table aggregation (planner_aggregate.h).
            if (select_.window) {
                fail(select_.window->pos, "Windowing not supported for table aggregations.");
            }
            if (!select_.joins.empty()) {
                fail(select_.joins[0].pos,
                     "GROUP BY over a join of TABLEs (a table aggregation of a join) is not "
                     "supported yet; aggregate the TABLE " +
                         ast::quote_identifier(from->name) + " alone",
                     errc::unsupported);
            }
            if (transient_) {
                fail(select_.from.pos,
                     "GROUP BY over a TABLE in a transient query is not supported yet; aggregate "
                     "it in CREATE TABLE ... AS SELECT",
                     errc::unsupported);
            }
        }
        if (!select_.partition_by.empty()) {
            fail(select_.partition_by[0]->pos,
                 "PARTITION BY can't be combined with GROUP BY: the table is keyed by the GROUP "
                 "BY expressions");
        }
    }

    // CREATE TABLE AS SELECT without aggregation: a filter and projection
    // of one TABLE, keyed as it is (ksqlDB's table-to-table query).
    void reject_for_tables() const {
        const source_def* from = catalog_.find(select_.from.name);
        if (from != nullptr && from->kind == source_kind::stream) {
            fail(select_.from.pos,
                 "CREATE TABLE AS SELECT from the STREAM " + ast::quote_identifier(from->name) +
                     " needs GROUP BY (aggregation), which is not supported yet; select from a "
                     "TABLE, or use CREATE STREAM ... AS SELECT",
                 errc::unsupported);
        }
        if (!select_.joins.empty() && !source_join_query()) {
            fail(select_.joins[0].pos,
                 "a TABLE joins only a TABLE in CREATE TABLE AS SELECT; join a STREAM to a TABLE "
                 "with CREATE STREAM AS SELECT",
                 errc::unsupported);
        }
        if (!select_.partition_by.empty()) {
            fail(select_.partition_by[0]->pos,
                 "PARTITION BY is not allowed in CREATE TABLE AS SELECT: the table keeps the "
                 "PRIMARY KEY of the table it reads");
        }
    }

    // Every PRIMARY KEY column of the source table, selected as it is
    // (ksqlDB: "The query used to build ... must include the key columns").
    void check_table_keys(const query_plan& p) const {
        for (size_t i = 0; i < p.source.columns.size(); ++i) {
            const column_def& c = p.source.columns[i];
            if (c.origin != column_origin::key) {
                continue;
            }
            bool selected =
                std::any_of(p.projections.begin(), p.projections.end(), [&](const projection& pr) {
                    const auto* ref = dynamic_cast<const nodes::column_ref*>(pr.expr.get());
                    return pr.is_key && ref != nullptr && ref->index() == i;
                });
            if (!selected) {
                fail(select_.pos, "the query must select the PRIMARY KEY column " +
                                      ast::quote_identifier(c.name) + " of " +
                                      ast::quote_identifier(p.source.name) +
                                      " as it is: a table's rows are keyed by it");
            }
        }
    }

    const source_def* lookup(const ast::source_ref& ref, source_kind want) const {
        const source_def* def = catalog_.find(ref.name);
        if (def == nullptr) {
            auto names = catalog_.names();
            std::string hint = closest_match(ref.name, names);
            std::string msg = "unknown stream or table " + ast::quote_identifier(ref.name);
            if (!hint.empty()) {
                msg += ", did you mean " + ast::quote_identifier(hint) + "?";
            }
            fail(ref.pos, msg, errc::not_found);
        }
        if (!def->window_type.empty()) {
            fail(ref.pos,
                 "reading the windowed table " + ast::quote_identifier(ref.name) +
                     " is not supported yet",
                 errc::unsupported);
        }
        if (def->kind != want) {
            if (want == source_kind::stream) {
                fail(ref.pos,
                     ast::quote_identifier(ref.name) +
                         " is a TABLE: your SELECT produces a TABLE, so use CREATE TABLE AS "
                         "SELECT (a STREAM query reads a STREAM and joins TABLEs)",
                     errc::unsupported);
            }
            fail(ref.pos,
                 ast::quote_identifier(ref.name) +
                     " is a STREAM: a stream joins one other STREAM (WITHIN) as its first join, "
                     "then TABLEs; a STREAM joined after a TABLE or a third STREAM (a second "
                     "stream-stream join) is not supported yet",
                 errc::unsupported);
        }
        return def;
    }

    void add_to_scope(const source_def& def, const ast::source_ref& ref) {
        const std::string& q = ref.effective_name();
        if (std::find(scope_.sources.begin(), scope_.sources.end(), q) != scope_.sources.end()) {
            fail(ref.pos, "source name " + ast::quote_identifier(q) +
                              " is used twice: give each an alias (FROM a x JOIN a y ...)");
        }
        scope_.add_source(def, q, next_index_);
        next_index_ += def.columns.size();
        qualifiers_.push_back(q);
        defs_.push_back(&def);
    }

    expr_ptr bind(const ast::expr& e) const { return bind_in(e, scope_); }
    expr_ptr bind_in(const ast::expr& e, const bind_scope& scope) const {
        auto r = bind_expression(e, scope, src_);
        if (!r.ok()) {
            throw plan_failure{r.take_error()};
        }
        return std::move(r).value();
    }

    void plan_join(const ast::join_clause& j, query_plan& p, size_t& width) {
        if (j.type == ast::join_type::right || j.type == ast::join_type::full) {
            fail(j.pos,
                 "stream-table joins are LEFT or INNER; RIGHT and FULL OUTER joins are not "
                 "supported",
                 errc::unsupported);
        }
        const source_def* table = lookup(j.source, source_kind::table);
        if (j.has_within) {
            fail(j.pos,
                 "WITHIN is for stream-stream joins; " + ast::quote_identifier(j.source.name) +
                     " is not a STREAM",
                 errc::invalid_argument);
        }
        std::vector<size_t> keys;
        for (size_t i = 0; i < table->columns.size(); ++i) {
            if (table->columns[i].origin == column_origin::key) {
                keys.push_back(i);
            }
        }
        if (keys.size() != 1) {
            fail(j.source.pos,
                 "table " + ast::quote_identifier(table->name) + " has " +
                     std::to_string(keys.size()) + " PRIMARY KEY columns; a join needs exactly one",
                 errc::unsupported);
        }
        bind_scope before = scope_;
        size_t first = next_index_;
        add_to_scope(*table, j.source);
        size_t key_index = first + keys[0];
        const column_def& key_col = table->columns[keys[0]];
        std::string key_name = ast::quote_identifier(j.source.effective_name()) + "." +
                               ast::quote_identifier(key_col.name);

        const ast::expr& on = *j.on;
        if (on.kind != ast::expr_kind::comparison || on.compare != ast::compare_op::eq) {
            fail(on.pos,
                 "a stream-table join needs ON <stream expression> = " + key_name +
                     " (the table's PRIMARY KEY); got " + ast::to_sql(on),
                 errc::unsupported);
        }
        // Which side is the table's key (bound without marking reads: the
        // key column is not read, the other side is bound again below).
        bind_scope probe = scope_;
        probe.reads = nullptr;
        auto l = bind_in(*on.args[0], probe);
        auto r = bind_in(*on.args[1], probe);
        auto is_key = [&](const expr_ptr& e) {
            const auto* c = dynamic_cast<const nodes::column_ref*>(e.get());
            return c != nullptr && c->index() == key_index;
        };
        const ast::expr* other = nullptr;
        if (is_key(l)) {
            other = on.args[1].get();
        } else if (is_key(r)) {
            other = on.args[0].get();
        } else {
            fail(on.pos,
                 "the join condition must use the PRIMARY KEY of " +
                     ast::quote_identifier(table->name) + ": ON <stream expression> = " + key_name +
                     "; got " + ast::to_sql(on),
                 errc::unsupported);
        }
        auto lookup_expr = bind_in(*other, before);
        table_join_key tk{.lookup = lookup_expr,
                          .lookup_sql = ast::to_sql(*other),
                          .key = nullptr,
                          .table_key = key_index,
                          .table_key_sql = ast::to_sql(*(is_key(l) ? on.args[0] : on.args[1]))};
        if (!(lookup_expr->type() == key_col.type)) {
            const sql_type& t = lookup_expr->type();
            bool widen = t.is_numeric() && key_col.type.is_numeric();
            if (!widen && !is_null(lookup_expr)) {
                fail(other->pos, "join key types differ: " + ast::to_sql(*other) + " is " +
                                     t.to_string() + " but " + key_name + " is " +
                                     key_col.type.to_string() + "; CAST one side");
            }
            lookup_expr = std::make_shared<nodes::cast_node>(lookup_expr, key_col.type,
                                                             lookup_expr->to_sql());
        }
        tk.key = lookup_expr;
        table_keys_.push_back(std::move(tk));
        join_step step;
        step.table = table->name;
        step.kind = j.type == ast::join_type::left ? join_kind::left : join_kind::inner;
        step.stream_key = std::move(lookup_expr);
        step.first_column = first;
        p.joins.push_back(std::move(step));
        p.tables.push_back(*table);
        width += table->columns.size();
    }

    // FROM a STREAM JOIN a STREAM, or (CREATE TABLE) FROM a TABLE JOIN a
    // TABLE: one two-source join (planner_join.h), not broadcast look-ups.
    bool source_join_query() const {
        if (select_.joins.empty()) {
            return false;
        }
        const source_def* from = catalog_.find(select_.from.name);
        const source_def* other = catalog_.find(select_.joins[0].source.name);
        return from != nullptr && other != nullptr && from->kind == other->kind &&
               other->window_type.empty();
    }

    join_fail fail_fn() const {
        return [this](ast::source_pos pos, const std::string& m, errc code) { fail(pos, m, code); };
    }

    void plan_source_join(query_plan& p, size_t& width) {
        const ast::join_clause& j = select_.joins[0];
        const bool streams = p.source.kind == source_kind::stream;
        if (!streams && select_.joins.size() > 1) {
            fail(select_.joins[1].pos, "a join after a table-table join is not supported yet",
                 errc::unsupported);
        }
        const source_def* right = catalog_.find(j.source.name);
        source_join sj;
        sj.window = join_window_of(j, streams, fail_fn());
        sj.windowed = streams;
        sj.right = *right;
        if (!streams) {
            single_key_column(p.source, select_.from, fail_fn());
            single_key_column(*right, j.source, fail_fn());
        }
        const size_t right_first = next_index_;
        add_to_scope(*right, j.source);
        width += right->columns.size();
        sj.key_column = width++;
        next_index_ = width;
        const ast::expr& on = *j.on;
        if (on.kind != ast::expr_kind::comparison || on.compare != ast::compare_op::eq) {
            fail(on.pos,
                 "a join needs ON <left expression> = <right expression>; got " + ast::to_sql(on),
                 errc::unsupported);
        }
        bind_scope probe = scope_;
        std::vector<bool> l_reads;
        std::vector<bool> r_reads;
        probe.reads = &l_reads;
        auto l = bind_in(*on.args[0], probe);
        probe.reads = &r_reads;
        auto r = bind_in(*on.args[1], probe);
        plan_join_condition(j, sj, p.source, l, r, l_reads, r_reads, right_first,
                            right_first + right->columns.size(), fail_fn());
        join_sides_sql_ = {ast::to_sql(*on.args[0]), ast::to_sql(*on.args[1])};
        if (sj.left_expr != l) {
            std::swap(join_sides_sql_.first, join_sides_sql_.second);
        }
        if (sj.synthetic_key) {
            scope_.columns.push_back({"", "ROWKEY", sj.left_expr->type(), sj.key_column});
        }
        // The join expressions are evaluated on every row joined.
        for (const auto* e : {&l_reads, &r_reads}) {
            for (size_t i = 0; i < e->size(); ++i) {
                if ((*e)[i] && scope_.reads != nullptr) {
                    mark_read(*scope_.reads, i);
                }
            }
        }
        p.two_source = std::move(sj);
    }

    // The projection of a two-source join: SELECT * of a FULL join starts
    // with ROWKEY (ksqlDB's synthetic key); the output key is the join key
    // (of the last join, planner_join.h), or the PARTITION BY expressions.
    void project_source_join(query_plan& p, const source_def& sink) {
        project(p);
        if (!select_.partition_by.empty()) {
            partition(p);
            return;
        }
        source_join& sj = *p.two_source;
        join_key_choice key = join_key_of(sj, join_sides_sql_, table_keys_);
        const bool star = std::any_of(select_.items.begin(), select_.items.end(),
                                      [](const ast::select_item& i) { return i.star; });
        if (key.synthetic && sj.window.kind == two_way_join::full && star) {
            projection pr;
            pr.name = "ROWKEY";
            pr.expr =
                std::make_shared<nodes::column_ref>(sj.key_column, sj.left_expr->type(), "ROWKEY");
            p.projections.insert(p.projections.begin(), std::move(pr));
        }
        choose_join_key(p, key, sink.name, select_.pos, fail_fn());
    }

    // Names used by more than one source (qualified refs to them get the
    // <SOURCE>_ prefix in a join, as in ksqlDB).
    bool common_name(const std::string& name) const {
        int n = 0;
        for (const auto* d : defs_) {
            n += d->find_column(name) != nullptr ? 1 : 0;
        }
        return n > 1;
    }

    using item_binder = std::function<expr_ptr(const ast::select_item&)>;

    void project(query_plan& p) {
        project(p, [this](const ast::select_item& item) { return bind(*item.expression); });
    }

    void project(query_plan& p, const item_binder& bind_item) {
        bool join = !select_.joins.empty();
        std::vector<ast::source_pos> where;  // of each projection, for duplicate errors
        auto add = [&](std::string name, expr_ptr e, ast::source_pos pos) {
            for (size_t i = 0; i < p.projections.size(); ++i) {
                if (p.projections[i].name == name) {
                    fail(pos, "duplicate output column " + ast::quote_identifier(name) +
                                  " (also at line " + std::to_string(where[i].line) + ":" +
                                  std::to_string(where[i].column) + "): rename one with AS");
                }
            }
            if (name == "ROWTIME" || name == "ROWPARTITION" || name == "ROWOFFSET") {
                fail(pos, name +
                              " is a reserved pseudo-column name and can't be an output "
                              "column: alias it, e.g. " +
                              name + " AS " + name + "_");
            }
            projection pr;
            pr.name = std::move(name);
            pr.expr = std::move(e);
            p.projections.push_back(std::move(pr));
            where.push_back(pos);
        };
        std::vector<std::pair<size_t, const ast::select_item*>> unnamed;
        for (const auto& item : select_.items) {
            if (item.star) {
                bool any = false;
                for (size_t s = 0; s < defs_.size(); ++s) {
                    if (!item.qualifier.empty() && qualifiers_[s] != item.qualifier) {
                        continue;
                    }
                    any = true;
                    const source_def& d = *defs_[s];
                    // PARTITION BY (NULL included) moves the stream's key
                    // columns into the value after its value columns, where
                    // * finds them (ksqlDB's PartitionByParamsFactory).
                    // Over a join, per source (ksqlDB's order without its
                    // pseudo-columns).
                    const bool keys_last =
                        !select_.partition_by.empty() && (!join || p.two_source.has_value());
                    for (int pass = 0; pass < (keys_last ? 2 : 1); ++pass) {
                        for (const auto& sc : scope_.columns) {
                            if (sc.source != qualifiers_[s]) {
                                continue;
                            }
                            if (keys_last) {
                                const column_def* c = d.find_column(sc.name);
                                bool key = c != nullptr && c->origin == column_origin::key;
                                if (key != (pass == 1)) {
                                    continue;
                                }
                            }
                            std::string name = join ? qualifiers_[s] + "_" + sc.name : sc.name;
                            mark_read(reads_, sc.index);
                            add(name,
                                std::make_shared<nodes::column_ref>(
                                    sc.index, sc.type,
                                    ast::quote_identifier(sc.source) + "." +
                                        ast::quote_identifier(sc.name)),
                                item.pos);
                        }
                    }
                }
                if (!any) {
                    fail(item.pos,
                         "unknown source " + ast::quote_identifier(item.qualifier) + " in " +
                             item.qualifier + ".*" + did_you_mean(item.qualifier, qualifiers_),
                         errc::not_found);
                }
                continue;
            }
            auto e = bind_item(item);
            const ast::expr& x = *item.expression;
            if (item.alias) {
                add(*item.alias, std::move(e), item.pos);
            } else if (x.kind == ast::expr_kind::column) {
                std::string name = x.name;
                if (join && !x.qualifier.empty() && common_name(x.name)) {
                    name = x.qualifier + "_" + x.name;
                }
                add(name, std::move(e), item.pos);
            } else if (x.kind == ast::expr_kind::pseudo_column) {
                add(x.name, std::move(e), item.pos);  // rejected: reserved name
            } else if (x.kind == ast::expr_kind::deref) {
                add(x.name, std::move(e), item.pos);
            } else {
                // Named after the explicit names are known (KSQL_COL_n skips taken names).
                unnamed.emplace_back(p.projections.size(), &item);
                projection pr;
                pr.expr = std::move(e);
                p.projections.push_back(std::move(pr));
                where.push_back(item.pos);
            }
        }
        int n = 0;
        for (auto& [index, item] : unnamed) {
            std::string name;
            do {
                name = "KSQL_COL_" + std::to_string(n++);
            } while (std::any_of(p.projections.begin(), p.projections.end(),
                                 [&](const projection& pr) { return pr.name == name; }));
            p.projections[index].name = name;
        }
    }

    // Whether two bound expressions are the same (a column by its index).
    static bool same(const expr_ptr& a, const expr_ptr& b) {
        const auto* ca = dynamic_cast<const nodes::column_ref*>(a.get());
        const auto* cb = dynamic_cast<const nodes::column_ref*>(b.get());
        if (ca != nullptr && cb != nullptr) {
            return ca->index() == cb->index();
        }
        return a->to_sql() == b->to_sql();
    }

    // GROUP BY: the projections and HAVING read the aggregate row
    // (planner_aggregate.h); the GROUP BY expressions become the key
    // columns, in GROUP BY order, and each must be selected (ksqlDB's
    // rules and messages).
    void aggregate(query_plan& p, const source_def& sink) {
        aggregation agg;
        std::vector<sql_type> group_types;
        for (const auto& g : select_.group_by) {
            if (calls_aggregate(*g)) {
                fail(g->pos, "GROUP BY can't contain aggregate functions: " + ast::to_sql(*g));
            }
            auto e = bind(*g);
            for (const auto& other : agg.group_by) {
                if (same(other, e)) {
                    fail(g->pos, "GROUP BY lists " + ast::to_sql(*g) + " twice");
                }
            }
            group_types.push_back(e->type());
            agg.group_by.push_back(std::move(e));
        }
        bind_scope probe = scope_;
        probe.reads = nullptr;
        aggregate_rewriter rw;
        rw.bind_source = [this](const ast::expr& e) { return bind(e); };
        rw.group_index = [&](const ast::expr& e) -> std::optional<size_t> {
            if (calls_aggregate(e)) {
                return std::nullopt;
            }
            auto r = bind_expression(e, probe, src_);
            if (!r.ok()) {
                return std::nullopt;
            }
            for (size_t i = 0; i < agg.group_by.size(); ++i) {
                if (same(agg.group_by[i], *r)) {
                    return i;
                }
            }
            return std::nullopt;
        };
        rw.fail = [this](ast::source_pos pos, const std::string& m) { fail(pos, m); };
        rw.windowed = select_.window.has_value();
        std::vector<ast::expr_ptr> rewritten;
        for (const auto& item : select_.items) {
            if (item.star) {
                fail(item.pos,
                     "SELECT * can't be used with GROUP BY: select the GROUP BY expressions and "
                     "aggregate functions");
            }
            rewritten.push_back(rw.rewrite(item.expression));
        }
        if (!rw.unmatched.empty()) {
            fail(select_.pos, "Non-aggregate SELECT expression(s) not part of GROUP BY: " +
                                  join_comma(rw.unmatched) +
                                  "\nEither add the column(s) to the GROUP BY or remove them "
                                  "from the SELECT.");
        }
        ast::expr_ptr having;
        if (select_.having) {
            having = rw.rewrite(select_.having);
            if (!rw.unmatched.empty()) {
                fail(select_.having->pos,
                     "Non-aggregate HAVING expression not part of GROUP BY: " +
                         join_comma(rw.unmatched) +
                         "\nConsider switching the HAVING clause to a WHERE clause before the "
                         "GROUP BY.");
            }
        }
        if (rw.calls.empty()) {
            fail(select_.group_by[0]->pos,
                 "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.");
        }
        agg.calls = std::move(rw.calls);
        agg.table_source = p.source.kind == source_kind::table;
        if (agg.table_source) {
            reject_without_undo(agg.calls);
        }
        const bind_scope agg_scope = aggregate_scope(group_types, agg.calls, rw.windowed);
        if (select_.window) {
            agg.window = make_window(*select_.window);
            agg.emit_final = select_.emit_final;
        }
        project(p, [&](const ast::select_item& item) {
            return bind_in(*rewritten[static_cast<size_t>(&item - select_.items.data())],
                           agg_scope);
        });
        if (having) {
            agg.having = bind_in(*having, agg_scope);
            if (agg.having->type().kind != type_kind::boolean && !is_null(agg.having)) {
                fail(select_.having->pos, "HAVING must be BOOLEAN, got " +
                                              agg.having->type().to_string() + ": " +
                                              ast::to_sql(*select_.having));
            }
        }
        if (!transient_) {
            // A transient query's result is its SELECT list as it is
            // (ksqlDB's FinalProjectNode): no key columns to move first or
            // to require.
            group_keys(p, sink);
        }
        // Kafka Streams' KGroupedTable always goes through a repartition
        // topic (its records carry the row's old and new values).
        agg.repartition =
            agg.table_source || (p.two_source ? !groups_by_join_key(agg, *p.two_source)
                                              : !groups_by_source_key(agg, p.source));
        p.aggregate = std::move(agg);
    }

    // ksqlDB's defaults: GRACE PERIOD 24 hours, RETENTION 1 day, at least
    // size + grace.
    time_window make_window(const ast::window_spec& w) const {
        constexpr int64_t day = 86'400'000;
        time_window t;
        t.hopping = w.kind == ast::window_kind::hopping;
        t.session = w.kind == ast::window_kind::session;
        t.size_ms = w.size_ms;
        t.advance_ms = t.hopping ? w.advance_ms : w.size_ms;
        if (t.session && select_.emit_final) {
            fail(select_.pos, "EMIT FINAL with WINDOW SESSION is not supported yet",
                 errc::unsupported);
        }
        if (t.size_ms <= 0) {
            fail(w.pos, "the window SIZE must be positive");
        }
        if (t.advance_ms <= 0 || t.advance_ms > t.size_ms) {
            fail(w.pos, "ADVANCE BY must be positive and no larger than the window SIZE");
        }
        t.grace_ms = w.grace_ms.value_or(day);
        t.retention_ms = std::max(w.retention_ms.value_or(day), t.size_ms + t.grace_ms);
        return t;
    }

    static std::string join_comma(const std::vector<std::string>& items) {
        std::string s;
        for (const auto& i : items) {
            s += (s.empty() ? "" : ", ") + i;
        }
        return s;
    }

    // The projection of each GROUP BY expression (a bare reference to its
    // column of the aggregate row) becomes a key column.
    void group_keys(query_plan& p, const source_def& sink) const {
        std::vector<projection> keys;
        std::vector<std::string> missing;
        for (size_t g = 0; g < select_.group_by.size(); ++g) {
            std::vector<size_t> found;
            for (size_t i = 0; i < p.projections.size(); ++i) {
                const auto* c = dynamic_cast<const nodes::column_ref*>(p.projections[i].expr.get());
                if (c != nullptr && c->index() == g) {
                    found.push_back(i);
                }
            }
            if (found.empty()) {
                missing.push_back(ast::to_sql(*select_.group_by[g]));
                continue;
            }
            if (found.size() > 1) {
                fail(select_.pos, "The projection contains a key column more than once: `" +
                                      p.projections[found[0]].name + "` and `" +
                                      p.projections[found[1]].name + "`.");
            }
            p.projections[found[0]].is_key = true;
        }
        if (!missing.empty()) {
            std::string list = join_comma(missing);
            fail(select_.pos, "The query used to build `" + sink.name + "`" +
                                  " must include the grouping expression" +
                                  (missing.size() > 1 ? "s " : " ") + join_and(missing) +
                                  " in its projection (eg, SELECT " + list + "...).");
        }
        for (size_t g = 0; g < select_.group_by.size(); ++g) {
            auto it =
                std::find_if(p.projections.begin(), p.projections.end(), [&](const projection& pr) {
                    const auto* c = dynamic_cast<const nodes::column_ref*>(pr.expr.get());
                    return pr.is_key && c != nullptr && c->index() == g;
                });
            keys.push_back(std::move(*it));
            p.projections.erase(it);
        }
        if (p.projections.empty()) {
            fail(select_.pos, "The projection contains no value columns.");
        }
        p.projections.insert(p.projections.begin(), std::make_move_iterator(keys.begin()),
                             std::make_move_iterator(keys.end()));
    }

    // GROUP BY the source's key columns, in order: no repartition needed.
    static bool groups_by_source_key(const aggregation& agg, const source_def& source) {
        size_t k = 0;
        for (size_t i = 0; i < source.columns.size(); ++i) {
            if (source.columns[i].origin != column_origin::key) {
                continue;
            }
            if (k >= agg.group_by.size()) {
                return false;
            }
            const auto* c = dynamic_cast<const nodes::column_ref*>(agg.group_by[k].get());
            if (c == nullptr || c->index() != i) {
                return false;
            }
            ++k;
        }
        return k > 0 && k == agg.group_by.size();
    }

    // GROUP BY the join key of a two-source join (either side's expression
    // or ROWKEY): each joined row is in the partition of its join key
    // already. A non-NULL group value equals the join key (NULL groups are
    // dropped), whatever the join's kind.
    static bool groups_by_join_key(const aggregation& agg, const source_join& sj) {
        if (agg.group_by.size() != 1) {
            return false;
        }
        const expr_ptr& g = agg.group_by[0];
        const auto* c = dynamic_cast<const nodes::column_ref*>(g.get());
        return (c != nullptr && c->index() == sj.key_column) || same(g, sj.left_expr) ||
               same(g, sj.right_expr);
    }

    void partition(query_plan& p) {
        if (select_.partition_by.empty()) {
            // The stream's key columns pass through when projected as they are.
            for (auto& pr : p.projections) {
                const auto* c = dynamic_cast<const nodes::column_ref*>(pr.expr.get());
                if (c != nullptr && c->index() < p.source.columns.size() &&
                    p.source.columns[c->index()].origin == column_origin::key) {
                    pr.is_key = true;
                    pr.key_only = true;
                }
            }
            return;
        }
        if (select_.partition_by.size() == 1) {
            const ast::expr& pb = *select_.partition_by[0];
            if (pb.kind == ast::expr_kind::literal && pb.lit_is_null) {
                return;  // PARTITION BY NULL: no key
            }
        }
        // Each expression becomes one key column, in PARTITION BY order; the
        // key columns move to the front of the projections (the sink's order).
        std::vector<projection> keys;
        for (const auto& pb_ptr : select_.partition_by) {
            const ast::expr& pb = *pb_ptr;
            if (pb.kind == ast::expr_kind::literal && pb.lit_is_null) {
                fail(pb.pos, "PARTITION BY NULL can't be combined with other expressions");
            }
            auto e = bind(pb);
            auto it = std::find_if(p.projections.begin(), p.projections.end(),
                                   [&](const projection& pr) { return same(pr.expr, e); });
            if (it == p.projections.end()) {
                bool already = std::any_of(keys.begin(), keys.end(),
                                           [&](const projection& k) { return same(k.expr, e); });
                fail(pb.pos, already ? "PARTITION BY lists " + ast::to_sql(pb) + " twice"
                                     : "the PARTITION BY expression " + ast::to_sql(pb) +
                                           " becomes a key column: include it in the SELECT "
                                           "list");
            }
            it->is_key = true;
            it->key_only = reads_only_stream_key(pb, p);
            keys.push_back(std::move(*it));
            p.projections.erase(it);
            p.partition_by_columns.push_back(e);
        }
        p.partition_by = p.partition_by_columns.front();
        p.projections.insert(p.projections.begin(), std::make_move_iterator(keys.begin()),
                             std::make_move_iterator(keys.end()));
    }

    // Whether e reads no column but the stream's key columns (a constant
    // counts): ksqlDB computes such a PARTITION BY key from the record key
    // alone, so also for a record with a null value; other key expressions
    // read its value row (pseudo-columns included), which is then null.
    bool reads_only_stream_key(const ast::expr& e, const query_plan& p) const {
        if (e.kind == ast::expr_kind::pseudo_column || e.kind == ast::expr_kind::lambda) {
            return false;  // a lambda's parameters are no columns to bind alone
        }
        if (e.kind == ast::expr_kind::column) {
            const expr_ptr bound = bind(e);  // keeps the node alive while c is read
            const auto* c = dynamic_cast<const nodes::column_ref*>(bound.get());
            return c != nullptr && c->index() < p.source.columns.size() &&
                   p.source.columns[c->index()].origin == column_origin::key;
        }
        auto key_only = [&](const ast::expr_ptr& x) {
            return x == nullptr || reads_only_stream_key(*x, p);
        };
        return std::all_of(e.args.begin(), e.args.end(), key_only) &&
               std::all_of(e.when_conditions.begin(), e.when_conditions.end(), key_only) &&
               std::all_of(e.when_results.begin(), e.when_results.end(), key_only) &&
               key_only(e.case_operand) && key_only(e.case_else);
    }

    // A KAFKA-format key holds one column (ksqlDB: "The 'KAFKA' format only
    // supports a single field"); several key columns need KEY_FORMAT JSON
    // (the key is then a JSON object of the key columns) or DELIMITED.
    void check_key_format(const query_plan& p, const source_def& sink) const {
        size_t n = std::count_if(p.projections.begin(), p.projections.end(),
                                 [](const projection& pr) { return pr.is_key; });
        if (n > 1 && sink.key_format.format == data_format::kafka) {
            ast::source_pos pos = !select_.partition_by.empty() ? select_.partition_by[1]->pos
                                  : !select_.group_by.empty()   ? select_.group_by[1]->pos
                                                                : select_.pos;
            fail(pos, std::to_string(n) +
                          " key columns need KEY_FORMAT='JSON' (or 'DELIMITED'): the KAFKA key "
                          "format holds a single column; add KEY_FORMAT='JSON' to WITH (...)");
        }
    }

    const ast::select_stmt& select_;
    const ast::statement& stmt_;
    const catalog_view& catalog_;
    error_source src_;
    bind_scope scope_;
    std::vector<bool> reads_;  // scope_.reads
    size_t next_index_ = 0;
    std::pair<std::string, std::string> join_sides_sql_;  // ON's (left, right) sides as SQL
    std::vector<table_join_key> table_keys_;              // of each TABLE join, in order
    std::vector<std::string> qualifiers_;
    std::vector<const source_def*> defs_;
    bool transient_ = false;  // a bare SELECT (plan_transient)
};

std::string schema_text(const std::vector<column_def>& cols) {
    std::string s;
    for (const auto& c : cols) {
        s += (s.empty() ? "" : ", ") + ast::quote_identifier(c.name) + " " + c.type.to_string() +
             (c.origin == column_origin::key ? " KEY" : "");
    }
    return s;
}

// DLQ_TOPIC='t' (clickstream extension) overrides "<sink topic>-dlq".
status apply_dlq(const ast::properties& with, const ast::statement& stmt, query_plan& p) {
    if (const auto* d = with.find("DLQ_TOPIC")) {
        if (d->type.kind != type_kind::string || d->val.as_string().empty()) {
            return error{errc::invalid_argument,
                         format_sql_error(stmt, d->pos, "DLQ_TOPIC must be a non-empty string")};
        }
        p.dlq_topic = d->val.as_string();
    }
    return {};
}

}  // namespace

result<query_plan> plan_select(const ast::select_stmt& select, const ast::statement& stmt,
                               const catalog_view& catalog, source_def sink) {
    try {
        return select_planner(select, stmt, catalog).plan(std::move(sink));
    } catch (plan_failure& f) {
        return std::move(f.err);
    }
}

namespace {

// ksqlDB's Analyzer.addDummyGroupbyForUdafs: a push query whose SELECT calls
// an aggregate without GROUP BY aggregates every record as one group, a
// constant's.
ast::select_stmt with_implicit_group(const ast::select_stmt& select) {
    ast::select_stmt s = select;
    const bool push = select.emit_changes || select.emit_final;
    const bool aggregates =
        std::any_of(select.items.begin(), select.items.end(), [](const ast::select_item& i) {
            return !i.star && i.expression != nullptr && calls_aggregate(*i.expression);
        });
    if (push && aggregates && select.group_by.empty()) {
        auto one = std::make_shared<ast::expr>();
        one->kind = ast::expr_kind::literal;
        one->lit = value(true);
        one->lit_type = sql_type::boolean();
        one->pos = select.pos;
        s.group_by.push_back(std::move(one));
    }
    return s;
}

}  // namespace

result<query_plan> plan_transient(const ast::select_stmt& original, const ast::statement& stmt,
                                  const catalog_view& catalog) {
    const ast::select_stmt select = with_implicit_group(original);
    source_def sink;
    sink.name = "TRANSIENT";
    const source_def* from = catalog.find(select.from.name);
    sink.kind = from != nullptr ? from->kind : source_kind::stream;
    if (!select.group_by.empty()) {
        sink.kind = source_kind::table;  // an aggregation's result
    }
    // Rows are handed over as values, never encoded: JSON holds any shape
    // (several key columns too).
    sink.key_format.format = data_format::json;
    sink.value_format.format = data_format::json;
    try {
        return select_planner(select, stmt, catalog, true).plan(std::move(sink));
    } catch (plan_failure& f) {
        return std::move(f.err);
    }
}

result<query_plan> plan_create_as_select(const ast::create_as_select_stmt& create,
                                         const ast::statement& stmt, const catalog_view& catalog) {
    const source_def* from = catalog.find(create.select.from.name);
    source_def sink;
    sink.name = create.name;
    sink.kind = create.kind;
    sink.sql = stmt.text;
    sink.topic = create.name;
    if (from != nullptr) {
        // Unset formats, PARTITIONS and REPLICAS come from the stream read.
        // WRAP_SINGLE_VALUE does not: unset, the sink wraps (ksqlDB takes it
        // from ksql.persistence.wrap.single.values, default true).
        sink.key_format = from->key_format;
        sink.value_format = from->value_format;
        sink.value_format.wrap_single_value = true;
        sink.partitions = from->partitions;
        sink.replicas = from->replicas;
    }
    static constexpr std::string_view extra[] = {"DLQ_TOPIC"};
    auto st = apply_with_properties(create.with, sink, stmt, extra);
    if (!st.ok()) {
        return st.err();
    }
    auto p = plan_select(create.select, stmt, catalog, std::move(sink));
    if (!p.ok()) {
        return p;
    }
    if (auto w = check_wrap_single_value(create.with, p->sink, stmt); !w.ok()) {
        return w.err();
    }
    if (p->sink.timestamp_column && p->sink.find_column(*p->sink.timestamp_column) == nullptr) {
        return error{errc::invalid_argument,
                     format_sql_error(stmt, create.with.find("TIMESTAMP")->pos,
                                      "TIMESTAMP column " + *p->sink.timestamp_column +
                                          " is not an output column")};
    }
    if (auto d = apply_dlq(create.with, stmt, *p); !d.ok()) {
        return d.err();
    }
    return p;
}

result<query_plan> plan_insert_select(const ast::insert_select_stmt& insert,
                                      const ast::statement& stmt, const catalog_view& catalog) {
    const source_def* target = catalog.find(insert.target);
    if (target == nullptr) {
        auto names = catalog.names();
        return error{errc::not_found,
                     format_sql_error(stmt, insert.target_pos,
                                      "unknown stream " + ast::quote_identifier(insert.target) +
                                          did_you_mean(insert.target, names))};
    }
    if (target->kind != source_kind::stream || target->is_source) {
        return error{errc::invalid_argument,
                     format_sql_error(stmt, insert.target_pos,
                                      "INSERT INTO needs a (non-SOURCE) stream; " +
                                          ast::quote_identifier(insert.target) + " is not one")};
    }
    for (const auto& prop : insert.with.items) {
        if (prop.name != "QUERY_ID" && prop.name != "DLQ_TOPIC") {
            static const std::vector<std::string> allowed = {"QUERY_ID", "DLQ_TOPIC"};
            return error{errc::invalid_argument,
                         format_sql_error(
                             stmt, prop.pos,
                             "unknown property " + prop.name + did_you_mean(prop.name, allowed))};
        }
    }
    auto p = plan_select(insert.select, stmt, catalog, *target);
    if (!p.ok()) {
        return p;
    }
    // The result must have the target's schema exactly.
    std::vector<column_def> produced = p->sink.columns;
    bool same = produced.size() == target->columns.size();
    for (size_t i = 0; same && i < produced.size(); ++i) {
        const auto& a = produced[i];
        const auto& b = target->columns[i];
        bool key_a = a.origin == column_origin::key;
        bool key_b = b.origin == column_origin::key;
        same = a.name == b.name && a.type == b.type && key_a == key_b;
    }
    if (!same) {
        return error{errc::invalid_argument,
                     format_sql_error(stmt, insert.select.pos,
                                      "the SELECT's columns don't match " +
                                          ast::quote_identifier(target->name) + ": it produces (" +
                                          schema_text(produced) + ") but the stream has (" +
                                          schema_text(target->columns) + ")")};
    }
    p->sink = *target;
    if (auto d = apply_dlq(insert.with, stmt, *p); !d.ok()) {
        return d.err();
    }
    return p;
}

}  // namespace cs::streams
