// query_runner for GROUP BY over a TABLE (ksqlDB's table aggregation,
// Kafka Streams' KGroupedTable.aggregate with an adder and a subtractor).
//
// A table's record is an upsert of its key, so a change moves a row: the
// aggregation must take the key's previous row out of the group it was in
// before it adds the new row to its group. Kafka Streams' KTable source
// forwards each change as (old, new) and KTableRepartitionMap writes it to
// the repartition topic as one record "old out" and one "new in" (one
// record holding both when the group is the same). Here:
//
// - The first stage keeps, per source partition, the latest row of each
//   key that belongs to a group (it passed WHERE and its GROUP BY values
//   are not NULL) with that group's key bytes. A partition's rows are read
//   back from the source topic (the table's changelog) up to the query's
//   committed offset before its first record, as the table-table join
//   restores its tables. Each record (a row or a tombstone) then writes the
//   old row with header `__streams.table.change: subtract` keyed by its old
//   group and the new row with `add` keyed by its new group, old first.
//   When both groups are the same the old row goes as `subtract-quiet`:
//   the second stage takes it out without emitting, and the `add` that
//   follows in the same partition emits once (Kafka Streams' single Change
//   record of KIP-904).
// - The second stage is the stream aggregation (query_runner_aggregate.cc)
//   with aggregate_undo for the subtracting records: a group whose count
//   drops to 0 keeps its row (COUNT 0, SUM 0) as Kafka Streams'
//   KTableAggregate does; HAVING COUNT(*) > 0 turns it into a tombstone.

#include <unordered_map>

#include <fmt/format.h>

#include "base/log.h"
#include "streams/query_runner.h"

namespace cs::streams {

struct query_runner::table_group_store {
    struct grouped_row {
        row values;         // the source row as decoded
        std::string group;  // its group's key bytes
    };
    // Source partition -> key bytes -> its row; a partition is present once
    // restored.
    std::unordered_map<int32_t, std::unordered_map<std::string, grouped_row>> partitions;
    row current;
    row regrouped;
};

status query_runner::create_table_grouping() {
    table_rows_ = std::make_shared<table_group_store>();
    return {};
}

void query_runner::process_table_grouping(std::span<const client::message> batch, batch_state& b) {
    table_group_store& t = *table_rows_;
    for (const client::message& m : batch) {
        if (state_.load() == query_state::failed) {
            return;
        }
        if (!from_repartition(m)) {
            regroup_table_row(m, b);
            continue;
        }
        int64_t rowtime = 0;
        if (auto st = decode_repartitioned(m, t.regrouped, rowtime); !st) {
            send_to_dlq(m, "decode", st.message(), b);
            continue;
        }
        bool known = false;
        table_change change = table_change::add;
        for (size_t i = 0, n = m.header_count(); i < n; ++i) {
            auto h = m.header(i);
            if (h.key != table_change_header || !h.value) {
                continue;
            }
            known = *h.value == "add" || *h.value == "subtract" || *h.value == "subtract-quiet";
            change = *h.value == "add"        ? table_change::add
                     : *h.value == "subtract" ? table_change::subtract
                                              : table_change::subtract_quiet;
        }
        if (!known) {
            send_to_dlq(m, "decode",
                        fmt::format("a repartitioned table record without a valid {} header",
                                    table_change_header),
                        b);
            continue;
        }
        const eval_context ctx{
            .joined = &t.regrouped,
            .record = {.rowtime = rowtime, .partition = m.partition(), .offset = m.offset()}};
        set_table_change(change);
        aggregate_record(m, ctx, b);
        set_table_change(table_change::add);
    }
}

void query_runner::regroup_table_row(const client::message& m, batch_state& b) {
    table_group_store& t = *table_rows_;
    if (!m.key()) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);  // a table ignores it
        return;
    }
    const int32_t part = m.partition();
    if (!t.partitions.contains(part)) {
        if (auto st = restore_table_rows(part); !st) {
            fail(st.err());
            return;
        }
    }
    record_view rv = to_record_view(m, header_scratch_, source_headers_);
    int64_t rowtime = m.timestamp_ms();
    auto decoded = decoder_->decode(rv, t.current, rowtime);
    if (!decoded) {
        send_to_dlq(m, "decode", decoded.err().message, b);
        return;
    }
    const uint64_t dlq_before = b.dlq;
    const uint64_t filtered_before = counters_.filtered.load(std::memory_order_relaxed);
    // Both rows are stamped with this record's time, as Kafka Streams
    // forwards both halves of a change with the record's timestamp.
    const eval_context ctx{.joined = &t.current,
                           .record = {.rowtime = rowtime, .partition = part, .offset = m.offset()}};
    std::optional<std::string> next_group;
    if (*decoded) {
        t.current.resize(plan_.joined_width);
        std::optional<bool> keep = true;
        if (plan_.where) {
            keep = passes_where(m, ctx, b);
        }
        if (!keep) {
            return;  // in the DLQ; the key keeps its old row
        }
        if (*keep && eval_group(m, ctx, b)) {
            next_group = group_key();
        } else if (b.dlq != dlq_before) {
            return;
        }
    }
    auto& rows = t.partitions[part];
    const std::string key(*m.key());
    auto old = rows.find(key);
    bool sent = false;
    if (old != rows.end()) {
        const eval_context old_ctx{
            .joined = &old->second.values,
            .record = {.rowtime = rowtime, .partition = part, .offset = m.offset()}};
        const bool same = next_group && *next_group == old->second.group;
        group_key() = old->second.group;
        if (!send_regrouped(m, old_ctx, b,
                            same ? table_change::subtract_quiet : table_change::subtract)) {
            return;
        }
        sent = true;
    }
    if (next_group) {
        group_key() = *next_group;
        if (!send_regrouped(m, ctx, b, table_change::add)) {
            return;
        }
        sent = true;
        auto& slot = rows[key];
        slot.values = t.current;
        slot.group = std::move(*next_group);
    } else if (old != rows.end()) {
        rows.erase(old);
    }
    if (!sent && b.dlq == dlq_before &&
        counters_.filtered.load(std::memory_order_relaxed) == filtered_before) {
        // A tombstone, or a row outside every group, of a key in none.
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);
    }
}

