// The persistent-query half of the engine: CSAS, INSERT INTO, TERMINATE,
// INSERT VALUES, and the runners' lifecycle.

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/time_zone.h"
#include "client/admin.h"
#include "client/producer.h"
#include "streams/binder.h"
#include "streams/engine.h"
#include "streams/serde.h"
#include "streams/sql_error.h"
#include "streams/time_format.h"

namespace cs::streams {

using namespace std::chrono_literals;

timestamp_parser engine::parser_for(const source_def& def) {
    if (!def.timestamp_format) {
        return {};
    }
    auto fmt = time_format::compile(*def.timestamp_format);
    if (!fmt) {
        return {};
    }
    auto shared = std::make_shared<time_format>(std::move(*fmt));
    return [shared](std::string_view text) -> result<int64_t> {
        return shared->parse(text, time_zone::utc());
    };
}

result<runner_options> engine::make_runner_options(
    const std::map<std::string, std::string>& props) const {
    runner_options o;
    o.service_id = options_.service_id;
    o.poll_timeout = options_.poll_timeout;
    o.table_load_timeout = options_.table_load_timeout;
    for (const char* k : {"auto.offset.reset", "ksql.streams.auto.offset.reset"}) {
        if (auto it = props.find(k); it != props.end()) {
            o.auto_offset_reset = it->second;
        }
    }
    for (const char* k : {"commit.interval.ms", "ksql.streams.commit.interval.ms"}) {
        if (auto it = props.find(k); it != props.end()) {
            auto ms = parse_int64(it->second);
            if (!ms || *ms < 0) {
                return error{errc::invalid_argument,
                             fmt::format("property {}: '{}' is not a number of milliseconds "
                                         "(0 or more)",
                                         k, it->second)};
            }
            o.commit_interval = std::chrono::milliseconds(*ms);
        }
    }
    for (const char* k : {"processing.guarantee", "ksql.streams.processing.guarantee"}) {
        if (auto it = props.find(k); it != props.end()) {
            auto g = parse_processing_guarantee(k, it->second);
            if (!g) {
                return g.take_error();
            }
            o.guarantee = *g;
        }
    }
    return o;
}

result<statement_result> engine::create_as_select(const ast::create_as_select_stmt& c,
                                                  const ast::statement& stmt, bool replaying) {
    if (find(c.name) != nullptr) {
        if (c.if_not_exists) {
            return statement_result::of_message(
                fmt::format("A source named {} already exists.", c.name));
        }
        if (c.or_replace) {
            return replace_query(c, stmt, replaying);
        }
        return error{errc::already_exists,
                     format_sql_error(stmt, c.name_pos,
                                      fmt::format("Cannot add stream '{}': A stream with "
                                                  "the same name already exists",
                                                  c.name))};
    }
    auto plan = plan_create_as_select(c, stmt, *this);
    if (!plan) {
        return plan.err();
    }
    // ksqlDB's names: CSAS_ for a stream, CTAS_ for a table.
    plan->id = fmt::format("{}_{}_{}", c.kind == source_kind::table ? "CTAS" : "CSAS", c.name,
                           next_query_number_);
    plan->sql = stmt.text;
    plan->sink.sql = stmt.text;
    auto r = add_query(std::move(*plan), true, replaying);
    if (r && !replaying) {
        ++next_query_number_;
        // add_query recorded nothing: the statement goes to the log only
        // once the query runs, so a failing start leaves no trace.
    } else if (r) {
        ++next_query_number_;
    }
    return r;
}

namespace {

// Why `next` cannot replace the query that writes `old`, or "" when it can
// (ksqlDB's rules for CREATE OR REPLACE ... AS SELECT): the same source and
// sink topic, formats and key columns, and every column of the old sink
// kept, in order, with its type; new value columns may follow.
std::string replacement_refused(const query_plan& old_plan, const query_plan& next) {
    if (old_plan.aggregate || next.aggregate) {
        // Its state (the changelog) is laid out for the old aggregation.
        return "replacing a GROUP BY query is not supported yet";
    }
    if (next.source.name != old_plan.source.name) {
        return fmt::format("its source is {}, not {}", old_plan.source.name, next.source.name);
    }
    const source_def& a = old_plan.sink;
    const source_def& b = next.sink;
    if (a.topic != b.topic) {
        return fmt::format("it writes topic '{}', not '{}'", a.topic, b.topic);
    }
    if (a.key_format.format != b.key_format.format ||
        a.value_format.format != b.value_format.format) {
        return "its key and value formats cannot change";
    }
    if (b.columns.size() < a.columns.size()) {
        return fmt::format("it has {} columns; a replacement may add columns but not drop any",
                           a.columns.size());
    }
    for (size_t i = 0; i < b.columns.size(); ++i) {
        const column_def& n = b.columns[i];
        if (i >= a.columns.size()) {
            if (n.origin == column_origin::key) {
                return fmt::format("a key column ({}) cannot be added", n.name);
            }
            continue;
        }
        const column_def& o = a.columns[i];
        if (o.name != n.name || !(o.type == n.type) || o.origin != n.origin) {
            return fmt::format(
                "column {} ({} {}) would become {} ({} {}): existing columns "
                "keep their names, types and order",
                i + 1, o.name, o.type.to_string(), n.name, n.name, n.type.to_string());
        }
    }
    return "";
}

}  // namespace

// CREATE OR REPLACE STREAM x AS SELECT over the query that writes x: the
// query keeps its id, hence its consumer group and committed offsets, and
// goes on from where the old one stopped with the new projection, filter
// or joins (as ksqlDB's in-place upgrade).
result<statement_result> engine::replace_query(const ast::create_as_select_stmt& c,
                                               const ast::statement& stmt, bool replaying) {
    persistent_query* q = nullptr;
    {
        std::lock_guard lock(queries_mu_);
        for (const auto& p : queries_) {
            if (p->sink == c.name && (p->id.starts_with("CSAS_") || p->id.starts_with("CTAS_"))) {
                q = p.get();
            }
        }
    }
    if (q == nullptr) {
        return error{errc::invalid_argument,
                     format_sql_error(stmt, c.name_pos,
                                      fmt::format("Cannot replace {}: no running query writes it "
                                                  "(CREATE OR REPLACE ... AS SELECT replaces the "
                                                  "query of an earlier CREATE ... AS SELECT)",
                                                  c.name))};
    }
    auto plan = plan_create_as_select(c, stmt, *this);
    if (!plan) {
        return plan.err();
    }
    if (std::string why = replacement_refused(q->plan, *plan); !why.empty()) {
        return error{
            errc::invalid_argument,
            format_sql_error(stmt, c.name_pos,
                             fmt::format("Cannot upgrade query {} of {}: {}", q->id, c.name, why))};
    }
    plan->id = q->id;
    plan->sql = stmt.text;
    plan->sink.sql = stmt.text;
    if (plan->sink.partitions <= 0) {
        plan->sink.partitions = q->plan.sink.partitions;
    }
    // Stopping commits what the old query processed; the new one resumes there.
    std::unique_ptr<query_runner> old_runner = std::move(q->runner);
    if (old_runner) {
        old_runner->stop();
    }
    // Status readers see one plan or the other.
    auto install = [&](query_plan& p, std::string& sql) {
        std::lock_guard lock(queries_mu_);
        std::swap(q->plan, p);
        std::swap(q->sql, sql);
        q->sources = source_names(q->plan);
    };
    std::string sql = stmt.text;
    install(*plan, sql);  // *plan and sql now hold the old ones
    auto restore = [&] {
        install(*plan, sql);
        q->runner.reset();
        q->started = false;
        if (old_runner && start_query(*q)) {
            log::get("streams")->warn("query {}: the replacement failed; the old query runs again",
                                      q->id);
        }
    };
    if (!replaying) {
        q->started = false;
        if (auto st = start_query(*q); !st) {
            restore();
            return st.err();
        }
        if (auto st = record(stmt); !st) {
            q->runner->stop();
            restore();
            return st.err();
        }
    }
    source_def sink = q->plan.sink;
    sources_.insert_or_assign(sink.name, std::move(sink));
    log::get("streams")->info("query {} replaced: {}", q->id, stmt.text);
    return statement_result::of_message(fmt::format("Replaced query {} of {}", q->id, c.name),
                                        q->id);
}

result<statement_result> engine::insert_select(const ast::insert_select_stmt& c,
                                               const ast::statement& stmt, bool replaying) {
    auto plan = plan_insert_select(c, stmt, *this);
    if (!plan) {
        return plan.err();
    }
    plan->id = fmt::format("INSERTQUERY_{}", next_query_number_);
    if (const auto* qid = c.with.find("QUERY_ID");
        qid != nullptr && qid->type.kind == type_kind::string) {
        plan->id = ascii_upper(qid->val.as_string());
    }
    plan->sql = stmt.text;
    auto r = add_query(std::move(*plan), false, replaying);
    if (r) {
        ++next_query_number_;
    }
    return r;
}

result<statement_result> engine::add_query(query_plan plan, bool new_sink, bool replaying) {
    {
        std::lock_guard lock(queries_mu_);
        for (const auto& q : queries_) {
            if (q->id == plan.id) {
                return error{errc::already_exists,
                             fmt::format("a query with id {} already exists", plan.id)};
            }
        }
    }
    if (!replaying) {
        // The sink topic exists when the statement returns (as in ksqlDB).
        auto have = topic_partitions(plan.sink.topic);
        if (!have) {
            return have.err();
        }
        int32_t want = plan.sink.partitions > 0 ? plan.sink.partitions : plan.source.partitions;
        if (*have == 0) {
            auto created = admin_->create_topics({client::new_topic{
                .name = plan.sink.topic,
                .partitions = want > 0 ? want : -1,
                .replication_factor = plan.sink.replicas > 0 ? plan.sink.replicas : -1,
                .configs = {}}});
            if (!created) {
                return created.err();
            }
            for (const auto& s : *created) {
                if (!s.ok() && s.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                    return error{errc::io, fmt::format("cannot create topic {}: {}",
                                                       plan.sink.topic, s.message)};
                }
            }
        } else if (new_sink && plan.sink.partitions > 0 && *have != plan.sink.partitions) {
            return error{errc::invalid_argument,
                         fmt::format("A Kafka topic with the name '{}' already exists, with "
                                     "different partition count: {} partitions, not {}",
                                     plan.sink.topic, *have, plan.sink.partitions)};
        }
    }
    auto q = std::make_unique<persistent_query>();
    q->id = plan.id;
    q->sql = plan.sql;
    q->sink = plan.sink.name;
    q->sources = source_names(plan);
    if (new_sink) {
        source_def sink = plan.sink;
        sink.sql = plan.sql;
        if (sink.partitions <= 0) {
            sink.partitions = plan.source.partitions;
        }
        sources_.insert_or_assign(sink.name, std::move(sink));
        source_order_.push_back(plan.sink.name);
    }
    q->plan = std::move(plan);
    std::string id = q->id;
    persistent_query* raw = q.get();
    {
        std::lock_guard lock(queries_mu_);
        queries_.push_back(std::move(q));
    }
    if (replaying) {
        return statement_result::of_message(fmt::format("Created query with ID {}", id), id);
    }
    auto undo = [&] {
        std::lock_guard lock(queries_mu_);
        if (raw->runner) {
            raw->runner->stop();
        }
        if (new_sink) {
            sources_.erase(raw->sink);
            std::erase(source_order_, raw->sink);
        }
        std::erase_if(queries_, [&](const auto& p) { return p.get() == raw; });
    };
    if (auto st = start_query(*raw); !st) {
        undo();
        return st.err();
    }
    ast::statement stmt;
    stmt.text = raw->sql;
    if (auto st = record(stmt); !st) {
        undo();
        return st.err();
    }
    return statement_result::of_message(fmt::format("Created query with ID {}", id), id);
}

result<std::shared_ptr<table_reader>> engine::reader_for(const source_def& table) {
    if (auto it = readers_.find(table.name); it != readers_.end()) {
        return it->second;
    }
    auto store = table_store::create(table);
    if (!store) {
        return store.err();
    }
    auto reader = table_reader::start(std::move(*store), settings_, parser_for(table));
    if (!reader) {
        return reader.err();
    }
    std::shared_ptr<table_reader> shared = std::move(*reader);
    readers_.emplace(table.name, shared);
    return shared;
}

status engine::start_query(persistent_query& q) {
    std::vector<std::shared_ptr<table_reader>> tables;
    for (const auto& t : q.plan.tables) {
        auto r = reader_for(t);
        if (!r) {
            return r.err();
        }
        tables.push_back(std::move(*r));
    }
    auto o = make_runner_options(session_props_);
    if (!o) {
        return o.err();
    }
    o->parse_timestamp = parser_for(q.plan.source);
    auto runner = query_runner::create(q.plan, std::move(tables), settings_, std::move(*o));
    if (!runner) {
        return runner.err();
    }
    q.runner = std::move(*runner);
    q.runner->start();
    q.started = true;
    return {};
}

result<statement_result> engine::terminate(const ast::terminate_stmt& t) {
    std::vector<std::unique_ptr<persistent_query>> stopped;
    {
        std::lock_guard lock(queries_mu_);
        auto it = std::partition(queries_.begin(), queries_.end(),
                                 [&](const auto& q) { return !(t.all || q->id == t.query_id); });
        std::move(it, queries_.end(), std::back_inserter(stopped));
        queries_.erase(it, queries_.end());
    }
    if (stopped.empty() && !t.all) {
        std::vector<std::string> ids;
        for (const auto& s : query_statuses()) {
            ids.push_back(s.id);
        }
        return error{errc::not_found, fmt::format("Unknown queryId: {}{}", t.query_id,
                                                  did_you_mean(t.query_id, ids))};
    }
    for (auto& q : stopped) {
        if (q->runner) {
            const auto begin = std::chrono::steady_clock::now();
            q->runner->stop();
            log::get("streams")->info(
                "query {} terminated in {} ms ({} records consumed, {} produced, {} to the DLQ, "
                "{} transactions committed, {} aborted)",
                q->id,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - begin)
                    .count(),
                q->runner->counters().consumed.load(), q->runner->counters().produced.load(),
                q->runner->counters().dlq.load(), q->runner->counters().txn_committed.load(),
                q->runner->counters().txn_aborted.load());
        }
    }
    return statement_result::of_message(t.all ? "All queries terminated." : "Query terminated.",
                                        t.all ? "" : t.query_id);
}

