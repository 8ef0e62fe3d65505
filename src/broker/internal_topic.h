#pragma once

// Walking a partition log's batches at start-up (producer state, internal
// topics), and reading and appending the records of the broker's internal
// compacted topics (__consumer_offsets, __transaction_state): uncompressed
// batches of key/value records written by the broker itself, replayed in
// log order at start-up.

#include <functional>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/record_batch.h"
#include "storage/partition_log.h"

namespace cs::broker {

// Every batch of the log from `from` (or the log start) to the high
// watermark, in offset order, with its header; an error from `visit` or
// from reading ends the walk.
status for_each_batch(
    storage::partition_log& log, kafka::offset from,
    const std::function<status(bytes_view batch, const kafka::batch_header& h)>& visit);

// Every record of the partition, in offset order. A batch that cannot be
// decoded is reported to `bad` and skipped; I/O errors end the read.
status read_internal_records(
    storage::partition_log& log,
    const std::function<void(bytes_view key, std::optional<bytes_view> value)>& visit,
    const std::function<void(int64_t offset, const error& e)>& bad);

// Appends the records (anything with `bytes key` and `std::optional<bytes>
// value`; no value = tombstone) as one uncompressed batch stamped now_ms.
// Returns the last offset written (for wait_durable).
template <class Records>
result<kafka::offset> append_internal_records(storage::partition_log& log, const Records& records,
                                              int64_t now_ms) {
    kafka::batch_builder builder;
    for (const auto& r : records) {
        kafka::record_spec spec;
        spec.key = std::string(as_string_view(bytes_view(r.key)));
        if (r.value) {
            spec.value = std::string(as_string_view(bytes_view(*r.value)));
        }
        spec.timestamp = now_ms;
        builder.add(std::move(spec));
    }
    bytes batch = builder.build();
    auto appended = log.append(mutable_bytes_view(batch.data(), batch.size()));
    if (!appended.ok()) {
        return appended.take_error();
    }
    return appended->last_offset;
}

}  // namespace cs::broker
