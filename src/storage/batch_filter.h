#pragma once

// Rewrites one stored RecordBatch keeping only some of its records: the
// log cleaner's per-batch step (Kafka's MemoryRecords.filterTo).
//
// What a rewritten batch keeps from the original: baseOffset, partition
// leader epoch, attributes (codec, timestamp type, transactional/control
// bits), lastOffsetDelta, baseTimestamp, producer id/epoch/base sequence,
// and each kept record's bytes unchanged (so its offsetDelta and
// timestampDelta still place it correctly). Keeping lastOffsetDelta keeps
// the batch's last offset, so a consumer's next fetch position skips the
// removed tail instead of re-reading it, and the segment's offsets stay
// where the indexes expect them. recordsCount, batchLength, maxTimestamp
// (CreateTime batches: the largest kept record's) and the CRC are
// recomputed; a compressed batch is recompressed with its own codec.
//
// Offset deltas inside a filtered batch are no longer 0..N-1. Consumers
// handle that (Kafka's compacted topics look the same); only the broker's
// Produce validation insists on 0..N-1, and it never sees these batches.

#include <functional>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/record_batch.h"

namespace cs::storage {

struct record_ref {
    kafka::offset offset;
    int64_t timestamp;
    std::optional<bytes_view> key;
    bool tombstone;  // null value
};

enum class filter_outcome { kept_all, rewritten, removed_all };

struct filtered_batch {
    filter_outcome outcome = filter_outcome::kept_all;
    bytes data;  // the rewritten batch (outcome rewritten only)
    int32_t kept_records = 0;
    int32_t removed_records = 0;
};

// Walks every record of `batch` (one whole, valid batch; compressed or not)
// and keeps those for which keep(record) is true. Control batches are
// always kept whole.
result<filtered_batch> filter_batch(bytes_view batch,
                                    const std::function<bool(const record_ref&)>& keep);

// Calls visit(record) for every record of `batch`, in order (the cleaner's
// first pass, which builds the key -> latest offset map).
status for_each_record(bytes_view batch, const std::function<void(const record_ref&)>& visit);

}  // namespace cs::storage
