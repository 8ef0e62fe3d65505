// query_runner for a two-source join (plan.two_source): a stream-stream join
// (WITHIN) or a table-table join on both PRIMARY KEYs. The query's consumer
// group reads both topics; both are keyed by the join key and have as many
// partitions (co-partitioned, checked by prepare()), so partition p of one
// joins partition p of the other, in the one process that owns both. The
// join state per partition is stream_join.h's:
//
// - stream-stream: the window buffers and held outer results are written
//   to changelog topics as they change and read back from them before the
//   partition's first record is joined (query_runner_join_state.cc), so a
//   restart, a rebalance or an aborted transaction goes on from the state
//   as of the last (committed) changelog records.
// - table-table: both tables are read back from their own topics (the
//   source topics are the tables' changelogs, as Kafka Streams restores
//   source tables) up to the group's committed offsets before the
//   partition's first record is joined, so a restart goes on from the
//   committed state.
//
// Each result goes through WHERE, the projection and the encoder as any
// query's row; it is keyed by the join key and stamped with the join's
// result timestamp. A record that produces nothing now counts as filtered.

#include <unordered_set>

#include <fmt/format.h>

#include "base/log.h"
#include "streams/query_runner.h"

namespace cs::streams {

struct query_runner::join_store {
    std::unique_ptr<row_decoder> right_decoder;
    bool right_headers = false;
    std::unordered_map<int32_t, stream_join_state> streams;
    std::unordered_map<int32_t, table_join_state> tables;
    row scratch;
    row joined;
    row regrouped;  // a record of GROUP BY's repartition topic
    std::string lookup_bytes;
    row key_row;
    value current_key;  // the key column of the record being joined
    // Table joins with WHERE, per partition: the keys whose last row passed.
    std::unordered_map<int32_t, std::unordered_set<std::string>> passed;
};

status query_runner::create_source_join() {
    const source_join& sj = *plan_.two_source;
    if (sj.right.topic == plan_.source.topic) {
        return status(errc::unsupported,
                      fmt::format("query {}: a self-join (both sides read {}) is not supported yet",
                                  plan_.id, plan_.source.topic));
    }
    auto j = std::make_shared<join_store>();
    auto dec = row_decoder::create(sj.right, options_.parse_timestamp);
    if (!dec) {
        return dec.err();
    }
    j->right_decoder = std::move(*dec);
    j->right_headers = reads_headers(sj.right);
    join_ = std::move(j);
    if (sj.windowed) {
        return create_join_changelog(stream_join_state(sj.window));
    }
    return {};
}

status query_runner::co_partition(client::client_settings& consumer) {
    if (const auto* s = consumer.find("partition.assignment.strategy");
        s != nullptr && s->value != "range") {
        return status(errc::unsupported,
                      fmt::format("query {}: a join of two streams or two tables needs "
                                  "partition.assignment.strategy=range (partition p of both "
                                  "topics on one member); {} ({}) is not supported yet",
                                  plan_.id, s->value, s->origin));
    }
    consumer.set("partition.assignment.strategy", "range", "two-source join (co-partitioned)");
    return {};
}

void query_runner::drop_join_state(const std::vector<client::topic_partition_offset>& partitions,
                                   bool all) {
    if (!join_) {
        return;
    }
    if (all) {
        join_->streams.clear();
        join_->tables.clear();
        join_->passed.clear();
        return;
    }
    for (const auto& p : partitions) {
        join_->streams.erase(p.partition);
        join_->tables.erase(p.partition);
        join_->passed.erase(p.partition);
    }
}

void query_runner::process_source_join(std::span<const client::message> batch, batch_state& b) {
    const source_join& sj = *plan_.two_source;
    join_store& j = *join_;
    for (const client::message& m : batch) {
        if (state_.load() == query_state::failed) {
            return;
        }
        if (from_repartition(m) && rekeyed_side(m) < 0) {
            // GROUP BY over the join: a joined row regrouped.
            int64_t rowtime = m.timestamp_ms();
            if (auto st = decode_repartitioned(m, j.regrouped, rowtime); !st) {
                send_to_dlq(m, "decode", st.message(), b);
                continue;
            }
            aggregate_record(
                m,
                {.joined = &j.regrouped,
                 .record = {.rowtime = rowtime, .partition = m.partition(), .offset = m.offset()}},
                b);
            continue;
        }
        // From a repartition topic (keyed by the join key), else the source.
        const int rekeyed = rekeyed_side(m);
        const int side = rekeyed >= 0 ? rekeyed : m.topic() == sj.right.topic ? 1 : 0;
        if (rekeyed < 0 && rekeys_source(side)) {
            rekey_join_record(m, side, b);
            continue;
        }
        row_decoder& dec = side == 1 ? *j.right_decoder : *decoder_;
        int64_t rowtime = m.timestamp_ms();
        // Exactly this side's columns: the row may be buffered as it is.
        j.scratch.resize(dec.source().columns.size());
        result<bool> decoded = true;
        if (rekeyed >= 0) {
            if (auto st = decode_rekeyed(m, side, j.scratch, rowtime); !st) {
                decoded = st.err();
            }
        } else {
            record_view rv =
                to_record_view(m, header_scratch_, side == 1 ? j.right_headers : source_headers_);
            decoded = dec.decode(rv, j.scratch, rowtime);
        }
        if (!decoded) {
            send_to_dlq(m, "decode", decoded.err().message, b);
            continue;
        }
        const size_t key_col = side == 1 ? sj.right_key : sj.left_key;
        j.current_key = rekeyed >= 0 ? value() : j.scratch[key_col];
        std::optional<std::string> key;
        if ((rekeyed >= 0 || !j.current_key.is_null()) && m.key()) {
            key.emplace(*m.key());
        }
        const uint64_t outputs_before = b.outputs + b.regrouped;
        const uint64_t dlq_before = b.dlq;
        // An aggregation of the results counts what it drops itself.
        const uint64_t filtered_before = counters_.filtered.load(std::memory_order_relaxed);
        auto emit = [&](const std::string* k, const row* l, const row* r, int64_t ts) {
            emit_joined(m, k, l, r, ts, b);
        };
        if (sj.windowed) {
            if (!*decoded) {
                // A stream's null value: ksqlDB drops it before the join.
                counters_.skipped.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            auto it = j.streams.find(m.partition());
            if (it == j.streams.end()) {
                it = j.streams.emplace(m.partition(), stream_join_state(sj.window, join_log()))
                         .first;
                if (auto st = restore_windows(m.partition(), it->second); !st) {
                    j.streams.erase(it);
                    fail(st.err());
                    return;
                }
            }
            log_join_changes(&m, &b);
            it->second.process(side, key, j.scratch, rowtime, emit);
        } else {
            if (!key) {
                counters_.skipped.fetch_add(1, std::memory_order_relaxed);  // a table ignores it
                continue;
            }
            auto it = j.tables.find(m.partition());
            if (it == j.tables.end()) {
                if (auto st = restore_tables(m.partition()); !st) {
                    fail(st.err());
                    return;
                }
                it = j.tables.find(m.partition());
            }
            it->second.process(side, *key, *decoded ? &j.scratch : nullptr, rowtime, emit);
        }
        if (b.outputs + b.regrouped == outputs_before && b.dlq == dlq_before &&
            counters_.filtered.load(std::memory_order_relaxed) == filtered_before) {
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

// The joined row of a result into join_->joined.
static void fill_joined(const query_plan& plan, row& joined, const row* left, const row* right,
                        const value& current_key) {
    const source_join& sj = *plan.two_source;
    const size_t left_width = plan.source.columns.size();
    joined.assign(plan.joined_width, value());
    if (left != nullptr) {
        std::copy(left->begin(), left->begin() + static_cast<std::ptrdiff_t>(left_width),
                  joined.begin());
    }
    if (right != nullptr) {
        std::copy(right->begin(),
                  right->begin() + static_cast<std::ptrdiff_t>(sj.right.columns.size()),
                  joined.begin() + static_cast<std::ptrdiff_t>(left_width));
    }
    // The join key: the side's join expression (its key column unless it
    // was repartitioned), which held when the row was joined.
    auto key_of = [&](const expr_ptr& e) {
        const eval_context ctx{.joined = &joined, .record = {}};
        if (const value* v = e->ref(ctx); v != nullptr) {
            return *v;
        }
        auto v = e->eval(ctx);
        return v ? std::move(*v) : value();
    };
    joined[sj.key_column] = left != nullptr    ? key_of(sj.left_expr)
                            : right != nullptr ? key_of(sj.right_expr)
                                               : current_key;
}

void query_runner::emit_joined(const client::message& m, const std::string* key, const row* left,
                               const row* right, int64_t ts, batch_state& b) {
    const source_join& sj = *plan_.two_source;
    join_store& j = *join_;
    fill_joined(plan_, j.joined, left, right, j.current_key);
    const eval_context ctx{
        .joined = &j.joined,
        .record = {.rowtime = ts, .partition = m.partition(), .offset = m.offset()}};
    // A table sink behind WHERE: Kafka Streams' KTable filter with old
    // values (ksqlDB's), so a key gets a tombstone only if its last row
    // passed.
    const bool filtered_table = !sj.windowed && plan_.where && key != nullptr;
    auto send_tombstone_row = [&] {
        if (!filtered_table || j.passed[m.partition()].erase(*key) > 0) {
            send_tombstone_of(m, j.joined[sj.key_column], ts, b);
        }
    };
    if (left == nullptr && right == nullptr) {
        send_tombstone_row();
        return;
    }
    if (!plan_.joins.empty() && !look_up_tables(m, ctx, j.joined, b)) {
        return;
    }
    if (plan_.where) {
        auto keep = passes_where(m, ctx, b);
        if (!keep) {
            return;
        }
        if (!*keep) {
            if (!sj.windowed) {
                send_tombstone_row();  // the row leaves the table
            }
            return;
        }
        if (filtered_table) {
            j.passed[m.partition()].insert(*key);
        }
    }
    if (aggregating()) {
        group_record(m, ctx, b);
        return;
    }
    send_projected(m, ctx, b);
}

// The TABLEs joined after a stream-stream join (broadcast, as a stream's
// look-ups in join_batch), one result at a time: a NULL look-up key drops
// the result (LEFT too), an INNER miss drops it, a LEFT miss leaves the
// table's columns NULL (fill_joined made them so).
bool query_runner::look_up_tables(const client::message& m, const eval_context& ctx, row& joined,
                                  batch_state& b) {
    join_store& j = *join_;
    for (size_t t = 0; t < plan_.joins.size(); ++t) {
        const join_step& step = plan_.joins[t];
        value computed;
        const value* key = step.stream_key->ref(ctx);
        if (key == nullptr) {
            auto v = step.stream_key->eval(ctx);
            if (!v) {
                send_to_dlq(m, "join",
                            fmt::format("join {} key {}: {}", step.table, step.stream_key->to_sql(),
                                        v.err().message),
                            b);
                return false;
            }
            computed = std::move(*v);
            key = &computed;
        }
        if (key->is_null()) {
            counters_.join_misses[t]->fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        const table_store& table = *tables_[t]->store();
        const std::string_view k = lookup_key(*key, step.stream_key->type(), j.lookup_bytes);
        const value* hit = table.find(k, table_store::hash_key(k));
        if (hit == nullptr) {
            counters_.join_misses[t]->fetch_add(1, std::memory_order_relaxed);
            if (step.kind == join_kind::inner) {
                return false;
            }
            continue;
        }
        for (uint32_t c : join_columns_[t]) {
            joined[step.first_column + c] = hit[c];
        }
    }
    return true;
}

// The key projection is the first (planner_join.h): the join key.
void query_runner::send_tombstone_of(const client::message& m, const value& key, int64_t ts,
                                     batch_state& b) {
    join_store& j = *join_;
    j.key_row.assign(plan_.projections.size(), value());
    j.key_row[0] = key;
    bool key_null = true;
    if (auto st = encoder_->encode_key(j.key_row, key_buf_, key_null); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return;
    }
    if (key_null) {
        return;
    }
    send_output(m, false, std::nullopt, ts, b);
}

// Both tables of a partition as of the group's committed offsets, read
// from their topics; no output.
status query_runner::restore_tables(int32_t partition) {
    const source_join& sj = *plan_.two_source;
    join_store& j = *join_;
    auto& state = j.tables.emplace(partition, table_join_state(sj.window.kind)).first->second;
    const std::string* topics[2] = {&plan_.source.topic, &sj.right.topic};
    auto committed = consumer_->committed({{*topics[0], partition, 0}, {*topics[1], partition, 0}},
                                          std::chrono::seconds(10));
    if (!committed) {
        return committed.err();
    }
    // The record being joined is in j.scratch and j.current_key: restore
    // elsewhere.
    row restored;
    const value current_key = j.current_key;
    // Which keys' rows passed WHERE as of the committed offsets (the tombstone rule above).
    auto& passed = j.passed[partition];
    passed.clear();
    auto note = [&](const std::string* key, const row* l, const row* r, int64_t ts) {
        if (!plan_.where || key == nullptr) {
            return;
        }
        fill_joined(plan_, j.joined, l, r, j.current_key);
        const eval_context ctx{.joined = &j.joined, .record = {.rowtime = ts}};
        auto keep =
            l == nullptr && r == nullptr ? result<value>(value(false)) : plan_.where->eval(ctx);
        if (keep && !keep->is_null() && keep->as_bool()) {
            passed.insert(*key);
        } else {
            passed.erase(*key);
        }
    };
    for (int side = 0; side < 2; ++side) {
        int64_t end = -1;
        for (const auto& c : *committed) {
            if (c.topic == *topics[side]) {
                end = c.offset;
            }
        }
        if (end <= 0) {
            continue;
        }
        row_decoder& dec = side == 1 ? *j.right_decoder : *decoder_;
        const size_t key_col = side == 1 ? sj.right_key : sj.left_key;
        size_t records = 0;
        auto st = read_partition(*topics[side], partition, end, [&](const client::message& m) {
            record_view rv = to_record_view(m, header_scratch_, false);
            int64_t rowtime = m.timestamp_ms();
            auto decoded = dec.decode(rv, restored, rowtime);
            if (!decoded || restored[key_col].is_null() || !m.key()) {
                return;  // went to the DLQ (or was ignored) when first read
            }
            j.current_key = restored[key_col];
            state.process(side, std::string(*m.key()), *decoded ? &restored : nullptr, rowtime,
                          note);
            ++records;
        });
        if (!st) {
            j.tables.erase(partition);
            return st;
        }
        log::get("streams")->info("query {}: restored {} records of {} [{}] (to offset {})",
                                  plan_.id, records, *topics[side], partition, end);
    }
    j.current_key = current_key;
    return {};
}

}  // namespace cs::streams
