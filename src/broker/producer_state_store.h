#pragma once

// Makes a partition's idempotent-producer state survive restarts, as Kafka's
// ProducerStateManager snapshots do:
//
//   <partition dir>/producer-state.snapshot, text, one producer batch a line:
//     "clickstream producer state v2 <next offset>"          (first line)
//     "<pid> <epoch> <first seq> <last seq> <first offset> <last offset> <append time>"
//     "txn <pid> <first offset>"       an open transaction (v2)
//     "aborted <pid> <first offset> <marker offset>"  an aborted one (v2)
//
// The snapshot is written (atomically: temp file, fsync, rename) at clean
// shutdown and periodically. At start-up the state is rebuilt from the
// snapshot plus a scan of the batch headers written after it (transactional
// batches open a transaction, markers end it); with no usable snapshot the
// whole log is scanned. So a producer retrying across a broker
// restart or crash still gets its duplicate recognised.

#include "base/result.h"
#include "broker/producer_state.h"
#include "storage/partition_log.h"

namespace cs::broker {

status save_producer_state(const storage::partition_log& log, const producer_state& state);
// now_ms stands for the last write of every producer loaded (the snapshot
// does not keep it), so producer.id.expiration.ms counts from start-up.
result<producer_state> load_producer_state(storage::partition_log& log, int64_t now_ms);

}  // namespace cs::broker