result<statement_result> engine::insert_values(const ast::insert_values_stmt& c) {
    const source_def* target = find(c.target);
    if (target == nullptr) {
        return error{errc::not_found, fmt::format("Source {} does not exist{}", c.target,
                                                  did_you_mean(c.target, source_order_))};
    }
    std::vector<size_t> cols;
    // The ROWTIME pseudo column may be given (ksqlDB's insert-values.md):
    // the record's timestamp. Its value's position among the values:
    std::optional<size_t> rowtime_at;
    if (c.columns.empty()) {
        for (size_t i = 0; i < target->columns.size(); ++i) {
            if (target->columns[i].origin == column_origin::key ||
                target->columns[i].origin == column_origin::value) {
                cols.push_back(i);
            }
        }
    } else {
        for (size_t i = 0; i < c.columns.size(); ++i) {
            const column_def* col = target->find_column(c.columns[i]);
            if (col == nullptr && c.columns[i] == "ROWTIME" && !rowtime_at) {
                rowtime_at = i;
                continue;
            }
            if (col == nullptr) {
                std::vector<std::string> names;
                for (const auto& cd : target->columns) {
                    names.push_back(cd.name);
                }
                return error{errc::not_found, fmt::format("unknown column {}{}", c.columns[i],
                                                          did_you_mean(c.columns[i], names))};
            }
            cols.push_back(static_cast<size_t>(col - target->columns.data()));
        }
    }
    const size_t expected = cols.size() + (rowtime_at ? 1 : 0);
    if (expected != c.values.size()) {
        return error{
            errc::invalid_argument,
            fmt::format("Expected {} values for the columns, got {}", expected, c.values.size())};
    }
    row r(target->columns.size());
    int64_t rowtime = 0;  // 0: the producer's clock
    for (size_t i = 0, col = 0; i < c.values.size(); ++i) {
        if (rowtime_at == i) {
            auto v = eval_constant(*c.values[i], sql_type::bigint());
            if (!v) {
                return v.err();
            }
            if (v->is_null() || v->as_bigint() < 0) {
                return error{errc::invalid_argument,
                             fmt::format("ROWTIME must be a timestamp in milliseconds (>= 0), "
                                         "got {}",
                                         ast::to_sql(*c.values[i]))};
            }
            rowtime = v->as_bigint();
            continue;
        }
        auto v = eval_constant(*c.values[i], target->columns[cols[col]].type);
        if (!v) {
            return v.err();
        }
        r[cols[col++]] = std::move(*v);
    }
    auto encoder = row_encoder::create(*target);
    if (!encoder) {
        return encoder.err();
    }
    std::string key;
    std::string val;
    bool key_null = true;
    if (auto st = (*encoder)->encode(r, key, key_null, val); !st) {
        return st.err();
    }
    config::diagnostics diags;
    client::client_settings ps = settings_;
    ps.set("acks", "all", "INSERT VALUES");
    client::default_to_java_partitioner(ps, "INSERT VALUES (as ksqlDB)");
    auto producer = client::producer::create(ps, diags);
    if (!producer) {
        return producer.err();
    }
    client::outgoing_record rec{
        .topic = target->topic,
        .key = key_null ? std::nullopt : std::optional<std::string_view>(key),
        .value = val,
        .timestamp_ms = rowtime};
    if (auto st = (*producer)->send(rec); !st) {
        return st.err();
    }
    if (auto st = (*producer)->flush(30s); !st) {
        return st.err();
    }
    if ((*producer)->stats().failed > 0) {
        return error{errc::io,
                     "INSERT VALUES: the record was not delivered: " + (*producer)->summary()};
    }
    return statement_result::of_message("");
}

