// query_runner for GROUP BY (CREATE TABLE ... AS SELECT ... GROUP BY), as
// Kafka Streams runs ksqlDB's aggregation:
//
// - When the group key is not the source's key, the first stage (decode,
//   joins, WHERE) writes each record to the repartition topic
//   (`<group>-Aggregate-GroupBy-repartition`, as many partitions as the
//   source) keyed by the group key, its value the joined row as JSON; the
//   same consumer group reads that topic too, so each group key is
//   aggregated in the one process that owns its repartition partition.
// - The aggregation keeps, per partition of its input, each group's
//   accumulators in memory and writes every update to the compacted
//   changelog topic (`<group>-Aggregate-Aggregate-Materialize-changelog`,
//   the same partition as the input record's). A partition's state is read
//   back from the changelog before its first record is aggregated (after a
//   start or a rebalance), and dropped when the partition is revoked.
// - Each update emits the group's row (EMIT CHANGES); a row HAVING rejects
//   becomes a tombstone of its key if the key's previous row passed (Kafka
//   Streams' KTable filter with old values).
// - A record whose group key has a NULL is dropped (counted as filtered); a
//   null value is skipped, as ksqlDB does.
//
// The output record's timestamp is the largest timestamp the group has
// seen (Kafka Streams' KStreamAggregate).
//
// A transient query (a bare SELECT ... GROUP BY) runs the same path with
// its state in memory only, gone when the query ends: no changelog is
// written or restored, and no repartition topic is needed as its one
// consumer reads every partition. Grouped by the source's key, its state is
// per source partition as above; grouped by anything else, one state holds
// every group (so WINDOW's stream time is the largest over all partitions,
// where ksqlDB has one per repartition partition). Rows go to
// emit_transient (send_output) instead of being encoded and produced.

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/log.h"
#include "streams/planner_aggregate.h"
#include "streams/query_runner.h"
#include "streams/repartition.h"

namespace cs::streams {

struct aggregate_group {
    row group_values;
    std::vector<agg_state> acc;
    int64_t ts = 0;
    bool emitted = false;      // the last row passed HAVING (was output)
    int64_t window_start = 0;  // WINDOW only
};

struct query_runner::aggregate_partition {
    // Key bytes (the group key, plus the window start when windowed).
    std::unordered_map<std::string, aggregate_group> groups;
    int64_t stream_time = -1;  // WINDOW: the largest ROWTIME seen
    int64_t next_expiry = 0;   // WINDOW: when to drop expired windows next
    int64_t next_final = 0;    // EMIT FINAL: when the next window closes
    // TUMBLING/HOPPING: window start -> the keys of its groups, so that
    // expiry and EMIT FINAL visit only the windows they end, not every
    // group held (a key may be listed twice, or after its group went).
    std::map<int64_t, std::vector<std::string>> window_keys;
    // EMIT FINAL: the windows starting before this were all emitted.
    int64_t final_from = INT64_MIN;
    // SESSION: group key bytes -> its sessions (start, end).
    std::unordered_map<std::string, std::vector<std::pair<int64_t, int64_t>>> sessions;
};

struct query_runner::aggregate_store {
    std::string repartition_topic;
    std::string changelog_topic;
    source_def state_def;  // key: the group columns; value: TS, EMITTED, V<j>, N<j>
    std::unique_ptr<row_encoder> state_encoder;
    std::unique_ptr<row_decoder> state_decoder;
    std::unique_ptr<row_repartition> repartition;  // of the joined row

    using group = aggregate_group;
    using partition_state = aggregate_partition;
    // Input partition -> state; a partition is present once restored.
    std::unordered_map<int32_t, partition_state> partitions;

