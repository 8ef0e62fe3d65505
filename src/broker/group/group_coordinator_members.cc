// group_coordinator: SyncGroup, Heartbeat, LeaveGroup and the timers that
// tick() drives (session expiry, pending members, rebalance deadlines).

#include <fmt/format.h>

#include "base/log.h"
#include "broker/group/group_coordinator.h"

namespace cs::group {

namespace {

sync_group_response sync_error(error_code e) {
    sync_group_response r;
    r.error = e;
    return r;
}

}  // namespace
// ---------------------------------------------------------------- SyncGroup

void group_coordinator::sync_group(sync_group_request req, sync_group_callback done) {
    flush_on_exit guard{*this};
    auto fail = [&](error_code e) {
        post([done = std::move(done), r = sync_error(e)]() { done(r); });
    };
    if (req.group_id.empty()) {
        return fail(error_code::invalid_group_id);
    }
    group_metadata* g = find(req.group_id);
    if (g == nullptr) {
        return fail(error_code::unknown_member_id);
    }
    if (g->is(group_state::dead)) {
        return fail(error_code::coordinator_not_available);
    }
    if (g->is_static_member_fenced(req.group_instance_id, req.member_id)) {
        return fail(error_code::fenced_instance_id);
    }
    member_metadata* m = g->find(req.member_id);
    if (m == nullptr) {
        return fail(error_code::unknown_member_id);
    }
    if (req.generation_id != g->generation()) {
        return fail(error_code::illegal_generation);
    }
    if ((req.protocol_type && g->protocol_type() != *req.protocol_type) ||
        (req.protocol_name && g->protocol_name() != *req.protocol_name)) {
        return fail(error_code::inconsistent_group_protocol);
    }
    switch (g->state()) {
        case group_state::empty:
        case group_state::dead:
            return fail(error_code::unknown_member_id);
        case group_state::preparing_rebalance:
            return fail(error_code::rebalance_in_progress);
        case group_state::completing_rebalance: {
            invoke_sync(*m, sync_error(error_code::rebalance_in_progress));  // a duplicate
            m->awaiting_sync = std::move(done);
            schedule_heartbeat(*m);
            if (!g->is_leader(m->member_id)) {
                return;  // followers wait for the leader's assignment
            }
            std::map<std::string, bytes> assignment;
            for (const auto& other : g->members()) {
                assignment[other->member_id] = {};
            }
            for (auto& a : req.assignments) {
                auto it = assignment.find(a.member_id);
                if (it != assignment.end()) {
                    it->second = std::move(a.assignment);
                }
            }
            int32_t generation = g->generation();
            store_group(
                *g, &assignment, [this, gid = g->id(), generation, assignment](error_code e) {
                    group_metadata* grp = find(gid);
                    // Another join may have restarted the rebalance meanwhile.
                    if (grp == nullptr || !grp->is(group_state::completing_rebalance) ||
                        grp->generation() != generation) {
                        return;
                    }
                    if (e != error_code::none) {
                        reset_and_propagate_assignment_error(*grp, e);
                        maybe_prepare_rebalance(*grp, "storing the assignment failed");
                        return;
                    }
                    set_and_propagate_assignment(*grp, assignment);
                    grp->transition_to(group_state::stable, wall());
                    log::get("group")->info("group {}: generation {} is stable", gid, generation);
                });
            return;
        }
        case group_state::stable: {
            sync_group_response r;
            r.protocol_type = g->protocol_type().value_or("");
            r.protocol_name = g->protocol_name().value_or("");
            r.assignment = m->assignment;
            schedule_heartbeat(*m);
            post([done = std::move(done), r = std::move(r)]() { done(r); });
            return;
        }
    }
}

// ---------------------------------------------------------------- Heartbeat

error_code group_coordinator::heartbeat(const heartbeat_request& req) {
    flush_on_exit guard{*this};
    if (req.group_id.empty()) {
        return error_code::invalid_group_id;
    }
    group_metadata* g = find(req.group_id);
    if (g == nullptr) {
        return error_code::unknown_member_id;
    }
    if (g->is(group_state::dead)) {
        return error_code::coordinator_not_available;
    }
    if (g->is_static_member_fenced(req.group_instance_id, req.member_id)) {
        return error_code::fenced_instance_id;
    }
    member_metadata* m = g->find(req.member_id);
    if (m == nullptr) {
        return error_code::unknown_member_id;
    }
    if (req.generation_id != g->generation()) {
        return error_code::illegal_generation;
    }
    switch (g->state()) {
        case group_state::empty:
        case group_state::dead:
            return error_code::unknown_member_id;
        case group_state::preparing_rebalance:
            schedule_heartbeat(*m);
            return error_code::rebalance_in_progress;
        case group_state::completing_rebalance:
        case group_state::stable:
            schedule_heartbeat(*m);
            return error_code::none;
    }
    return error_code::unknown_server_error;
}

// ---------------------------------------------------------------- LeaveGroup

leave_group_response group_coordinator::leave_group(const leave_group_request& req) {
    flush_on_exit guard{*this};
    leave_group_response resp;
    if (req.group_id.empty()) {
        resp.error = error_code::invalid_group_id;
        return resp;
    }
    group_metadata* g = find(req.group_id);
    if (g != nullptr && g->is(group_state::dead)) {
        resp.error = error_code::coordinator_not_available;
        return resp;
    }
    for (const auto& who : req.members) {
        error_code e = error_code::unknown_member_id;
        if (g == nullptr) {
            // unknown group: every member is unknown
        } else if (who.member_id.empty()) {
            // v3+ administrative removal by group.instance.id
            auto current =
                who.group_instance_id ? g->static_member_id(*who.group_instance_id) : std::nullopt;
            if (current) {
                remove_member_and_update_group(*g, *current, "removed by group.instance.id");
                e = error_code::none;
            }
        } else if (g->is_pending(who.member_id)) {
            remove_pending_member_and_update_group(*g, who.member_id);
            e = error_code::none;
        } else if (g->is_static_member_fenced(who.group_instance_id, who.member_id)) {
            e = error_code::fenced_instance_id;
        } else if (g->has(who.member_id)) {
            remove_member_and_update_group(*g, who.member_id, "left the group");
            e = error_code::none;
        }
        resp.members.push_back({who, e});
    }
    if (req.version < 3 && resp.members.size() == 1) {
        resp.error = resp.members.front().error;
    }
    return resp;
}

// ---------------------------------------------------------------- timers

void group_coordinator::expire_members(group_metadata& g) {
    int64_t t = now();
    std::vector<std::string> lapsed;
    for (const auto& [id, deadline] : g.pending_members()) {
        if (t >= deadline) {
            lapsed.push_back(id);
        }
    }
    for (const auto& id : lapsed) {
        log::get("group")->info("group {}: pending member {} did not rejoin in time", g.id(), id);
        remove_pending_member_and_update_group(g, id);
    }
    std::vector<std::string> expired;
    for (const auto& m : g.members()) {
        // Members waiting for a join or sync response cannot heartbeat; the
        // rebalance bounds them, except new members (their own join timeout).
        bool waiting = m->awaiting_join_response() || m->awaiting_sync;
        if (t >= m->deadline_ms && (m->is_new || !waiting)) {
            expired.push_back(m->member_id);
        }
    }
    for (const auto& id : expired) {
        remove_member_and_update_group(g, id, "session timeout expired");
    }
}

void group_coordinator::tick() {
    flush_on_exit guard{*this};
    std::vector<std::string> ids;
    ids.reserve(groups_.size());
    for (const auto& [id, g] : groups_) {
        ids.push_back(id);
    }
    for (const auto& id : ids) {
        group_metadata* g = find(id);
        if (g == nullptr) {
            continue;
        }
        expire_members(*g);
        if (g->is(group_state::preparing_rebalance) && now() >= g->rebalance_deadline_ms) {
            if (g->in_initial_delay) {
                on_initial_delay_expired(*g);
            } else {
                on_complete_join(*g);
            }
        }
    }
    if (now() >= next_retention_check_ms_) {
        next_retention_check_ms_ = now() + config_.offsets_retention_check_interval_ms;
        expire_offsets();
    }
}

}  // namespace cs::group