std::vector<query_status> engine::query_statuses() const {
    std::vector<query_status> out;
    std::lock_guard lock(queries_mu_);
    for (const auto& q : queries_) {
        query_status s;
        s.id = q->id;
        s.sink = q->sink;
        s.sql = q->sql;
        if (q->runner) {
            const auto& c = q->runner->counters();
            s.state = q->runner->state();
            s.consumed = c.consumed.load();
            s.produced = c.produced.load();
            s.dlq = c.dlq.load();
            s.lag = c.lag.load();
            s.exactly_once = q->runner->guarantee() == processing_guarantee::exactly_once_v2;
            s.txn_committed = c.txn_committed.load();
            s.txn_aborted = c.txn_aborted.load();
            s.error = q->runner->last_error();
        }
        out.push_back(std::move(s));
    }
    return out;
}

size_t engine::running_queries() const {
    std::lock_guard lock(queries_mu_);
    return queries_.size();
}

void engine::stop_all() {
    std::lock_guard statement_lock(statement_mu_);
    std::vector<std::unique_ptr<persistent_query>> all;
    {
        std::lock_guard lock(queries_mu_);
        all.swap(queries_);
    }
    for (auto& q : all) {
        if (q->runner) {
            q->runner->stop();
        }
    }
    for (auto& [name, r] : readers_) {
        r->stop();
    }
    readers_.clear();
}

}  // namespace cs::streams
