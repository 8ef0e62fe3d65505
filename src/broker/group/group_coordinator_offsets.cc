// group_coordinator: committed offsets (OffsetCommit, OffsetFetch), writing
// to __consumer_offsets, and offset retention.

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/group/group_coordinator.h"

namespace cs::group {

namespace {

// Kafka's mapping of append failures for group-metadata writes (storeGroup).
error_code group_store_error(const status& s) {
    switch (s.code()) {
        case errc::ok:
            return error_code::none;
        case errc::too_large:
            return error_code::unknown_server_error;
        case errc::shutting_down:
            return error_code::not_coordinator;
        default:
            return error_code::coordinator_not_available;
    }
}

// ... and for offset commits (storeOffsets).
error_code offset_store_error(const status& s) {
    if (s.code() == errc::too_large) {
        return error_code::invalid_commit_offset_size;
    }
    return group_store_error(s);
}

}  // namespace

int32_t group_coordinator::partition_for(std::string_view group_id) const {
    return offsets_partition_for(group_id, config_.offsets_topic_num_partitions);
}

void group_coordinator::append(const std::string& group_id, std::vector<offsets_record> records,
                               std::function<void(status)> done) {
    if (log_ == nullptr) {
        post([done = std::move(done)]() { done(status::success()); });
        return;
    }
    // The log may answer before append() returns or later; either way the
    // completion runs through the queue, then drains what it produced.
    log_->append(partition_for(group_id), std::move(records),
                 [this, done = std::move(done)](status s) {
                     flush_on_exit guard{*this};
                     post([done, s = std::move(s)]() { done(s); });
                 });
}

void group_coordinator::store_group(group_metadata& g,
                                    const std::map<std::string, bytes>* assignment,
                                    std::function<void(error_code)> done) {
    group_metadata_value v;
    v.protocol_type = g.protocol_type().value_or("");
    v.generation = g.generation();
    v.protocol = g.protocol_name();
    v.leader = g.leader_id();
    v.current_state_timestamp_ms = g.state_timestamp_ms();
    for (const auto& m : g.members()) {
        group_member_value mv;
        mv.member_id = m->member_id;
        mv.group_instance_id = m->group_instance_id;
        mv.client_id = m->client_id;
        mv.client_host = m->client_host;
        mv.rebalance_timeout_ms = m->rebalance_timeout_ms;
        mv.session_timeout_ms = m->session_timeout_ms;
        if (g.protocol_name()) {
            if (const bytes* md = m->metadata_for(*g.protocol_name())) {
                mv.subscription = *md;
            }
        }
        if (assignment != nullptr) {
            auto it = assignment->find(m->member_id);
            if (it != assignment->end()) {
                mv.assignment = it->second;
            }
        } else {
            mv.assignment = m->assignment;
        }
        v.members.push_back(std::move(mv));
    }
    std::vector<offsets_record> records;
    records.push_back({encode_group_metadata_key({g.id()}), encode_group_metadata_value(v)});
    append(g.id(), std::move(records), [gid = g.id(), done = std::move(done)](status s) {
        if (!s.ok()) {
            log::get("group")->warn(
                "group {}: writing group metadata to __consumer_offsets "
                "failed: {}",
                gid, s.message());
        }
        done(group_store_error(s));
    });
}

// ---------------------------------------------------------------- OffsetCommit

void group_coordinator::commit_offsets(offset_commit_request req, offset_commit_callback done) {
    flush_on_exit guard{*this};
    auto fail_all = [&](error_code e) {
        std::vector<offset_commit_partition_result> out;
        for (const auto& p : req.partitions) {
            out.push_back({p.tp, e});
        }
        post([done = std::move(done), out = std::move(out)]() { done(out); });
    };
    group_metadata* g = find(req.group_id);
    if (g == nullptr) {
        if (req.generation_id >= 0) {
            // A generation of a group we do not know: stale.
            return fail_all(error_code::illegal_generation);
        }
        // Not using group management: the group exists only for its offsets.
        g = &get_or_create(req.group_id);
    }
    if (g->is(group_state::dead)) {
        return fail_all(error_code::coordinator_not_available);
    }
    if (req.generation_id >= 0 || !req.member_id.empty() || req.group_instance_id) {
        if (g->is_static_member_fenced(req.group_instance_id, req.member_id)) {
            return fail_all(error_code::fenced_instance_id);
        }
        if (!g->has(req.member_id)) {
            return fail_all(error_code::unknown_member_id);
        }
        if (req.generation_id != g->generation()) {
            return fail_all(error_code::illegal_generation);
        }
    } else if (!g->is(group_state::empty)) {
        // Only members may commit while the group has members.
        return fail_all(error_code::unknown_member_id);
    }
    switch (g->state()) {
        case group_state::empty:
            return do_commit(*g, req, done);
        case group_state::stable:
        case group_state::preparing_rebalance:
            // Allowed while preparing: the heartbeat tells the member to rejoin.
            schedule_heartbeat(*g->find(req.member_id));
            return do_commit(*g, req, done);
        case group_state::completing_rebalance:
            // The member has its new generation but no assignment yet.
            return fail_all(error_code::rebalance_in_progress);
        case group_state::dead:
            return fail_all(error_code::coordinator_not_available);
    }
}

error_code group_coordinator::check_txn_offset_commit(const offset_commit_request& req) const {
    if (req.generation_id < 0 && req.member_id.empty() && !req.group_instance_id) {
        return error_code::none;
    }
    const group_metadata* g = find(req.group_id);
    if (g == nullptr) {
        return error_code::illegal_generation;
    }
    if (g->is_static_member_fenced(req.group_instance_id, req.member_id)) {
        return error_code::fenced_instance_id;
    }
    if (!req.member_id.empty() && !g->has(req.member_id)) {
        return error_code::unknown_member_id;
    }
    if (req.generation_id >= 0 && req.generation_id != g->generation()) {
        return error_code::illegal_generation;
    }
    return error_code::none;
}

void group_coordinator::commit_transactional_offsets(offset_commit_request req,
                                                     offset_commit_callback done) {
    flush_on_exit guard{*this};
    group_metadata* g = find(req.group_id);
    if (g == nullptr) {
        g = &get_or_create(req.group_id);
    }
    if (g->is(group_state::dead)) {
        std::vector<offset_commit_partition_result> out;
        for (const auto& p : req.partitions) {
            out.push_back({p.tp, error_code::coordinator_not_available});
        }
        post([done = std::move(done), out = std::move(out)]() { done(out); });
        return;
    }
    do_commit(*g, req, done);
}

void group_coordinator::do_commit(group_metadata& g, offset_commit_request& req,
                                  offset_commit_callback& done) {
    std::vector<offset_commit_partition_result> results;
    std::vector<std::pair<kafka::topic_partition, committed_offset>> accepted;
    std::vector<offsets_record> records;
    int64_t ts = wall();
    for (auto& p : req.partitions) {
        std::string md = p.metadata.value_or("");
        if (md.size() > static_cast<size_t>(config_.offset_metadata_max_bytes)) {
            results.push_back({p.tp, error_code::offset_metadata_too_large});
            continue;
        }
        committed_offset c{p.offset, p.leader_epoch, md, ts, -1};
        offset_commit_value v{c.offset, c.leader_epoch, c.metadata, ts, -1};
        records.push_back({encode_offset_commit_key({g.id(), p.tp.topic, p.tp.partition.value()}),
                           encode_offset_commit_value(v)});
        accepted.emplace_back(p.tp, std::move(c));
    }
    if (accepted.empty()) {
        post([done = std::move(done), results = std::move(results)]() { done(results); });
        return;
    }
    append(g.id(), std::move(records),
           [this, gid = g.id(), accepted = std::move(accepted), results = std::move(results),
            done = std::move(done)](status s) mutable {
               error_code e = offset_store_error(s);
               group_metadata* grp = find(gid);
               if (e == error_code::none && grp != nullptr) {
                   for (auto& [tp, c] : accepted) {
                       grp->offsets[tp] = c;
                   }
                   offsets_committed_ += static_cast<int64_t>(accepted.size());
               } else if (e != error_code::none) {
                   log::get("group")->warn("group {}: offset commit of {} partitions failed: {}",
                                           gid, accepted.size(), s.message());
               }
               for (auto& [tp, c] : accepted) {
                   results.push_back({tp, e});
               }
               done(std::move(results));
           });
}

// ---------------------------------------------------------------- OffsetFetch

offset_fetch_response group_coordinator::fetch_offsets(const offset_fetch_request& req) const {
    offset_fetch_response resp;
    const group_metadata* g = find(req.group_id);
    if (!req.partitions) {
        if (g != nullptr && !g->is(group_state::dead)) {
            for (const auto& [tp, c] : g->offsets) {
                resp.partitions.push_back({tp, c.offset, c.leader_epoch, c.metadata});
            }
        }
        return resp;
    }
    for (const auto& tp : *req.partitions) {
        offset_fetch_partition p{tp, -1, -1, "", error_code::none};
        if (g != nullptr && !g->is(group_state::dead)) {
            auto it = g->offsets.find(tp);
            if (it != g->offsets.end()) {
                p.offset = it->second.offset;
                p.leader_epoch = it->second.leader_epoch;
                p.metadata = it->second.metadata;
            }
        }
        resp.partitions.push_back(std::move(p));
    }
    return resp;
}

// ---------------------------------------------------------------- retention

void group_coordinator::expire_offsets() {
    int64_t t = wall();
    std::vector<std::string> dead;
    for (auto& [id, g] : groups_) {
        std::vector<kafka::topic_partition> expired;
        // Kafka expires offsets only when nobody consumes them: in an Empty
        // group counting from when it became Empty, in a group used only for
        // offsets (no protocol type) counting from each commit.
        if (g->is(group_state::empty)) {
            for (const auto& [tp, c] : g->offsets) {
                bool gone = false;
                if (c.expire_timestamp_ms >= 0) {
                    gone = t >= c.expire_timestamp_ms;
                } else {
                    int64_t base =
                        g->protocol_type() ? g->state_timestamp_ms() : c.commit_timestamp_ms;
                    gone = t - base >= config_.offsets_retention_ms;
                }
                if (gone) {
                    expired.push_back(tp);
                }
            }
        }
        offsets_expired_ += static_cast<int64_t>(expired.size());
        if (!expired.empty()) {
            log::get("group")->info("group {}: {} committed offsets expired", id, expired.size());
        }
        if (remove_offsets(id, *g, expired)) {
            dead.push_back(id);
        }
    }
    for (const auto& id : dead) {
        groups_.erase(id);
    }
}

void group_coordinator::remove_topic_offsets(const std::string& topic) {
    flush_on_exit guard{*this};
    std::vector<std::string> dead;
    for (auto& [id, g] : groups_) {
        std::vector<kafka::topic_partition> gone;
        for (const auto& [tp, c] : g->offsets) {
            if (tp.topic == topic) {
                gone.push_back(tp);
            }
        }
        if (gone.empty()) {
            continue;
        }
        log::get("group")->info("group {}: {} committed offsets removed with topic {}", id,
                                gone.size(), topic);
        if (remove_offsets(id, *g, gone)) {
            dead.push_back(id);
        }
    }
    for (const auto& id : dead) {
        groups_.erase(id);
    }
}

bool group_coordinator::remove_offsets(const std::string& id, group_metadata& g,
                                       const std::vector<kafka::topic_partition>& gone) {
    std::vector<offsets_record> tombstones;
    for (const auto& tp : gone) {
        g.offsets.erase(tp);
        tombstones.push_back(
            {encode_offset_commit_key({id, tp.topic, tp.partition.value()}), std::nullopt});
    }
    bool dies = g.is(group_state::empty) && g.offsets.empty() && g.pending_members().empty();
    if (dies) {
        g.transition_to(group_state::dead, wall());
        tombstones.push_back({encode_group_metadata_key({id}), std::nullopt});
    }
    if (!tombstones.empty()) {
        append(id, std::move(tombstones), [](status) {});
    }
    return dies;
}

}  // namespace cs::group
