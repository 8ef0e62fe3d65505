#pragma once

// The in-memory state of one classic consumer group: members in join order,
// static-member and pending-member tables, the selected protocol, generation,
// rebalance timers and committed offsets. Plain data plus the invariant-keeping
// helpers the coordinator uses; no callbacks are invoked from here.
//
// Not thread-safe: owned and touched only by group_coordinator, which runs on
// one strand.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/group/types.h"

namespace cs::group {

struct member_metadata {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::string protocol_type;
    std::vector<join_protocol> protocols;
    bytes assignment;

    // Set while the member's JoinGroup / SyncGroup waits for the rebalance.
    join_group_callback awaiting_join;
    sync_group_callback awaiting_sync;
    // A member added by the current rebalance: it cannot heartbeat yet, so it is
    // bounded by new_member_join_timeout_ms instead of being kept alive while waiting.
    bool is_new = false;
    // Monotonic ms at which the member is removed unless it heartbeats.
    int64_t deadline_ms = 0;

    bool is_static() const { return group_instance_id.has_value(); }
    bool awaiting_join_response() const { return static_cast<bool>(awaiting_join); }
    // Same protocols with the same metadata in the same order.
    bool matches(const std::vector<join_protocol>& other) const { return protocols == other; }
    // The member's metadata for a protocol, nullptr if it does not support it.
    const bytes* metadata_for(const std::string& protocol) const;
};

struct committed_offset {
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::string metadata;
    int64_t commit_timestamp_ms = 0;   // wall clock
    int64_t expire_timestamp_ms = -1;  // only from old v1 records; -1 = use retention
};

class group_metadata {
  public:
    group_metadata(std::string id, int64_t now_wall_ms);

    const std::string& id() const { return id_; }
    group_state state() const { return state_; }
    bool is(group_state s) const { return state_ == s; }
    // Moves to `s`, recording when (the retention of an Empty group's offsets
    // counts from it). Asserts the transition is one Kafka allows.
    void transition_to(group_state s, int64_t now_wall_ms);
    bool can_rebalance() const;
    // Sets the state unchecked; only for rebuilding a group from __consumer_offsets.
    void restore_state(group_state s, int64_t ts) {
        state_ = s;
        state_timestamp_ms_ = ts;
    }
    int64_t state_timestamp_ms() const { return state_timestamp_ms_; }
    void set_state_timestamp_ms(int64_t ts) { state_timestamp_ms_ = ts; }

    // --- members ---
    const std::vector<std::unique_ptr<member_metadata>>& members() const { return members_; }
    size_t size() const { return members_.size(); }
    bool has(const std::string& member_id) const { return find(member_id) != nullptr; }
    member_metadata* find(const std::string& member_id) const;
    // Adds a member; the first member fixes the protocol type and, with no
    // leader, becomes leader. Removes it from the pending set.
    member_metadata& add(std::unique_ptr<member_metadata> m);
    // Removes a member (and its static-id mapping); a removed leader passes
    // leadership to the earliest-joined remaining member.
    void remove(const std::string& member_id);
    // A known static member rejoined with a new member id: the entry keeps its
    // place and data under new_member_id; the leader id follows.
    member_metadata& replace_static_member(const std::string& instance_id,
                                           const std::string& new_member_id);
    std::optional<std::string> static_member_id(const std::string& instance_id) const;
    // An instance id mapped to a different member id: that caller was replaced.
    bool is_static_member_fenced(const std::optional<std::string>& instance_id,
                                 const std::string& member_id) const;

    // --- pending members (issued an id with MEMBER_ID_REQUIRED, not yet rejoined) ---
    const std::map<std::string, int64_t>& pending_members() const { return pending_; }
    bool is_pending(const std::string& member_id) const { return pending_.contains(member_id); }
    void add_pending(const std::string& member_id, int64_t deadline_ms) {
        pending_[member_id] = deadline_ms;
    }
    void remove_pending(const std::string& member_id) { pending_.erase(member_id); }

    // --- protocol ---
    const std::optional<std::string>& protocol_type() const { return protocol_type_; }
    void set_protocol_type(std::optional<std::string> t) { protocol_type_ = std::move(t); }
    const std::optional<std::string>& protocol_name() const { return protocol_name_; }
    void set_protocol_name(std::optional<std::string> p) { protocol_name_ = std::move(p); }
    // Kafka's supportsProtocols: an Empty group takes any non-empty type and
    // protocol list; otherwise the type must match and at least one of the
    // protocols must be supported by every other member.
    bool supports_protocols(const std::string& member_id, const std::string& type,
                            const std::vector<join_protocol>& protocols) const;
    // The protocol every member supports with the most votes (each member votes
    // for its most preferred candidate); ties go to the first member's order.
    // Requires at least one member.
    std::string select_protocol() const;

    // --- generation and leadership ---
    int32_t generation() const { return generation_; }
    void set_generation(int32_t g) { generation_ = g; }
    const std::optional<std::string>& leader_id() const { return leader_id_; }
    void set_leader_id(std::optional<std::string> l) { leader_id_ = std::move(l); }
    bool is_leader(const std::string& member_id) const { return leader_id_ == member_id; }
    // If the leader has not rejoined, hands leadership to the first member that
    // has. False when nobody has rejoined.
    bool maybe_elect_new_joined_leader();

    // --- rebalance bookkeeping ---
    // Every member awaits its join response and no pending member is outstanding.
    bool has_all_members_joined() const;
    // The largest rebalance timeout among members (0 when none).
    int32_t rebalance_timeout_ms() const;

    // Rebalance timer while PreparingRebalance: in the initial-delay phase the
    // deadline is the delay's end (never completed early); otherwise the
    // rebalance timeout, completed early once everyone has joined.
    bool in_initial_delay = false;
    int32_t initial_delay_ms = 0;  // the length of the current delay
    int32_t initial_delay_remaining_ms = 0;
    bool new_member_added = false;  // a member joined during the initial delay
    int64_t rebalance_deadline_ms = 0;

    // --- committed offsets ---
    std::map<kafka::topic_partition, committed_offset> offsets;

  private:
    std::string id_;
    group_state state_ = group_state::empty;
    int64_t state_timestamp_ms_;
    int32_t generation_ = 0;
    std::optional<std::string> protocol_type_;
    std::optional<std::string> protocol_name_;
    std::optional<std::string> leader_id_;
    std::vector<std::unique_ptr<member_metadata>> members_;  // join order
    std::map<std::string, std::string> static_members_;      // instance id -> member id
    std::map<std::string, int64_t> pending_;                 // member id -> deadline (monotonic)
};

}  // namespace cs::group
