#pragma once

// Transaction markers: the control batches a transaction coordinator writes
// into every partition of a transaction when it ends (Kafka's
// EndTransactionMarker). One record, attributes transactional | control, the
// producer's id and epoch, base sequence -1:
//
//   key   [int16 version = 0][int16 type: 0 abort, 1 commit]
//   value [int16 version = 0][int32 coordinator epoch]
//
// Consumers never see them as records; read_committed consumers use abort
// markers to stop skipping an aborted transaction.

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::kafka {

enum class control_type : int16_t { abort = 0, commit = 1 };

// One uncompressed marker batch at base offset 0 (the log assigns offsets).
bytes build_txn_marker(int64_t pid, int16_t epoch, control_type type, int32_t coordinator_epoch,
                       int64_t timestamp_ms);

// The marker type of a control batch (header included); errc::corrupt when
// the batch is not a control batch with a marker key, errc::unsupported for
// another control record type (Kafka has none besides these two today).
result<control_type> read_control_type(bytes_view batch);

}  // namespace cs::kafka
