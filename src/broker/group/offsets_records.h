#pragma once

// The records of the internal compacted topic __consumer_offsets, in Kafka's
// own byte layout so the topic stays readable by Kafka tools and survives a
// restart of clickstream's broker. Pure functions, no I/O.
//
// Every key and value starts with an int16 schema version. Strings are
// int16-length-prefixed UTF-8 (length -1 = null where nullable), bytes are
// int32-length-prefixed, arrays int32-count-prefixed, integers big-endian.
// Layouts (apache/kafka core/src/main/resources/common/message/*.json):
//
//   OffsetCommitKey   v0/v1: [int16 version][string group][string topic][int32 partition]
//   GroupMetadataKey  v2   : [int16 version][string group]
//   OffsetCommitValue v0   : [int16 v][int64 offset][string metadata][int64 commit_ts]
//                     v1   : v0 + [int64 expire_ts] after commit_ts
//                     v2   : same as v0
//                     v3   : [int16 v][int64 offset][int32 leader_epoch][string metadata]
//                            [int64 commit_ts]
//   GroupMetadataValue v0-3: [int16 v][string protocol_type][int32 generation]
//                            [nullable string protocol][nullable string leader]
//                            [int64 current_state_ts (v2+)]
//                            [int32 n] n x member:
//                              [string member_id][nullable string group_instance_id (v3+)]
//                              [string client_id][string client_host]
//                              [int32 rebalance_timeout (v1+)][int32 session_timeout]
//                              [bytes subscription][bytes assignment]
//
// A record with a null value is a tombstone: it deletes the key on replay and
// lets compaction drop it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::group {

// One record of __consumer_offsets as the log stores it. A missing value is a tombstone.
struct offsets_record {
    bytes key;
    std::optional<bytes> value;
};

struct offset_commit_key {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    bool operator==(const offset_commit_key&) const = default;
};

struct offset_commit_value {
    int64_t offset = -1;
    int32_t leader_epoch = -1;  // stored from v3 on; -1 when unknown
    std::string metadata;
    int64_t commit_timestamp_ms = -1;
    int64_t expire_timestamp_ms = -1;  // stored only by v1
    bool operator==(const offset_commit_value&) const = default;
};

struct group_metadata_key {
    std::string group;
    bool operator==(const group_metadata_key&) const = default;
};

struct group_member_value {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = -1;  // v1+ (v0 readers use the session timeout)
    int32_t session_timeout_ms = 0;
    bytes subscription;  // the member's metadata for the selected protocol
    bytes assignment;
    bool operator==(const group_member_value&) const = default;
};

struct group_metadata_value {
    std::string protocol_type;
    int32_t generation = 0;
    std::optional<std::string> protocol;
    std::optional<std::string> leader;
    int64_t current_state_timestamp_ms = -1;  // v2+
    std::vector<group_member_value> members;
    bool operator==(const group_metadata_value&) const = default;
};

using offsets_record_key = std::variant<offset_commit_key, group_metadata_key>;

inline constexpr int16_t offset_commit_key_version = 1;
inline constexpr int16_t group_metadata_key_version = 2;
inline constexpr int16_t offset_commit_value_version = 3;
inline constexpr int16_t group_metadata_value_version = 3;

bytes encode_offset_commit_key(const offset_commit_key& key);
bytes encode_group_metadata_key(const group_metadata_key& key);
// version 0..3; fields a version lacks are not written.
bytes encode_offset_commit_value(const offset_commit_value& value,
                                 int16_t version = offset_commit_value_version);
bytes encode_group_metadata_value(const group_metadata_value& value,
                                  int16_t version = group_metadata_value_version);

// Key versions 0 and 1 are offset commits, 2 is group metadata; anything else
// (e.g. Kafka 3.7+'s consumer-protocol records, versions 3+) is errc::unsupported.
result<offsets_record_key> decode_offsets_record_key(bytes_view key);
result<offset_commit_value> decode_offset_commit_value(bytes_view value);
result<group_metadata_value> decode_group_metadata_value(bytes_view value);

// Java's String.hashCode over the UTF-16 code units of a UTF-8 string
// (malformed UTF-8 bytes count as U+FFFD, as Java's decoder replaces them).
int32_t java_string_hash(std::string_view utf8);

// The __consumer_offsets partition that owns a group, as Kafka computes it:
// Utils.abs(groupId.hashCode) % partitions, with Utils.abs(x) = x & 0x7fffffff.
int32_t offsets_partition_for(std::string_view group_id, int32_t num_partitions);

}  // namespace cs::group
