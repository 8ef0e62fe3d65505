#include "broker/group/group_coordinator.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"

namespace cs::group {

namespace {

join_group_response join_error(error_code e, std::string member_id = {}) {
    join_group_response r;
    r.error = e;
    r.member_id = std::move(member_id);
    return r;
}

sync_group_response sync_error(error_code e) {
    sync_group_response r;
    r.error = e;
    return r;
}

}  // namespace

group_coordinator::group_coordinator(coordinator_config config, cs::clock& clock, offset_log* log)
    : config_(config),
      clock_(clock),
      log_(log),
      rng_(std::random_device{}()),
      next_retention_check_ms_(clock.monotonic_ms() + config.offsets_retention_check_interval_ms) {}

group_metadata* group_coordinator::find(const std::string& group_id) const {
    auto it = groups_.find(group_id);
    return it == groups_.end() ? nullptr : it->second.get();
}

const group_metadata* group_coordinator::find_group(const std::string& group_id) const {
    return find(group_id);
}

group_metadata& group_coordinator::get_or_create(const std::string& group_id) {
    auto& slot = groups_[group_id];
    if (!slot) {
        slot = std::make_unique<group_metadata>(group_id, wall());
    }
    return *slot;
}

void group_coordinator::flush() {
    if (flushing_) {
        return;  // the outer flush keeps draining, in order
    }
    // Reset even if a callback throws; what is left runs on the next flush.
    struct reset {
        bool& flag;
        ~reset() { flag = false; }
    } r{flushing_};
    flushing_ = true;
    while (!ready_.empty()) {
        auto fn = std::move(ready_.front());
        ready_.pop_front();
        fn();
    }
}

std::string group_coordinator::generate_member_id(const std::string& client_id) {
    // A random (version 4) UUID in Java's UUID.toString() form, as Kafka appends.
    uint64_t hi = rng_();
    uint64_t lo = rng_();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;
    lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);
    return fmt::format("{}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", client_id, hi >> 32,
                       (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

void group_coordinator::schedule_heartbeat(member_metadata& m) {
    m.deadline_ms = now() + (m.is_new ? config_.new_member_join_timeout_ms : m.session_timeout_ms);
}

void group_coordinator::invoke_join(member_metadata& m, join_group_response resp) {
    if (!m.awaiting_join) {
        return;
    }
    auto cb = std::move(m.awaiting_join);
    m.awaiting_join = nullptr;
    post([cb = std::move(cb), resp = std::move(resp)]() mutable { cb(std::move(resp)); });
}

void group_coordinator::invoke_sync(member_metadata& m, sync_group_response resp) {
    if (!m.awaiting_sync) {
        return;
    }
    auto cb = std::move(m.awaiting_sync);
    m.awaiting_sync = nullptr;
    post([cb = std::move(cb), resp = std::move(resp)]() mutable { cb(std::move(resp)); });
}

join_group_response group_coordinator::current_generation_response(const group_metadata& g,
                                                                   const member_metadata& m,
                                                                   bool with_members) const {
    join_group_response r;
    r.generation_id = g.generation();
    r.protocol_type = g.protocol_type().value_or("");
    r.protocol_name = g.protocol_name().value_or("");
    r.leader = g.leader_id().value_or("");
    r.member_id = m.member_id;
    if (with_members && g.protocol_name()) {
        for (const auto& other : g.members()) {
            const bytes* md = other->metadata_for(*g.protocol_name());
            r.members.push_back({other->member_id, other->group_instance_id, md ? *md : bytes{}});
        }
    }
    return r;
}

// ---------------------------------------------------------------- JoinGroup

void group_coordinator::join_group(join_group_request req, join_group_callback done) {
    flush_on_exit guard{*this};
    auto fail = [&](error_code e) {
        post([done = std::move(done), r = join_error(e, req.member_id)]() { done(r); });
    };
    if (req.version == 0 || req.rebalance_timeout_ms < 0) {
        req.rebalance_timeout_ms = req.session_timeout_ms;
    }
    if (req.version < 5) {
        req.group_instance_id.reset();
    }
    if (req.group_id.empty()) {
        return fail(error_code::invalid_group_id);
    }
    if (req.session_timeout_ms < config_.min_session_timeout_ms ||
        req.session_timeout_ms > config_.max_session_timeout_ms) {
        return fail(error_code::invalid_session_timeout);
    }
    bool unknown_member = req.member_id.empty();
    group_metadata* g = find(req.group_id);
    if (g == nullptr) {
        if (!unknown_member) {
            return fail(error_code::unknown_member_id);
        }
        g = &get_or_create(req.group_id);
    }
    if (!accept_joining_member(*g, req.member_id)) {
        // group.max.size: refuse newcomers; a member over the limit is dropped.
        remove_member_and_update_group(*g, req.member_id, "group.max.size reached");
        post([done = std::move(done)]() { done(join_error(error_code::group_max_size_reached)); });
        return;
    }
    if (unknown_member) {
        do_new_member_join(*g, req, done);
    } else {
        do_current_member_join(*g, req, done);
    }
    if (g->is(group_state::preparing_rebalance)) {
        try_complete_join(*g);
    }
}

bool group_coordinator::accept_joining_member(const group_metadata& g,
                                              const std::string& member_id) const {
    const member_metadata* m = g.find(member_id);
    switch (g.state()) {
        case group_state::empty:
        case group_state::dead:
            return true;
        case group_state::preparing_rebalance: {
            // Counting those already waiting (not the size, which may exceed a
            // lowered limit) lets the last members to rejoin be the ones refused.
            auto waiting = std::count_if(g.members().begin(), g.members().end(),
                                         [](const auto& x) { return x->awaiting_join_response(); });
            return (m != nullptr && m->awaiting_join_response()) ||
                   waiting < config_.group_max_size;
        }
        case group_state::completing_rebalance:
        case group_state::stable:
            return m != nullptr || g.size() < static_cast<size_t>(config_.group_max_size);
    }
    return true;
}

void group_coordinator::do_new_member_join(group_metadata& g, join_group_request& req,
                                           join_group_callback& done) {
    auto fail = [&](error_code e) {
        post([done = std::move(done), r = join_error(e, req.member_id)]() { done(r); });
    };
    if (g.is(group_state::dead)) {
        return fail(error_code::coordinator_not_available);
    }
    if (!g.supports_protocols("", req.protocol_type, req.protocols)) {
        return fail(error_code::inconsistent_group_protocol);
    }
    std::string new_id = generate_member_id(req.client_id);
    if (req.group_instance_id) {
        auto old_id = g.static_member_id(*req.group_instance_id);
        if (old_id) {
            return update_static_member_and_rebalance(g, *old_id, new_id, req, done);
        }
        return add_member_and_rebalance(g, req, new_id, done);
    }
    if (req.version >= 4) {
        // KIP-394: hand out an id first; the member joins for real when it
        // comes back with it (or the id lapses after a session timeout).
        g.add_pending(new_id, now() + req.session_timeout_ms);
        auto r = join_error(error_code::member_id_required, new_id);
        post([done = std::move(done), r = std::move(r)]() { done(r); });
        return;
    }
    add_member_and_rebalance(g, req, new_id, done);
}

void group_coordinator::do_current_member_join(group_metadata& g, join_group_request& req,
                                               join_group_callback& done) {
    auto fail = [&](error_code e) {
        post([done = std::move(done), r = join_error(e, req.member_id)]() { done(r); });
    };
    if (g.is(group_state::dead)) {
        return fail(error_code::coordinator_not_available);
    }
    if (!g.supports_protocols(req.member_id, req.protocol_type, req.protocols)) {
        return fail(error_code::inconsistent_group_protocol);
    }
    if (g.is_pending(req.member_id)) {
        if (req.group_instance_id) {
            // Pending ids are only issued to dynamic members.
            return fail(error_code::unknown_member_id);
        }
        return add_member_and_rebalance(g, req, req.member_id, done);
    }
    if (g.is_static_member_fenced(req.group_instance_id, req.member_id)) {
        return fail(error_code::fenced_instance_id);
    }
    member_metadata* m = g.find(req.member_id);
    if (m == nullptr) {
        return fail(error_code::unknown_member_id);
    }
    switch (g.state()) {
        case group_state::preparing_rebalance:
            return update_member_and_rebalance(g, *m, req, done);
        case group_state::completing_rebalance:
            if (m->matches(req.protocols)) {
                // The join response was lost; repeat it (with the members for the leader).
                schedule_heartbeat(*m);
                auto r = current_generation_response(g, *m, g.is_leader(m->member_id));
                post([done = std::move(done), r = std::move(r)]() { done(r); });
                return;
            }
            return update_member_and_rebalance(g, *m, req, done);
        case group_state::stable:
            if (g.is_leader(m->member_id) || !m->matches(req.protocols)) {
                // The leader rejoining means it wants a new assignment.
                return update_member_and_rebalance(g, *m, req, done);
            }
            {
                schedule_heartbeat(*m);
                auto r = current_generation_response(g, *m, false);
                post([done = std::move(done), r = std::move(r)]() { done(r); });
            }
            return;
        case group_state::empty:
        case group_state::dead:
            return fail(error_code::unknown_member_id);
    }
}

void group_coordinator::update_static_member_and_rebalance(group_metadata& g,
                                                           const std::string& old_id,
                                                           const std::string& new_id,
                                                           join_group_request& req,
                                                           join_group_callback& done) {
    auto current_leader = g.leader_id();
    member_metadata* m = g.find(old_id);
    // Fence the replaced instance: whatever it still waits for ends now.
    invoke_join(*m, join_error(error_code::fenced_instance_id, old_id));
    invoke_sync(*m, sync_error(error_code::fenced_instance_id));
    log::get("group")->info("group {}: static member {} rejoined, member id {} replaces {}", g.id(),
                            *req.group_instance_id, new_id, old_id);
    m = &g.replace_static_member(*req.group_instance_id, new_id);
    m->protocols = req.protocols;
    m->rebalance_timeout_ms = req.rebalance_timeout_ms;
    m->session_timeout_ms = req.session_timeout_ms;
    m->client_id = req.client_id;
    m->client_host = req.client_host;
    m->awaiting_join = std::move(done);
    schedule_heartbeat(*m);

    switch (g.state()) {
        case group_state::stable:
            if (g.protocol_name() == g.select_protocol()) {
                // Same protocol outcome: no rebalance. The old leader id is
                // returned so a restarted leader does not reassign in a Stable
                // group (its new assignment would never be handed out).
                store_group(g, nullptr,
                            [this, gid = g.id(), new_id, leader = current_leader](error_code e) {
                                group_metadata* grp = find(gid);
                                member_metadata* mm = grp ? grp->find(new_id) : nullptr;
                                if (mm == nullptr) {
                                    return;
                                }
                                if (e != error_code::none) {
                                    invoke_join(*mm, join_error(e, new_id));
                                    return;
                                }
                                auto r = current_generation_response(*grp, *mm, false);
                                r.leader = leader.value_or("");
                                invoke_join(*mm, std::move(r));
                            });
            } else {
                maybe_prepare_rebalance(g, "static member rejoined with changed protocols");
            }
            return;
        case group_state::completing_rebalance:
            // The leader may have been given the old id; rebalance so the
            // assignment names the new one.
            prepare_rebalance(g, "static member rejoined during CompletingRebalance");
            return;
        case group_state::preparing_rebalance:
            return;  // it now awaits the join like everyone else
        case group_state::empty:
        case group_state::dead:
            // A static member exists only while the group has members.
            invoke_join(*m, join_error(error_code::unknown_member_id, new_id));
            return;
    }
}

void group_coordinator::add_member_and_rebalance(group_metadata& g, join_group_request& req,
                                                 const std::string& member_id,
                                                 join_group_callback& done) {
    auto m = std::make_unique<member_metadata>();
    m->member_id = member_id;
    m->group_instance_id = req.group_instance_id;
    m->client_id = req.client_id;
    m->client_host = req.client_host;
    m->rebalance_timeout_ms = req.rebalance_timeout_ms;
    m->session_timeout_ms = req.session_timeout_ms;
    m->protocol_type = req.protocol_type;
    m->protocols = req.protocols;
    m->awaiting_join = std::move(done);
    m->is_new = true;
    if (g.is(group_state::preparing_rebalance) && g.generation() == 0) {
        g.new_member_added = true;
    }
    member_metadata& added = g.add(std::move(m));
    schedule_heartbeat(added);
    maybe_prepare_rebalance(g, fmt::format("adding member {}", member_id));
}

void group_coordinator::update_member_and_rebalance(group_metadata& g, member_metadata& m,
                                                    join_group_request& req,
                                                    join_group_callback& done) {
    // A second JoinGroup while one waits: answer the older one so no callback is lost.
    invoke_join(m, join_error(error_code::rebalance_in_progress, m.member_id));
    m.protocols = req.protocols;
    m.rebalance_timeout_ms = req.rebalance_timeout_ms;
    m.session_timeout_ms = req.session_timeout_ms;
    m.awaiting_join = std::move(done);
    schedule_heartbeat(m);
    maybe_prepare_rebalance(g, fmt::format("member {} rejoined", m.member_id));
}

// ---------------------------------------------------------------- rebalance

void group_coordinator::maybe_prepare_rebalance(group_metadata& g, const std::string& reason) {
    if (g.can_rebalance()) {
        prepare_rebalance(g, reason);
    }
}

void group_coordinator::prepare_rebalance(group_metadata& g, const std::string& reason) {
    if (g.is(group_state::completing_rebalance)) {
        reset_and_propagate_assignment_error(g, error_code::rebalance_in_progress);
    }
    if (g.is(group_state::empty)) {
        g.in_initial_delay = true;
        g.new_member_added = false;
        g.initial_delay_ms = config_.initial_rebalance_delay_ms;
        g.initial_delay_remaining_ms =
            std::max(g.rebalance_timeout_ms() - config_.initial_rebalance_delay_ms, 0);
        g.rebalance_deadline_ms = now() + g.initial_delay_ms;
    } else {
        g.in_initial_delay = false;
        g.rebalance_deadline_ms = now() + g.rebalance_timeout_ms();
    }
    g.transition_to(group_state::preparing_rebalance, wall());
    log::get("group")->info("group {}: preparing to rebalance (generation {}): {}", g.id(),
                            g.generation(), reason);
    try_complete_join(g);
}

void group_coordinator::try_complete_join(group_metadata& g) {
    if (!g.is(group_state::preparing_rebalance)) {
        return;
    }
    if (g.in_initial_delay) {
        // The initial delay never ends early: it waits for more members.
        if (now() >= g.rebalance_deadline_ms) {
            on_initial_delay_expired(g);
        }
        return;
    }
    if (g.has_all_members_joined()) {
        on_complete_join(g);
    }
}

void group_coordinator::on_initial_delay_expired(group_metadata& g) {
    if (g.new_member_added && g.initial_delay_remaining_ms != 0) {
        // Members kept arriving: wait again, within the rebalance timeout.
        g.new_member_added = false;
        int32_t delay = std::min(config_.initial_rebalance_delay_ms, g.initial_delay_remaining_ms);
        g.initial_delay_remaining_ms =
            std::max(g.initial_delay_remaining_ms - g.initial_delay_ms, 0);
        g.initial_delay_ms = delay;
        g.rebalance_deadline_ms = now() + delay;
        try_complete_join(g);
        return;
    }
    on_complete_join(g);
}

void group_coordinator::on_complete_join(group_metadata& g) {
    g.in_initial_delay = false;
    // Dynamic members that did not rejoin in time are dropped; static ones stay
    // until their session expires.
    std::vector<std::string> gone;
    for (const auto& m : g.members()) {
        if (!m->awaiting_join_response() && !m->is_static()) {
            gone.push_back(m->member_id);
        }
    }
    for (const auto& id : gone) {
        log::get("group")->info("group {}: removing member {}: it did not rejoin in time", g.id(),
                                id);
        member_metadata* m = g.find(id);
        invoke_sync(*m, sync_error(error_code::unknown_member_id));
        g.remove(id);
    }
    if (g.is(group_state::dead)) {
        return;
    }
    if (!g.maybe_elect_new_joined_leader() && g.size() > 0) {
        // Only static members that have not rejoined remain; wait another
        // rebalance timeout for them (or for their sessions to expire).
        g.rebalance_deadline_ms = now() + g.rebalance_timeout_ms();
        log::get("group")->warn("group {}: no member rejoined; rebalance extended", g.id());
        return;
    }
    g.set_generation(g.generation() + 1);
    ++rebalances_completed_;
    if (g.size() == 0) {
        g.set_protocol_name(std::nullopt);
        g.set_leader_id(std::nullopt);
        g.transition_to(group_state::empty, wall());
        log::get("group")->info("group {}: generation {} is empty", g.id(), g.generation());
        store_group(g, nullptr, [](error_code) {});
        return;
    }
    g.set_protocol_name(g.select_protocol());
    g.transition_to(group_state::completing_rebalance, wall());
    log::get("group")->info("group {}: generation {} with {} members, protocol {}, leader {}",
                            g.id(), g.generation(), g.size(), *g.protocol_name(), *g.leader_id());
    for (const auto& m : g.members()) {
        auto r = current_generation_response(g, *m, g.is_leader(m->member_id));
        invoke_join(*m, std::move(r));
        m->is_new = false;
        schedule_heartbeat(*m);
    }
}

void group_coordinator::remove_member_and_update_group(group_metadata& g,
                                                       const std::string& member_id,
                                                       const std::string& reason) {
    member_metadata* m = g.find(member_id);
    if (m == nullptr) {
        return;
    }
    log::get("group")->info("group {}: removing member {}: {}", g.id(), member_id, reason);
    // A new member may expire while its JoinGroup waits: answer it so the client retries.
    invoke_join(*m, join_error(error_code::unknown_member_id));
    invoke_sync(*m, sync_error(error_code::unknown_member_id));
    g.remove(member_id);
    switch (g.state()) {
        case group_state::stable:
        case group_state::completing_rebalance:
            maybe_prepare_rebalance(g, reason);
            break;
        case group_state::preparing_rebalance:
            try_complete_join(g);
            break;
        case group_state::empty:
        case group_state::dead:
            break;
    }
}

void group_coordinator::remove_pending_member_and_update_group(group_metadata& g,
                                                               const std::string& member_id) {
    g.remove_pending(member_id);
    if (g.is(group_state::preparing_rebalance)) {
        try_complete_join(g);
    }
}

void group_coordinator::reset_and_propagate_assignment_error(group_metadata& g, error_code err) {
    for (const auto& m : g.members()) {
        m->assignment.clear();
        if (m->awaiting_sync) {
            invoke_sync(*m, sync_error(err));
            schedule_heartbeat(*m);
        }
    }
}

void group_coordinator::set_and_propagate_assignment(
    group_metadata& g, const std::map<std::string, bytes>& assignment) {
    for (const auto& m : g.members()) {
        auto it = assignment.find(m->member_id);
        m->assignment = it == assignment.end() ? bytes{} : it->second;
        if (m->awaiting_sync) {
            sync_group_response r;
            r.protocol_type = g.protocol_type().value_or("");
            r.protocol_name = g.protocol_name().value_or("");
            r.assignment = m->assignment;
            invoke_sync(*m, std::move(r));
            schedule_heartbeat(*m);
        }
    }
}

}  // namespace cs::group