    row group_values;  // of the current record
    // Table aggregation: what the record being aggregated does to its group.
    query_runner::table_change change = query_runner::table_change::add;
    row state_row;
    row agg_row;
    std::vector<agg_state> next;
    std::string key;
    std::string value_buf;
};

namespace {

constexpr size_t state_fixed = 2;  // TS, EMITTED

void append_be64(std::string& out, int64_t v) {
    std::byte b[8];
    store_be(b, static_cast<uint64_t>(v));
    out.append(reinterpret_cast<const char*>(b), sizeof b);
}

column_def column(std::string name, sql_type type, column_origin origin = column_origin::value) {
    column_def c;
    c.name = std::move(name);
    c.type = std::move(type);
    c.origin = origin;
    return c;
}

}  // namespace

status query_runner::create_aggregate() {
    const aggregation& agg = *plan_.aggregate;
    if (agg.table_source) {
        if (auto st = create_table_grouping(); !st) {
            return st;
        }
    }
    auto a = std::make_shared<aggregate_store>();
    a->repartition_topic = group_id_ + "-Aggregate-GroupBy-repartition";
    a->changelog_topic = group_id_ + "-Aggregate-Aggregate-Materialize-changelog";

    source_def& st = a->state_def;
    st.name = plan_.id + "-state";
    st.topic = a->changelog_topic;
    st.key_format = plan_.sink.key_format;
    st.value_format = {.format = data_format::json};
    for (size_t g = 0; g < agg.group_by.size(); ++g) {
        // A transient query need not select its GROUP BY expressions; its
        // state's key names its own columns.
        st.columns.push_back(column(transient() ? group_column_name(g) : plan_.sink.columns[g].name,
                                    agg.group_by[g]->type(), column_origin::key));
    }
    st.columns.push_back(column("TS", sql_type::bigint()));
    st.columns.push_back(column("EMITTED", sql_type::boolean()));
    for (size_t j = 0; j < agg.calls.size(); ++j) {
        st.columns.push_back(column(fmt::format("V{}", j), agg.calls[j].fn.state_type));
        st.columns.push_back(column(fmt::format("N{}", j), sql_type::bigint()));
    }
    if (auto s = make_row_serdes(st, a->state_encoder, a->state_decoder); !s) {
        return s;
    }

    if (agg.repartition) {
        // The joined row: the source's columns, a two-source join's right
        // side and join key, then the tables'.
        std::vector<sql_type> types = column_types(plan_.source);
        if (const auto& sj = plan_.two_source) {
            auto right = column_types(sj->right);
            types.insert(types.end(), right.begin(), right.end());
            types.push_back(sj->left_expr->type());
        }
        for (const auto& t : plan_.tables) {
            auto more = column_types(t);
            types.insert(types.end(), more.begin(), more.end());
        }
        auto rp = row_repartition::create(a->repartition_topic, plan_.id + "-repartition", types);
        if (!rp) {
            return rp.err();
        }
        a->repartition = std::move(*rp);
    }
    agg_ = std::move(a);
    return {};
}

std::vector<std::string> query_runner::aggregate_topic_names() const {
    std::vector<std::string> names = {agg_->changelog_topic};
    if (plan_.aggregate->repartition) {
        names.push_back(agg_->repartition_topic);
    }
    return names;
}

std::vector<client::new_topic> query_runner::aggregate_topics(int partitions, int replicas) const {
    std::vector<client::new_topic> topics;
    std::vector<std::pair<std::string, std::string>> configs = {{"cleanup.policy", "compact"}};
    if (const auto& w = plan_.aggregate->window) {
        // As Kafka Streams' window store changelogs: compacted and deleted
        // after the retention plus a day (windowstore.changelog.additional.retention.ms).
        configs = {{"cleanup.policy", "compact,delete"},
                   {"retention.ms", std::to_string(w->retention_ms + 86'400'000)}};
    }
    topics.push_back({.name = agg_->changelog_topic,
                      .partitions = partitions,
                      .replication_factor = replicas,
                      .configs = std::move(configs)});
    if (plan_.aggregate->repartition) {
        topics.push_back({.name = agg_->repartition_topic,
                          .partitions = partitions,
                          .replication_factor = replicas,
                          .configs = {}});
    }
    return topics;
}

bool query_runner::from_repartition(const client::message& m) const {
    return repartition_topic(m.topic());
}

bool query_runner::repartition_topic(std::string_view topic) const {
    if (agg_ && plan_.aggregate->repartition && topic == agg_->repartition_topic) {
        return true;
    }
    return rekeyed_side(topic) >= 0;
}

status query_runner::decode_repartitioned(const client::message& m, row& out, int64_t& rowtime) {
    if (auto st = agg_->repartition->decode(m, out, rowtime); !st) {
        return st;
    }
    out.resize(plan_.joined_width);
    return {};
}

bool query_runner::eval_group(const client::message& m, const eval_context& ctx, batch_state& b,
                              bool report) {
    const aggregation& agg = *plan_.aggregate;
    agg_->group_values.resize(agg.group_by.size());
    for (size_t g = 0; g < agg.group_by.size(); ++g) {
        auto v = agg.group_by[g]->eval(ctx);
        if (!v || (!report && v->is_null())) {
            if (!report) {
                return false;
            }
            send_to_dlq(m, "group",
                        fmt::format("GROUP BY {}: {}", agg.group_by[g]->to_sql(), v.err().message),
                        b);
            return false;
        }
        if (v->is_null()) {
            // ksqlDB drops it (and logs it to its processing log).
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        agg_->group_values[g] = std::move(*v);
    }
    // The group key's bytes (the changelog's and the output's key).
    aggregate_store& a = *agg_;
    a.state_row.resize(a.state_def.columns.size());
    for (size_t g = 0; g < agg.group_by.size(); ++g) {
        a.state_row[g] = a.group_values[g];
    }
    bool key_null = true;
    if (auto st = a.state_encoder->encode_key(a.state_row, a.key, key_null); !st) {
        if (report) {
            send_to_dlq(m, "encode", st.message(), b);
        }
        return false;
    }
    return true;
}

void query_runner::group_record(const client::message& m, const eval_context& ctx, batch_state& b) {
    if (!eval_group(m, ctx, b)) {
        return;
    }
    if (!plan_.aggregate->repartition || transient()) {
        update_group(m, ctx, b);
        return;
    }
    send_regrouped(m, ctx, b, std::nullopt);
}

bool query_runner::send_regrouped(const client::message& m, const eval_context& ctx, batch_state& b,
                                  std::optional<table_change> change) {
    aggregate_store& a = *agg_;
    if (auto st = a.repartition->encode(*ctx.joined); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return false;
    }
    std::vector<client::record_header> headers;
    if (change) {
        headers.push_back({std::string(table_change_header),
                           std::string(*change == table_change::add        ? "add"
                                       : *change == table_change::subtract ? "subtract"
                                                                           : "subtract-quiet")});
    }
    auto st = a.repartition->send(*producer_, a.key, ctx.record.rowtime, std::move(headers));
    if (!st) {
        if (!transaction_refused(st)) {
            fail(error{st.code(),
                       fmt::format("{}-{}@{}: cannot write to {}: {}", m.topic(), m.partition(),
                                   m.offset(), a.repartition_topic, st.message())});
        }
        return false;
    }
    ++b.regrouped;
    return true;
}

std::string& query_runner::group_key() {
    return agg_->key;
}

void query_runner::set_table_change(table_change c) {
    agg_->change = c;
}

void query_runner::aggregate_record(const client::message& m, const eval_context& ctx,
                                    batch_state& b) {
    if (eval_group(m, ctx, b)) {
        update_group(m, ctx, b);
    }
}

void query_runner::update_group(const client::message& m, const eval_context& ctx, batch_state& b) {
    aggregate_store& a = *agg_;
    // A transient query grouping by other than the key: one state for all.
    const int32_t part = transient() && plan_.aggregate->repartition ? 0 : m.partition();
    if (!a.partitions.contains(part) && !transient()) {
        if (auto st = restore_partition(part); !st) {
            fail(st.err());
            return;
        }
    }
    auto& ps = a.partitions[part];
    const auto& w = plan_.aggregate->window;
    if (!w) {
        update_window(m, ctx, b, ps.groups, a.key, std::nullopt);
        return;
    }
    // Kafka Streams' KStreamWindowAggregate: stream time per partition; a
    // window is closed once stream time passed its end plus the grace
    // period, and a record only for closed windows is dropped (late).
    const int64_t ts = ctx.record.rowtime;
    if (ts < 0) {
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (w->session) {
        update_session(m, ctx, b, ps);
        return;
    }
    ps.stream_time = std::max(ps.stream_time, ts);
    const int64_t close = ps.stream_time - w->grace_ms;
    const std::string group_key = a.key;
    const uint64_t outputs_before = b.outputs;
    const uint64_t dlq_before = b.dlq;
    const uint64_t filtered_before = counters_.filtered.load(std::memory_order_relaxed);
    for (int64_t start : w->windows_for(ts)) {
        if (start + w->size_ms <= close) {
            continue;
        }
        std::string key = group_key;
        append_be64(key, start);
        update_window(m, ctx, b, ps.groups, key, start, &ps.window_keys[start]);
        // EMIT FINAL: this window closes then at the latest.
        ps.next_final = std::min(ps.next_final, start + w->size_ms + w->grace_ms);
        if (state_.load() == query_state::failed) {
            return;
        }
    }
    if (plan_.aggregate->emit_final) {
        emit_closed_windows(m, ctx, b, ps);
    }
    if (b.outputs == outputs_before && b.dlq == dlq_before &&
        counters_.filtered.load(std::memory_order_relaxed) == filtered_before) {
        // Late (all its windows closed), or (EMIT FINAL) held until they close.
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);
    }
    if (ps.stream_time >= ps.next_expiry) {
        // Windows older than the retention go (Kafka Streams drops their
        // segments; the changelog's retention.ms drops their records).
        const int64_t oldest = ps.stream_time - w->retention_ms;
        auto& index = ps.window_keys;
        for (auto it = index.begin(); it != index.end() && it->first < oldest;
             it = index.erase(it)) {
            for (const auto& key : it->second) {
                ps.groups.erase(key);
            }
        }
        ps.next_expiry = ps.stream_time + w->advance_ms;
    }
}

void query_runner::update_window(const client::message& m, const eval_context& ctx, batch_state& b,
                                 aggregate_groups& groups, const std::string& key,
                                 std::optional<int64_t> window_start,
                                 std::vector<std::string>* new_keys) {
    const aggregation& agg = *plan_.aggregate;
    aggregate_store& a = *agg_;
    auto it = groups.find(key);
    a.next.clear();
    int64_t ts = ctx.record.rowtime;
    bool emitted = false;
    const table_change change = a.change;
    const bool subtract = change != table_change::add;
    if (it == groups.end()) {
        if (subtract) {
            // Nothing to take the row out of (Kafka Streams' KTableAggregate
            // skips the subtractor without an old aggregate).
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        for (const auto& c : agg.calls) {
            a.next.push_back(aggregate_init(c.fn));
        }
    } else {
        a.next = it->second.acc;
        ts = std::max(ts, it->second.ts);
        emitted = it->second.emitted;
    }
    for (size_t j = 0; j < agg.calls.size(); ++j) {
        const aggregate_call& c = agg.calls[j];
        value arg;
        if (c.arg) {
            auto v = c.arg->eval(ctx);
            if (!v) {
                send_to_dlq(m, "aggregate", fmt::format("{}: {}", c.sql, v.err().message), b);
                return;
            }
            arg = std::move(*v);
        }
        auto st =
            subtract ? aggregate_undo(c.fn, a.next[j], arg) : aggregate_add(c.fn, a.next[j], arg);
        if (!st) {
            send_to_dlq(m, "aggregate", fmt::format("{}: {}", c.sql, st.message()), b);
            return;
        }
    }
    const bool final_only = agg.emit_final;
    // A row that moves within its group: the "add" record that follows
    // emits (Kafka Streams' one Change of old and new).
    const bool quiet = change == table_change::subtract_quiet;
    int rendered = final_only || quiet
                       ? row_rejected
                       : render_row(m, ctx, a.group_values, a.next, window_start, b);
    if (rendered == row_failed) {
        return;
    }
    const bool pass = rendered == row_passed;
    if (new_keys != nullptr && it == groups.end()) {
        new_keys->push_back(key);
    }
    auto& g = groups[key];
    g.group_values = a.group_values;
    g.acc = std::move(a.next);
    g.ts = ts;
    g.emitted = quiet ? emitted : pass;
    g.window_start = window_start.value_or(0);
    if (!write_state(m, key, g, b)) {
        return;
    }
    if (quiet) {
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);  // the next record emits
        return;
    }
    if (final_only) {
        return;  // emitted when the window closes (emit_closed_windows)
    }
    if (pass) {
        send_output(m, false, value_buf_, ts, b);
    } else if (emitted) {
        key_buf_ = key;  // the state's key is the output's
        send_output(m, false, std::nullopt, ts, b);
    } else {
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);  // HAVING, no row to delete
    }
}

int query_runner::render_row(const client::message& m, const eval_context& ctx,
                             const row& group_values, const std::vector<agg_state>& acc,
                             std::optional<int64_t> window_start, batch_state& b,
                             std::optional<int64_t> session_end) {
    const aggregation& agg = *plan_.aggregate;
    aggregate_store& a = *agg_;
    a.agg_row.assign(group_values.begin(), group_values.end());
    for (size_t j = 0; j < agg.calls.size(); ++j) {
        a.agg_row.push_back(aggregate_result(agg.calls[j].fn, acc[j]));
    }
    if (window_start) {
        a.agg_row.push_back(*window_start);
        a.agg_row.push_back(session_end ? *session_end : *window_start + agg.window->size_ms);
    }
    eval_context actx{.joined = &a.agg_row, .record = ctx.record};
    if (agg.having) {
        auto keep = agg.having->eval(actx);
        if (!keep) {
            send_to_dlq(m, "having", keep.err().message, b);
            return row_failed;
        }
        if (keep->is_null() || !keep->as_bool()) {
            return row_rejected;
        }
    }
    if (!project_row(m, actx, b)) {
        return row_failed;
    }
    if (transient()) {
        return row_passed;  // out_refs_ is the row (send_output)
    }
    bool key_null = true;
    if (auto st = encoder_->encode(out_refs_, key_buf_, key_null, value_buf_); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return row_failed;
    }
    if (session_end) {
        append_be64(key_buf_, *session_end);  // SessionWindowedSerializer: end, start
    }
    if (window_start) {
        append_be64(key_buf_, *window_start);  // TimeWindowedSerializer
    }
    return row_passed;
}

bool query_runner::write_state(const client::message& m, const std::string& key,
                               const aggregate_group& g, batch_state& b) {
    if (transient()) {
        return true;  // in memory only
    }
    const aggregation& agg = *plan_.aggregate;
    aggregate_store& a = *agg_;
    const size_t k = agg.group_by.size();
    a.state_row.resize(a.state_def.columns.size());
    for (size_t i = 0; i < k; ++i) {
        a.state_row[i] = g.group_values[i];
    }
    a.state_row[k] = g.ts;
    a.state_row[k + 1] = g.emitted;
    for (size_t j = 0; j < agg.calls.size(); ++j) {
        a.state_row[k + state_fixed + 2 * j] = g.acc[j].v;
        a.state_row[k + state_fixed + 2 * j + 1] = g.acc[j].n;
    }
    std::string unused_key;
    bool unused_null = true;
    if (auto st = a.state_encoder->encode(a.state_row, unused_key, unused_null, a.value_buf); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return false;
    }
    auto st = producer_->send({.topic = a.changelog_topic,
                               .partition = m.partition(),
                               .key = key,
                               .value = a.value_buf,
                               .timestamp_ms = g.ts > 0 ? g.ts : 0});
    if (!st) {
        if (!transaction_refused(st)) {
            fail(error{st.code(),
                       fmt::format("cannot write to {}: {}", a.changelog_topic, st.message())});
        }
        return false;
    }
    return true;
}

// EMIT FINAL: each window once, when stream time passes its end plus the
// grace period, in the order of their ends (then keys); HAVING still
// filters. The row's timestamp is its window's largest.
void query_runner::emit_closed_windows(const client::message& m, const eval_context& ctx,
                                       batch_state& b, aggregate_partition& ps) {
    const time_window& w = *plan_.aggregate->window;
    if (ps.stream_time < ps.next_final) {
        return;
    }
    // The windows closed since the last call, in start (= end) order; no
    // group of a closed window appears later (its records are late).
    std::vector<std::string> closed;
    auto it = ps.window_keys.lower_bound(ps.final_from);
    for (; it != ps.window_keys.end() && it->first + w.size_ms + w.grace_ms <= ps.stream_time;
         ++it) {
        std::vector<std::string> keys = it->second;
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        closed.insert(closed.end(), keys.begin(), keys.end());
        // A window accepted later starts after this one (it is not closed).
        ps.final_from = it->first + 1;
    }
    ps.next_final = it == ps.window_keys.end() ? INT64_MAX : it->first + w.size_ms + w.grace_ms;
    for (const auto& key : closed) {
        auto found = ps.groups.find(key);
        if (found == ps.groups.end() || found->second.emitted) {
            continue;
        }
        auto& g = found->second;
        int rendered = render_row(m, ctx, g.group_values, g.acc, g.window_start, b);
        if (rendered == row_failed) {
            continue;
        }
        g.emitted = true;
        if (!write_state(m, key, g, b)) {
            return;
        }
        if (rendered == row_passed) {
            send_output(m, false, value_buf_, g.ts, b);
        }
    }
}

// Kafka Streams' KStreamSessionWindowAggregate: the record's session
// merges every session of its key within the gap of its timestamp; it is
// late when the merged session ended before stream time minus grace and
// gap. Each merged session gets a tombstone (unless the merge is the
// record's own [ts, ts]), then the merged session's row; timestamps are
// session ends.
void query_runner::update_session(const client::message& m, const eval_context& ctx, batch_state& b,
                                  aggregate_partition& ps) {
    const aggregation& agg = *plan_.aggregate;
    const time_window& w = *agg.window;
    aggregate_store& a = *agg_;
    const int64_t ts = ctx.record.rowtime;
    ps.stream_time = std::max(ps.stream_time, ts);
    const int64_t close = ps.stream_time - w.grace_ms - w.size_ms;
    std::vector<value> args(agg.calls.size());
    for (size_t j = 0; j < agg.calls.size(); ++j) {
        if (const auto& arg = agg.calls[j].arg) {
            auto v = arg->eval(ctx);
            if (!v) {
                send_to_dlq(m, "aggregate",
                            fmt::format("{}: {}", agg.calls[j].sql, v.err().message), b);
                return;
            }
            args[j] = std::move(*v);
        }
    }
    const std::string group_key = a.key;
    auto& sessions = ps.sessions[group_key];  // sorted by start
    int64_t start = ts;
    int64_t end = ts;
    std::vector<size_t> hits;
    for (size_t i = 0; i < sessions.size(); ++i) {
        if (sessions[i].second >= ts - w.size_ms && sessions[i].first <= ts + w.size_ms) {
            hits.push_back(i);
            start = std::min(start, sessions[i].first);
            end = std::max(end, sessions[i].second);
        }
    }
    if (end < close) {
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);  // late
        return;
    }
    auto session_key = [&](int64_t s, int64_t e) {
        std::string k = group_key;
        append_be64(k, e);
        append_be64(k, s);
        return k;
    };
    std::vector<agg_state> acc;
    for (const auto& c : agg.calls) {
        acc.push_back(aggregate_init(c.fn));
    }
    for (size_t i : hits) {
        const auto& old = ps.groups.at(session_key(sessions[i].first, sessions[i].second));
        for (size_t j = 0; j < acc.size(); ++j) {
            if (auto st = aggregate_merge(agg.calls[j].fn, acc[j], old.acc[j]); !st) {
                send_to_dlq(m, "aggregate", fmt::format("{}: {}", agg.calls[j].sql, st.message()),
                            b);
                return;
            }
        }
    }
    for (size_t j = 0; j < acc.size(); ++j) {
        if (auto st = aggregate_add(agg.calls[j].fn, acc[j], args[j]); !st) {
            send_to_dlq(m, "aggregate", fmt::format("{}: {}", agg.calls[j].sql, st.message()), b);
            return;
        }
    }
    const row group_values = a.group_values;
    const int rendered = render_row(m, ctx, group_values, acc, start, b, end);
    if (rendered == row_failed) {
        return;
    }
    const std::string out_key = key_buf_;
    const std::string out_value = value_buf_;
    const uint64_t outputs_before = b.outputs;
    const bool same_as_new = start == ts && end == ts;
    // Tombstones in session order, as Kafka Streams forwards the sessions
    // findSessions returned.
    for (size_t k = 0; k < hits.size(); ++k) {
        const size_t i = hits[k] - k;  // the earlier hits are erased already
        const auto [s, e] = sessions[i];
        const std::string key = session_key(s, e);
        auto it = ps.groups.find(key);
        const bool was = it->second.emitted;
        ps.groups.erase(it);
        sessions.erase(sessions.begin() + static_cast<std::ptrdiff_t>(i));
        if (same_as_new) {
            continue;  // overwritten below
        }
        if (transient()) {
            if (was) {
                send_output(m, false, std::nullopt, e, b);  // the session leaves the result
            }
            continue;
        }
        auto st = producer_->send({.topic = a.changelog_topic,
                                   .partition = m.partition(),
                                   .key = key,
                                   .value = std::nullopt,
                                   .timestamp_ms = e > 0 ? e : 0});
        if (!st) {
            if (!transaction_refused(st)) {
                fail(error{st.code(),
                           fmt::format("cannot write to {}: {}", a.changelog_topic, st.message())});
            }
            return;
        }
        if (was) {
            key_buf_ = key;
            send_output(m, false, std::nullopt, e, b);
        }
    }
    const std::string key = session_key(start, end);
    auto& g = ps.groups[key];
    g.group_values = group_values;
    g.acc = std::move(acc);
    g.ts = end;
    g.emitted = rendered == row_passed;
    g.window_start = start;
    sessions.emplace_back(start, end);
    std::sort(sessions.begin(), sessions.end());
    if (!write_state(m, key, g, b)) {
        return;
    }
    if (rendered == row_passed) {
        key_buf_ = out_key;
        send_output(m, false, out_value, end, b);
    }
    if (b.outputs == outputs_before) {
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);  // HAVING
    }
    // Sessions that ended before the retention go.
    const int64_t oldest = ps.stream_time - w.retention_ms;
    if (ps.stream_time >= ps.next_expiry) {
        for (auto& [gk, list] : ps.sessions) {
            std::erase_if(list, [&](const auto& se) {
                if (se.second >= oldest) {
                    return false;
                }
                std::string k = gk;
                append_be64(k, se.second);
                append_be64(k, se.first);
                ps.groups.erase(k);
                return true;
            });
        }
        std::erase_if(ps.sessions, [](const auto& kv) { return kv.second.empty(); });
        ps.next_expiry = ps.stream_time + w.size_ms;
    }
}

