// The runner's transient mode (runner_options::transient, query_runner.h):
// a bare SELECT read through the same decode / join / WHERE / projection
// path as a persistent query, its rows handed to a callback instead of a
// producer. The partitions are assigned, not subscribed: no group joins, so
// the query starts at once at offsets fixed here, and nothing is committed.

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "base/log.h"
#include "client/admin.h"
#include "streams/query_runner.h"

namespace cs::streams {

status query_runner::prepare_transient(client::admin_client& admin,
                                       const client::cluster_metadata& md) {
    std::vector<client::topic_partition_offset> assignment;
    for (const auto& t : md.topics) {
        if (t.name != plan_.source.topic || t.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            continue;
        }
        for (const auto& p : t.partitions) {
            auto wm = admin.query_watermarks({plan_.source.topic, p.id});
            if (!wm) {
                return wm.err();
            }
            const transient_output& out = *options_.transient;
            assignment.push_back(
                {plan_.source.topic, p.id, out.from_beginning ? wm->low : wm->high});
            start_offsets_.push_back(assignment.back().offset);
            end_offsets_.push_back({plan_.source.topic, p.id, wm->high});
        }
    }
    if (assignment.empty()) {
        return status(errc::not_found, fmt::format("query {}: source topic {} does not exist",
                                                   plan_.id, plan_.source.topic));
    }

    state_.store(query_state::loading_tables);
    for (const auto& t : tables_) {
        if (auto st = t->wait_loaded(options_.table_load_timeout); !st) {
            return st;
        }
    }

    client::client_settings cs = settings_;
    // assign() needs a group.id although nothing joins or commits to it:
    // a fresh one per query, as ksqlDB's transient queries have.
    std::random_device rd;
    cs.set("group.id",
           fmt::format("{}-{}", group_id_, std::uniform_int_distribution<uint64_t>()(rd)),
           "transient query " + plan_.id);
    cs.set("enable.auto.commit", "false", "transient query: commits nothing");
    cs.set("enable.auto.offset.store", "false", "transient query: commits nothing");
    // A pull query shows committed data only; a push query reads as a
    // persistent one (Kafka Streams' default, read_uncommitted).
    if (cs.find("isolation.level") == nullptr) {
        cs.set("isolation.level",
               options_.transient->to_end ? "read_committed" : "read_uncommitted",
               "transient query");
    }
    config::diagnostics diags;
    auto consumer =
        client::consumer::create(cs, diags, {}, {.builtin_fetch = options_.builtin_fetch});
    if (!consumer) {
        return consumer.err();
    }
    consumer_ = std::move(*consumer);
    if (auto st = consumer_->assign(assignment); !st) {
        return st;
    }
    state_.store(query_state::running);
    finished_ = transient_at_end();
    return {};
}

void query_runner::emit_transient(const client::message& m, std::span<const value* const> r) {
    if (finished_) {
        return;
    }
    if (!options_.transient->emit(m, r)) {
        finished_ = true;
        return;
    }
    counters_.produced.fetch_add(1, std::memory_order_relaxed);
}

// Whether every partition has been read to its end offset (to_end only).
// The consumer's position counts transaction markers and aborted records,
// which are never handed out, so it gets there when the last records are.
bool query_runner::transient_at_end() {
    if (!options_.transient->to_end) {
        return false;
    }
    auto pos = consumer_->position(end_offsets_);
    if (!pos) {
        return false;
    }
    for (size_t i = 0; i < end_offsets_.size(); ++i) {
        const int64_t end = end_offsets_[i].offset;
        int64_t at = std::max(start_offsets_[i], (*pos)[i].offset);
        for (const auto& p : positions_) {
            if (p.partition == end_offsets_[i].partition && p.topic == end_offsets_[i].topic) {
                at = std::max(at, p.offset);
            }
        }
        if (at < end) {
            return false;
        }
    }
    return true;
}

result<size_t> query_runner::step_transient() {
    if (state_.load() != query_state::running) {
        return error{errc::shutting_down,
                     fmt::format("query {} is {}", plan_.id, query_state_name(state_.load()))};
    }
    if (finished_) {
        return size_t{0};
    }
    batch_.clear();
    auto n = consumer_->poll_batch(batch_, options_.max_batch, options_.poll_timeout);
    if (!n) {
        fail(n.err());
        return n.take_error();
    }
    if (options_.transient->to_end) {
        // A scan ends where the topic ended when it started.
        std::erase_if(batch_, [&](const client::message& m) {
            for (const auto& e : end_offsets_) {
                if (e.partition == m.partition()) {
                    return m.offset() >= e.offset;
                }
            }
            return true;
        });
    }
    if (!batch_.empty()) {
        batch_state b;
        process_under_table_locks(batch_, b);
        if (state_.load() == query_state::failed) {
            return error{errc::io, last_error()};
        }
        counters_.consumed.fetch_add(batch_.size(), std::memory_order_relaxed);
        counters_.batches.fetch_add(1, std::memory_order_relaxed);
        update_lag(batch_);
    }
    if (!finished_) {
        finished_ = transient_at_end();
    }
    return *n;
}

}  // namespace cs::streams
