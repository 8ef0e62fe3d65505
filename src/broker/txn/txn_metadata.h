#pragma once

// What the transaction coordinator knows of one transactional.id (Kafka's
// TransactionMetadata): its producer id and epoch, the state of its current
// transaction, the partitions and consumer groups in it, and the offsets
// sent with TxnOffsetCommit that become the groups' committed offsets when
// the transaction commits.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "protocol/types.h"

namespace cs::broker::txn {

// Kafka's TransactionState, with its on-disk codes.
enum class txn_state : int8_t {
    empty = 0,
    ongoing = 1,
    prepare_commit = 2,
    prepare_abort = 3,
    complete_commit = 4,
    complete_abort = 5,
    dead = 6,
    prepare_epoch_fence = 7,
};

// "Empty", "Ongoing", ... as Kafka's tools print them.
const char* state_name(txn_state s);

struct pending_offset {
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;
    bool operator==(const pending_offset&) const = default;
};

struct txn_metadata {
    std::string transactional_id;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    // The epoch before the coordinator last bumped it on its own (a timed-out
    // transaction aborted): that producer may still re-initialise (KIP-360).
    int16_t last_producer_epoch = -1;
    int32_t timeout_ms = 60000;
    txn_state state = txn_state::empty;
    std::set<kafka::topic_partition> partitions;
    std::set<std::string> groups;  // AddOffsetsToTxn
    // TxnOffsetCommit: group -> partition -> offset.
    std::map<std::string, std::map<kafka::topic_partition, pending_offset>> offsets;
    int64_t start_ms = -1;  // wall clock when the transaction began
    int64_t last_update_ms = -1;

    bool operator==(const txn_metadata&) const = default;
    bool prepared() const {
        return state == txn_state::prepare_commit || state == txn_state::prepare_abort;
    }
};

}  // namespace cs::broker::txn
