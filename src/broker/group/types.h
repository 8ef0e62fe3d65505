#pragma once

// The group coordinator's own request and response structs. They carry the
// fields of Kafka's JoinGroup v0-5, SyncGroup v0-3 (+ v5's protocol checks),
// Heartbeat v0-3, LeaveGroup v0-3, OffsetCommit, OffsetFetch, DescribeGroups,
// ListGroups and DeleteGroups that the coordinator's logic needs; the broker's
// API handlers map the wire messages onto them. Error codes are Kafka's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "protocol/error_code.h"
#include "protocol/types.h"

namespace cs::group {

using kafka::error_code;

// Kafka's classic group states. Transitions (GroupMetadata.scala):
//   Empty -> PreparingRebalance (first join)          -> Dead (deleted / offsets expired)
//   PreparingRebalance -> CompletingRebalance (all joined or rebalance timeout)
//                      -> Empty (everyone gone)        -> Dead
//   CompletingRebalance -> Stable (leader's SyncGroup) -> PreparingRebalance -> Dead
//   Stable -> PreparingRebalance (join/leave/expiry)   -> Dead
enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };
inline constexpr int group_state_count = 5;

// "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view group_state_name(group_state s);
// Case-insensitive inverse of group_state_name (ListGroups v4 states filter).
std::optional<group_state> parse_group_state(std::string_view name);

struct join_protocol {
    std::string name;
    bytes metadata;
    bool operator==(const join_protocol&) const = default;
};

struct join_group_request {
    int16_t version = 5;
    std::string group_id;
    int32_t session_timeout_ms = 10000;
    int32_t rebalance_timeout_ms = -1;             // v1+; v0 (or -1) uses the session timeout
    std::string member_id;                         // "" for a new member
    std::optional<std::string> group_instance_id;  // v5+, static membership
    std::string protocol_type;
    std::vector<join_protocol> protocols;  // in the member's order of preference
    std::string client_id;
    std::string client_host;
};

struct join_group_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    bytes metadata;  // the member's metadata for the selected protocol
};

struct join_group_response {
    error_code error = error_code::none;
    int32_t generation_id = -1;
    std::string protocol_type;
    std::string protocol_name;  // "" when none selected
    std::string leader;
    std::string member_id;
    std::vector<join_group_member> members;  // filled for the leader only
};

struct sync_group_assignment {
    std::string member_id;
    bytes assignment;
};

struct sync_group_request {
    int16_t version = 3;
    std::string group_id;
    int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;    // v3+
    std::optional<std::string> protocol_type;        // v5+, checked when present
    std::optional<std::string> protocol_name;        // v5+, checked when present
    std::vector<sync_group_assignment> assignments;  // the leader's only
};

struct sync_group_response {
    error_code error = error_code::none;
    std::string protocol_type;
    std::string protocol_name;
    bytes assignment;
};

struct heartbeat_request {
    std::string group_id;
    int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct member_identity {
    std::string member_id;  // "" with a group_instance_id: remove that static member (v3+)
    std::optional<std::string> group_instance_id;
};

struct leave_group_request {
    int16_t version = 3;
    std::string group_id;
    std::vector<member_identity> members;  // exactly one for v0-v2
};

struct leave_group_member_result {
    member_identity member;
    error_code error = error_code::none;
};

struct leave_group_response {
    // For v0-v2 this carries the single member's error, as Kafka's response does.
    error_code error = error_code::none;
    std::vector<leave_group_member_result> members;
};

struct offset_commit_partition {
    kafka::topic_partition tp;
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;  // null stores ""
};

struct offset_commit_request {
    std::string group_id;
    int32_t generation_id = -1;  // -1 with member_id "" = standalone (simple consumer)
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::vector<offset_commit_partition> partitions;
};

struct offset_commit_partition_result {
    kafka::topic_partition tp;
    error_code error = error_code::none;
};

struct offset_fetch_request {
    std::string group_id;
    std::optional<std::vector<kafka::topic_partition>> partitions;  // nullopt: all of the group
};

struct offset_fetch_partition {
    kafka::topic_partition tp;
    int64_t offset = -1;  // -1: nothing committed
    int32_t leader_epoch = -1;
    std::string metadata;
    error_code error = error_code::none;
};

struct offset_fetch_response {
    error_code error = error_code::none;
    std::vector<offset_fetch_partition> partitions;
};

struct described_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    bytes metadata;    // for the selected protocol; empty unless Stable
    bytes assignment;  // empty unless Stable
};

struct described_group {
    error_code error = error_code::none;
    std::string group_id;
    std::string state;  // group_state_name(); "Dead" for an unknown group
    std::string protocol_type;
    std::string protocol;  // "" unless Stable
    std::vector<described_member> members;
};

struct listed_group {
    std::string group_id;
    std::string protocol_type;
    std::string state;
};

struct delete_group_result {
    std::string group_id;
    error_code error = error_code::none;
};

// Counters a user can read (metrics, `clickstream broker` status).
struct coordinator_stats {
    int64_t groups = 0;
    int64_t groups_by_state[group_state_count] = {};  // indexed by group_state
    int64_t members = 0;
    int64_t rebalances_completed = 0;  // generations that reached CompletingRebalance or Empty
    int64_t offsets_committed = 0;     // partitions whose commit became durable
    int64_t offsets_expired = 0;
};

using join_group_callback = std::function<void(join_group_response)>;
using sync_group_callback = std::function<void(sync_group_response)>;
using offset_commit_callback = std::function<void(std::vector<offset_commit_partition_result>)>;

}  // namespace cs::group