status query_runner::read_partition(const std::string& topic, int32_t partition, int64_t end,
                                    const std::function<void(const client::message&)>& fn) {
    config::diagnostics diags;
    client::client_settings cs = settings_;
    cs.set("group.id", group_id_ + "-restore", "state restore (assign only)");
    cs.set("enable.auto.commit", "false", "state restore");
    cs.set("isolation.level", exactly_once() ? "read_committed" : "read_uncommitted",
           "state restore");
    auto consumer = client::consumer::create(cs, diags, {}, {.builtin_fetch = false});
    if (!consumer) {
        return consumer.err();
    }
    auto& c = **consumer;
    int64_t low = 0;
    int64_t high = 0;
    if (auto err = rd_kafka_query_watermark_offsets(c.handle(), topic.c_str(), partition, &low,
                                                    &high, 10000);
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return status(errc::io, fmt::format("query {}: watermarks of {} [{}]: {}", plan_.id, topic,
                                            partition, rd_kafka_err2str(err)));
    }
    if (end >= 0) {
        high = std::min(high, end);
    }
    if (high > low) {
        if (auto st = c.assign({{topic, partition, client::offset_beginning}}); !st) {
            return st;
        }
        std::vector<client::message> batch;
        int64_t next = low;
        // Restoring stops only at the end: a state missing updates would
        // count from the wrong values. Without progress for as long as a
        // table may take to load, the query fails instead.
        auto last_progress = std::chrono::steady_clock::now();
        while (next < high) {
            if (std::chrono::steady_clock::now() - last_progress > options_.table_load_timeout) {
                return status(errc::timed_out,
                              fmt::format("query {}: restoring {} [{}] made no progress at offset "
                                          "{} of {} for {} ms; its state would be incomplete",
                                          plan_.id, topic, partition, next, high,
                                          options_.table_load_timeout.count()));
            }
            batch.clear();
            auto n = c.poll_batch(batch, 5000, std::chrono::milliseconds(300));
            if (!n) {
                return n.err();
            }
            const int64_t before = next;
            for (const auto& m : batch) {
                if (m.offset() >= high) {
                    break;
                }
                next = m.offset() + 1;
                fn(m);
            }
            if (next < high) {
                // Transaction markers occupy offsets but are never returned.
                auto pos = c.position({{topic, partition, 0}});
                if (pos && !pos->empty() && pos->front().offset > next) {
                    next = std::min(pos->front().offset, high);
                }
            }
            if (next > before) {
                last_progress = std::chrono::steady_clock::now();
            }
        }
    }
    (void)c.close();
    return {};
}

