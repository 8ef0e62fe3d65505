#pragma once

// The per-record checks Kafka's LogValidator makes on a producer's batch,
// for a broker that stores batches byte-for-byte as sent: validate_batch()
// checks the 61-byte header and the CRC; validate_records() then walks the
// records inside, decompressing the record section first when the batch is
// compressed. Nothing is rewritten or kept: the batch is stored as it came.
//
// Checks (v2 records: length, attributes, timestampDelta, offsetDelta, key,
// value, headers; see record_batch.h):
//   - the section decompresses (errc::corrupt) to at most the given bound
//     (errc::too_large; a defence against decompression bombs);
//   - every record's varints are well formed and every length stays inside
//     the record, and inside the record section;
//   - recordsCount in the header equals the records present, and no bytes
//     follow the last record;
//   - offsetDelta of record i is i. Kafka rewrites (recompresses) a
//     compressed batch whose inner offsets are not 0..N-1 instead of refusing
//     it; a broker that never re-encodes must refuse, or consumers would
//     compute wrong offsets. Every v2 client writes 0..N-1.
//   - headerCount >= 0 and small enough to fit in the record; header keys
//     not null.
// Record-level failures are errc::invalid_argument, which the broker answers
// with INVALID_RECORD, as Kafka does for InvalidRecordException.
//
// Cost: one pass over the records reading a few varints each (keys, values
// and header bytes are skipped, not copied); compressed sections are
// decompressed once into a per-thread buffer that is reused (and released
// after an unusually large batch), with per-thread codec contexts.

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/record_batch.h"

namespace cs::kafka {

// What the broker checks against topic configuration: the smallest and
// largest record timestamp (baseTimestamp + timestampDelta; records without
// one, -1, left out; min > max when none has one) for
// message.timestamp.*.max.ms, and whether a record has a null key (refused
// by a compacted topic).
struct record_summary {
    int64_t min = INT64_MAX;
    int64_t max = INT64_MIN;
    bool null_key = false;
    bool no_timestamps() const { return min > max; }
};

// `batch` is one whole batch that validate_batch() accepted, `h` its header.
// When `summary` is given it is filled in.
status validate_records(bytes_view batch, const batch_header& h, size_t max_uncompressed_bytes,
                        record_summary* summary = nullptr);

// The record walk alone, over an uncompressed record section (the bytes after
// the header, decompressed if need be) that should hold `count` records.
// Timestamps are base_timestamp + each record's delta.
status validate_record_section(bytes_view records, int32_t count, record_summary* summary = nullptr,
                               int64_t base_timestamp = no_timestamp);

}  // namespace cs::kafka