// The partition's rows as of the query's committed offset of the source
// topic, read from that topic; nothing is sent.
status query_runner::restore_table_rows(int32_t partition) {
    table_group_store& t = *table_rows_;
    auto& rows = t.partitions[partition];
    rows.clear();
    auto committed =
        consumer_->committed({{plan_.source.topic, partition, 0}}, std::chrono::seconds(10));
    if (!committed) {
        t.partitions.erase(partition);
        return committed.err();
    }
    int64_t end = -1;
    for (const auto& c : *committed) {
        end = c.offset;
    }
    if (end <= 0) {
        return {};
    }
    // group_key() holds the record being regrouped's group: restore aside.
    const std::string current_group = group_key();
    row r;
    batch_state unused;
    size_t records = 0;
    auto st = read_partition(plan_.source.topic, partition, end, [&](const client::message& m) {
        if (!m.key()) {
            return;
        }
        record_view rv = to_record_view(m, header_scratch_, source_headers_);
        int64_t rowtime = m.timestamp_ms();
        auto decoded = decoder_->decode(rv, r, rowtime);
        ++records;
        std::string key(*m.key());
        if (!decoded || !*decoded) {
            if (decoded) {
                rows.erase(key);  // a tombstone; an undecodable record changed nothing
            }
            return;
        }
        r.resize(plan_.joined_width);
        const eval_context ctx{
            .joined = &r,
            .record = {.rowtime = rowtime, .partition = partition, .offset = m.offset()}};
        if (plan_.where) {
            auto keep = plan_.where->eval(ctx);
            if (!keep) {
                return;  // went to the DLQ when first read: the key kept its row
            }
            if (keep->is_null() || !keep->as_bool()) {
                rows.erase(key);
                return;
            }
        }
        if (!eval_group(m, ctx, unused, false)) {
            rows.erase(key);
            return;
        }
        auto& slot = rows[key];
        slot.values = r;
        slot.group = group_key();
    });
    group_key() = current_group;
    if (!st) {
        t.partitions.erase(partition);
        return st;
    }
    log::get("streams")->info(
        "query {}: restored {} rows of {} [{}] from {} records (to offset {})", plan_.id,
        rows.size(), plan_.source.topic, partition, records, end);
    return {};
}

void query_runner::drop_table_rows(const std::vector<client::topic_partition_offset>& partitions,
                                   bool all) {
    if (!table_rows_) {
        return;
    }
    if (all) {
        table_rows_->partitions.clear();
        return;
    }
    for (const auto& p : partitions) {
        if (p.topic == plan_.source.topic) {
            table_rows_->partitions.erase(p.partition);
        }
    }
}

}  // namespace cs::streams
