#pragma once

// The one list of Kafka APIs the protocol codec knows: key, name, the version
// range clickstream supports, and the first flexible version (compact
// encodings and tagged fields, KIP-482) from each API's message JSON
// "flexibleVersions" (even when beyond our range).
// The broker derives its ApiVersions answer from its handler list; the
// codec needs this table to choose encodings and header versions.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cs::kafka {

enum class api_key : int16_t {
    produce = 0,
    fetch = 1,
    list_offsets = 2,
    metadata = 3,
    offset_commit = 8,
    offset_fetch = 9,
    find_coordinator = 10,
    join_group = 11,
    heartbeat = 12,
    leave_group = 13,
    sync_group = 14,
    describe_groups = 15,
    list_groups = 16,
    api_versions = 18,
    create_topics = 19,
    delete_topics = 20,
    delete_records = 21,
    init_producer_id = 22,
    add_partitions_to_txn = 24,
    add_offsets_to_txn = 25,
    end_txn = 26,
    txn_offset_commit = 28,
    describe_configs = 32,
    alter_configs = 33,
    create_partitions = 37,
    delete_groups = 42,
    describe_transactions = 65,
    list_transactions = 66,
};

struct api_descriptor {
    api_key key;
    std::string_view name;  // as Kafka spells it, e.g. "ApiVersions"
    int16_t min_version;    // supported by clickstream
    int16_t max_version;
    int16_t flexible_from;  // first flexible version per Kafka's JSON
};

inline constexpr std::array kApis = {
    api_descriptor{api_key::produce, "Produce", 0, 8, 9},
    api_descriptor{api_key::fetch, "Fetch", 4, 11, 12},
    api_descriptor{api_key::list_offsets, "ListOffsets", 1, 5, 6},
    api_descriptor{api_key::metadata, "Metadata", 0, 9, 9},
    api_descriptor{api_key::offset_commit, "OffsetCommit", 0, 7, 8},
    api_descriptor{api_key::offset_fetch, "OffsetFetch", 1, 7, 6},
    api_descriptor{api_key::find_coordinator, "FindCoordinator", 0, 3, 3},
    api_descriptor{api_key::join_group, "JoinGroup", 0, 5, 6},
    api_descriptor{api_key::heartbeat, "Heartbeat", 0, 3, 4},
    api_descriptor{api_key::leave_group, "LeaveGroup", 0, 3, 4},
    api_descriptor{api_key::sync_group, "SyncGroup", 0, 3, 4},
    api_descriptor{api_key::describe_groups, "DescribeGroups", 0, 4, 5},
    api_descriptor{api_key::list_groups, "ListGroups", 0, 3, 3},
    api_descriptor{api_key::api_versions, "ApiVersions", 0, 3, 3},
    api_descriptor{api_key::create_topics, "CreateTopics", 0, 4, 5},
    api_descriptor{api_key::delete_topics, "DeleteTopics", 0, 3, 4},
    api_descriptor{api_key::delete_records, "DeleteRecords", 0, 1, 2},
    api_descriptor{api_key::init_producer_id, "InitProducerId", 0, 4, 2},
    api_descriptor{api_key::add_partitions_to_txn, "AddPartitionsToTxn", 0, 3, 3},
    api_descriptor{api_key::add_offsets_to_txn, "AddOffsetsToTxn", 0, 3, 3},
    api_descriptor{api_key::end_txn, "EndTxn", 0, 3, 3},
    api_descriptor{api_key::txn_offset_commit, "TxnOffsetCommit", 0, 3, 3},
    api_descriptor{api_key::describe_configs, "DescribeConfigs", 0, 2, 4},
    api_descriptor{api_key::alter_configs, "AlterConfigs", 0, 1, 2},
    api_descriptor{api_key::create_partitions, "CreatePartitions", 0, 1, 2},
    api_descriptor{api_key::delete_groups, "DeleteGroups", 0, 1, 2},
    api_descriptor{api_key::describe_transactions, "DescribeTransactions", 0, 0, 0},
    api_descriptor{api_key::list_transactions, "ListTransactions", 0, 1, 0},
};

// The descriptor of a raw api key as received, or nullptr when unknown.
constexpr const api_descriptor* find_api(int16_t key) {
    for (const auto& a : kApis) {
        if (static_cast<int16_t>(a.key) == key) {
            return &a;
        }
    }
    return nullptr;
}

constexpr const api_descriptor& describe_api(api_key key) {
    return *find_api(static_cast<int16_t>(key));
}

constexpr int16_t flexible_from(api_key key) {
    return describe_api(key).flexible_from;
}

}  // namespace cs::kafka