status query_runner::restore_partition(int32_t partition) {
    aggregate_store& a = *agg_;
    auto& ps = a.partitions[partition];
    ps = {};
    auto& groups = ps.groups;
    const bool windowed = plan_.aggregate->window.has_value();
    const bool session = windowed && plan_.aggregate->window->session;
    size_t records = 0;
    row r;
    status bad;
    auto st = read_partition(a.changelog_topic, partition, -1, [&](const client::message& m) {
        if (!bad.ok() || !m.key()) {
            return;
        }
        std::string key(*m.key());
        if (!m.value()) {
            groups.erase(key);
            return;
        }
        int64_t rowtime = 0;
        record_view rv = to_record_view(m, header_scratch_, false);
        int64_t window_start = 0;
        int64_t session_end = 0;
        if (session && key.size() >= 16) {
            session_end = static_cast<int64_t>(load_be<uint64_t>(
                reinterpret_cast<const std::byte*>(key.data() + key.size() - 16)));
            window_start = static_cast<int64_t>(
                load_be<uint64_t>(reinterpret_cast<const std::byte*>(key.data() + key.size() - 8)));
            rv.key = std::string_view(key).substr(0, key.size() - 16);
            ps.sessions[std::string(*rv.key)].emplace_back(window_start, session_end);
        } else if (windowed && key.size() >= 8) {
            window_start = static_cast<int64_t>(
                load_be<uint64_t>(reinterpret_cast<const std::byte*>(key.data() + key.size() - 8)));
            rv.key = std::string_view(key).substr(0, key.size() - 8);
        }
        auto decoded = a.state_decoder->decode(rv, r, rowtime);
        if (!decoded || !*decoded) {
            bad = status(errc::invalid_argument,
                         fmt::format("query {}: {} [{}] @{}: not a state record{}", plan_.id,
                                     a.changelog_topic, partition, m.offset(),
                                     decoded ? "" : ": " + decoded.err().message));
            return;
        }
        const size_t k = plan_.aggregate->group_by.size();
        aggregate_store::group g;
        g.group_values.assign(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k));
        g.ts = r[k].is_null() ? 0 : r[k].as_bigint();
        g.emitted = !r[k + 1].is_null() && r[k + 1].as_bool();
        g.window_start = window_start;
        if (windowed) {
            ps.stream_time = std::max(ps.stream_time, g.ts);
        }
        for (size_t j = 0; j < plan_.aggregate->calls.size(); ++j) {
            const value& count = r[k + state_fixed + 2 * j + 1];
            g.acc.push_back(
                {.v = r[k + state_fixed + 2 * j], .n = count.is_null() ? 0 : count.as_bigint()});
        }
        if (windowed && !session && !groups.contains(key)) {
            ps.window_keys[window_start].push_back(key);
        }
        groups[std::move(key)] = std::move(g);
        ++records;
    });
    if (!st) {
        return st;
    }
    if (!bad.ok()) {
        return bad;
    }
    log::get("streams")->info("query {}: restored {} groups of partition {} from {} ({} records)",
                              plan_.id, groups.size(), partition, a.changelog_topic, records);
    return {};
}

void query_runner::drop_state(const std::vector<client::topic_partition_offset>& partitions,
                              bool all) {
    if (!agg_) {
        return;
    }
    drop_table_rows(partitions, all);
    if (all) {
        agg_->partitions.clear();
        return;
    }
    const std::string& input =
        plan_.aggregate->repartition ? agg_->repartition_topic : plan_.source.topic;
    for (const auto& p : partitions) {
        if (p.topic == input) {
            agg_->partitions.erase(p.partition);
        }
    }
}

}  // namespace cs::streams
