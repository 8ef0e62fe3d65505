// group_coordinator: DescribeGroups, ListGroups, DeleteGroups, counters, and
// the replay of __consumer_offsets at start-up.

#include <algorithm>

#include "base/log.h"
#include "broker/group/group_coordinator.h"

namespace cs::group {

// ---------------------------------------------------------------- admin APIs

described_group group_coordinator::describe_group(const std::string& group_id) const {
    described_group d;
    d.group_id = group_id;
    if (group_id.empty()) {
        d.error = error_code::invalid_group_id;
        return d;
    }
    const group_metadata* g = find(group_id);
    if (g == nullptr) {
        d.state = group_state_name(group_state::dead);
        return d;
    }
    d.state = group_state_name(g->state());
    d.protocol_type = g->protocol_type().value_or("");
    bool stable = g->is(group_state::stable) && g->protocol_name();
    if (stable) {
        d.protocol = *g->protocol_name();
    }
    for (const auto& m : g->members()) {
        described_member dm{
            m->member_id, m->group_instance_id, m->client_id, m->client_host, {}, {}};
        if (stable) {
            if (const bytes* md = m->metadata_for(d.protocol)) {
                dm.metadata = *md;
            }
            dm.assignment = m->assignment;
        }
        d.members.push_back(std::move(dm));
    }
    return d;
}

std::vector<listed_group> group_coordinator::list_groups(
    const std::vector<group_state>& states) const {
    std::vector<listed_group> out;
    for (const auto& [id, g] : groups_) {
        if (!states.empty() &&
            std::find(states.begin(), states.end(), g->state()) == states.end()) {
            continue;
        }
        out.push_back(
            {id, g->protocol_type().value_or(""), std::string(group_state_name(g->state()))});
    }
    return out;
}

std::vector<delete_group_result> group_coordinator::delete_groups(
    const std::vector<std::string>& group_ids) {
    flush_on_exit guard{*this};
    std::vector<delete_group_result> out;
    for (const auto& id : group_ids) {
        if (id.empty()) {
            out.push_back({id, error_code::invalid_group_id});
            continue;
        }
        group_metadata* g = find(id);
        if (g == nullptr || g->is(group_state::dead)) {
            out.push_back({id, error_code::group_id_not_found});
            continue;
        }
        if (!g->is(group_state::empty)) {
            out.push_back({id, error_code::non_empty_group});
            continue;
        }
        std::vector<offsets_record> tombstones;
        for (const auto& [tp, c] : g->offsets) {
            tombstones.push_back(
                {encode_offset_commit_key({id, tp.topic, tp.partition.value()}), std::nullopt});
        }
        tombstones.push_back({encode_group_metadata_key({id}), std::nullopt});
        g->transition_to(group_state::dead, wall());
        groups_.erase(id);
        append(id, std::move(tombstones), [id](status s) {
            if (!s.ok()) {
                log::get("group")->warn("group {}: writing deletion tombstones failed: {}", id,
                                        s.message());
            }
        });
        log::get("group")->info("group {}: deleted", id);
        out.push_back({id, error_code::none});
    }
    return out;
}

coordinator_stats group_coordinator::stats() const {
    coordinator_stats s;
    s.groups = static_cast<int64_t>(groups_.size());
    for (const auto& [id, g] : groups_) {
        ++s.groups_by_state[static_cast<int>(g->state())];
        s.members += static_cast<int64_t>(g->size());
    }
    s.rebalances_completed = rebalances_completed_;
    s.offsets_committed = offsets_committed_;
    s.offsets_expired = offsets_expired_;
    return s;
}

// ---------------------------------------------------------------- load

void group_coordinator::apply_group_record(const std::string& group_id,
                                           const group_metadata_value* value) {
    // Rebuild from scratch; committed offsets are separate records and stay.
    auto old = groups_.find(group_id);
    std::map<kafka::topic_partition, committed_offset> offsets;
    if (old != groups_.end()) {
        offsets = std::move(old->second->offsets);
        groups_.erase(old);
    }
    if (value == nullptr) {
        if (!offsets.empty()) {
            get_or_create(group_id).offsets = std::move(offsets);
        }
        return;
    }
    group_metadata& g = get_or_create(group_id);
    g.offsets = std::move(offsets);
    g.set_generation(value->generation);
    g.set_protocol_name(value->protocol);
    for (const auto& mv : value->members) {
        auto m = std::make_unique<member_metadata>();
        m->member_id = mv.member_id;
        m->group_instance_id = mv.group_instance_id;
        m->client_id = mv.client_id;
        m->client_host = mv.client_host;
        m->rebalance_timeout_ms = mv.rebalance_timeout_ms;
        m->session_timeout_ms = mv.session_timeout_ms;
        m->protocol_type = value->protocol_type;
        if (value->protocol) {
            m->protocols.push_back({*value->protocol, mv.subscription});
        }
        m->assignment = mv.assignment;
        member_metadata& added = g.add(std::move(m));
        schedule_heartbeat(added);
    }
    // add() set the type and leader from the first member; the record decides.
    g.set_protocol_type(value->protocol_type.empty() ? std::nullopt
                                                     : std::optional(value->protocol_type));
    g.set_leader_id(value->leader);
    int64_t ts =
        value->current_state_timestamp_ms >= 0 ? value->current_state_timestamp_ms : wall();
    g.restore_state(g.size() == 0 ? group_state::empty : group_state::stable, ts);
}

load_summary group_coordinator::load(std::span<const offsets_record> records) {
    flush_on_exit guard{*this};
    load_summary sum;
    auto lg = log::get("group");
    for (const auto& rec : records) {
        auto key = decode_offsets_record_key(rec.key);
        if (!key) {
            lg->warn("__consumer_offsets replay: skipping record: {}", key.err().message);
            ++sum.skipped;
            continue;
        }
        if (const auto* ok = std::get_if<offset_commit_key>(&key.value())) {
            kafka::topic_partition tp{ok->topic, kafka::partition_id(ok->partition)};
            if (!rec.value) {
                if (group_metadata* g = find(ok->group)) {
                    g->offsets.erase(tp);
                }
                ++sum.offsets;
                continue;
            }
            auto v = decode_offset_commit_value(*rec.value);
            if (!v) {
                lg->warn("__consumer_offsets replay: group {} {}: {}", ok->group, tp.to_string(),
                         v.err().message);
                ++sum.skipped;
                continue;
            }
            get_or_create(ok->group).offsets[tp] =
                committed_offset{v->offset, v->leader_epoch, v->metadata, v->commit_timestamp_ms,
                                 v->expire_timestamp_ms};
            ++sum.offsets;
            continue;
        }
        const auto& gk = std::get<group_metadata_key>(key.value());
        if (!rec.value) {
            apply_group_record(gk.group, nullptr);
            ++sum.groups;
            continue;
        }
        auto v = decode_group_metadata_value(*rec.value);
        if (!v) {
            lg->warn("__consumer_offsets replay: group {}: {}", gk.group, v.err().message);
            ++sum.skipped;
            continue;
        }
        apply_group_record(gk.group, &v.value());
        ++sum.groups;
    }
    // Offsets deleted after their group's tombstone leave nothing behind.
    std::erase_if(groups_, [](const auto& kv) {
        const auto& g = *kv.second;
        return g.is(group_state::empty) && g.size() == 0 && g.offsets.empty() &&
               !g.protocol_type() && g.generation() == 0;
    });
    return sum;
}

}  // namespace cs::group
