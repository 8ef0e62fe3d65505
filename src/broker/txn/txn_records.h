#pragma once

// The records of the internal compacted topic __transaction_state, one per
// change of a transactional id, keyed by the id (the latest wins; a null
// value is a tombstone for an expired id). Kafka's byte layout
// (TransactionLogKey / TransactionLogValue v0, see internal_record_io.h for
// the primitives), followed by what clickstream adds:
//
//   key   [int16 version 0][string transactional_id]
//   value [int16 version 0][int64 producer_id][int16 producer_epoch]
//         [int32 transaction_timeout_ms][int8 transaction_status]
//         [int32 n] n x [string topic][int32 m] m x [int32 partition]
//         [int64 last_update_timestamp_ms][int64 start_timestamp_ms]
//         clickstream: [int32 g] g x [string group][int32 k] k x
//           [string topic][int32 partition][int64 offset][int32 leader_epoch]
//           [nullable string metadata]
//
// Kafka keeps a transaction's pending offsets as transactional records in
// __consumer_offsets instead; this broker applies them to the group when the
// transaction commits, so they live with the transaction until then.

#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "broker/txn/txn_metadata.h"

namespace cs::broker::txn {

bytes encode_txn_key(const std::string& transactional_id);
bytes encode_txn_value(const txn_metadata& m);

result<std::string> decode_txn_key(bytes_view key);
// `id` fills transactional_id (it is in the key only).
result<txn_metadata> decode_txn_value(const std::string& id, bytes_view value);

}  // namespace cs::broker::txn
