#include "broker/group/group_metadata.h"

#include <algorithm>
#include <cassert>
#include <cctype>

#include "base/ascii.h"

namespace cs::group {

std::string_view group_state_name(group_state s) {
    switch (s) {
        case group_state::empty:
            return "Empty";
        case group_state::preparing_rebalance:
            return "PreparingRebalance";
        case group_state::completing_rebalance:
            return "CompletingRebalance";
        case group_state::stable:
            return "Stable";
        case group_state::dead:
            return "Dead";
    }
    return "Unknown";
}

std::optional<group_state> parse_group_state(std::string_view name) {
    for (int i = 0; i < group_state_count; ++i) {
        auto s = static_cast<group_state>(i);
        auto n = group_state_name(s);
        if (ascii_iequals(n, name)) {
            return s;
        }
    }
    return std::nullopt;
}

const bytes* member_metadata::metadata_for(const std::string& protocol) const {
    for (const auto& p : protocols) {
        if (p.name == protocol) {
            return &p.metadata;
        }
    }
    return nullptr;
}

group_metadata::group_metadata(std::string id, int64_t now_wall_ms)
    : id_(std::move(id)), state_timestamp_ms_(now_wall_ms) {}

namespace {

bool valid_previous(group_state to, group_state from) {
    switch (to) {
        case group_state::dead:
            return true;
        case group_state::completing_rebalance:
            return from == group_state::preparing_rebalance;
        case group_state::stable:
            return from == group_state::completing_rebalance;
        case group_state::preparing_rebalance:
            return from == group_state::stable || from == group_state::completing_rebalance ||
                   from == group_state::empty;
        case group_state::empty:
            return from == group_state::preparing_rebalance;
    }
    return false;
}

}  // namespace

void group_metadata::transition_to(group_state s, int64_t now_wall_ms) {
    assert(valid_previous(s, state_));
    (void)valid_previous;
    state_ = s;
    state_timestamp_ms_ = now_wall_ms;
}

bool group_metadata::can_rebalance() const {
    return valid_previous(group_state::preparing_rebalance, state_);
}

member_metadata* group_metadata::find(const std::string& member_id) const {
    for (const auto& m : members_) {
        if (m->member_id == member_id) {
            return m.get();
        }
    }
    return nullptr;
}

member_metadata& group_metadata::add(std::unique_ptr<member_metadata> m) {
    if (members_.empty()) {
        protocol_type_ = m->protocol_type;
    }
    if (!leader_id_) {
        leader_id_ = m->member_id;
    }
    if (m->group_instance_id) {
        static_members_[*m->group_instance_id] = m->member_id;
    }
    pending_.erase(m->member_id);
    members_.push_back(std::move(m));
    return *members_.back();
}

void group_metadata::remove(const std::string& member_id) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const auto& m) { return m->member_id == member_id; });
    if (it == members_.end()) {
        return;
    }
    if ((*it)->group_instance_id) {
        auto s = static_members_.find(*(*it)->group_instance_id);
        if (s != static_members_.end() && s->second == member_id) {
            static_members_.erase(s);
        }
    }
    members_.erase(it);
    if (is_leader(member_id)) {
        leader_id_ = members_.empty() ? std::nullopt
                                      : std::optional<std::string>(members_.front()->member_id);
    }
}

member_metadata& group_metadata::replace_static_member(const std::string& instance_id,
                                                       const std::string& new_member_id) {
    auto old_id = static_members_.at(instance_id);
    member_metadata* m = find(old_id);
    assert(m != nullptr);
    m->member_id = new_member_id;
    static_members_[instance_id] = new_member_id;
    if (is_leader(old_id)) {
        leader_id_ = new_member_id;
    }
    return *m;
}

std::optional<std::string> group_metadata::static_member_id(const std::string& instance_id) const {
    auto it = static_members_.find(instance_id);
    if (it == static_members_.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool group_metadata::is_static_member_fenced(const std::optional<std::string>& instance_id,
                                             const std::string& member_id) const {
    if (!instance_id) {
        return false;
    }
    auto current = static_member_id(*instance_id);
    return current && *current != member_id;
}

bool group_metadata::supports_protocols(const std::string& member_id, const std::string& type,
                                        const std::vector<join_protocol>& protocols) const {
    if (type.empty() || protocols.empty()) {
        return false;
    }
    if (is(group_state::empty) || members_.empty()) {
        return true;
    }
    if (protocol_type_ != type) {
        return false;
    }
    return std::any_of(protocols.begin(), protocols.end(), [&](const join_protocol& p) {
        return std::all_of(members_.begin(), members_.end(), [&](const auto& m) {
            return m->member_id == member_id || m->metadata_for(p.name) != nullptr;
        });
    });
}

std::string group_metadata::select_protocol() const {
    assert(!members_.empty());
    // Candidates: supported by every member, in the first member's preference order.
    std::vector<std::string> candidates;
    for (const auto& p : members_.front()->protocols) {
        bool everyone = std::all_of(members_.begin(), members_.end(), [&](const auto& m) {
            return m->metadata_for(p.name) != nullptr;
        });
        if (everyone) {
            candidates.push_back(p.name);
        }
    }
    assert(!candidates.empty());
    std::vector<int> votes(candidates.size(), 0);
    for (const auto& m : members_) {
        for (const auto& p : m->protocols) {
            auto c = std::find(candidates.begin(), candidates.end(), p.name);
            if (c != candidates.end()) {
                ++votes[static_cast<size_t>(c - candidates.begin())];
                break;
            }
        }
    }
    // max_element keeps the first of equal maxima: the first member's preference.
    auto best = std::max_element(votes.begin(), votes.end());
    return candidates[static_cast<size_t>(best - votes.begin())];
}

bool group_metadata::maybe_elect_new_joined_leader() {
    if (!leader_id_) {
        return false;
    }
    member_metadata* leader = find(*leader_id_);
    if (leader != nullptr && leader->awaiting_join_response()) {
        return true;
    }
    for (const auto& m : members_) {
        if (m->awaiting_join_response()) {
            leader_id_ = m->member_id;
            return true;
        }
    }
    return false;
}

bool group_metadata::has_all_members_joined() const {
    return pending_.empty() && std::all_of(members_.begin(), members_.end(), [](const auto& m) {
               return m->awaiting_join_response();
           });
}

int32_t group_metadata::rebalance_timeout_ms() const {
    int32_t t = 0;
    for (const auto& m : members_) {
        t = std::max(t, m->rebalance_timeout_ms);
    }
    return t;
}

}  // namespace cs::group
