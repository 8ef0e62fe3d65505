#pragma once

// The records of one partition of a Fetch response, as messages: record
// batches (magic 2) split, decompressed when compressed, control batches
// skipped, records before the partition's position skipped. Messages point
// into the response's buffers; `owner` keeps them alive.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "client/consumer.h"
#include "protocol/compression.h"

namespace cs::client {

// What a Fetch response's messages point into: the decoded response (its
// record sections and topic names) and the decompressed record sections.
struct fetched_buffers {
    // Written by decompress_into: no copy after decompressing and no
    // zero-fill; a buffer's bytes stay put when the vector grows.
    std::vector<kafka::decompress_buffer> decompressed;
};

struct decoded_records {
    // The position after the last whole batch: max(position, last offset
    // of each batch + 1), even when compaction removed its last records.
    int64_t next_offset = 0;
    size_t count = 0;  // messages appended
};

// Appends the records at or after `position` of `records` (a partition's
// record section of a Fetch response) to `out`. A trailing partial batch is
// ignored. Errors name topic, partition and offset: errc::unsupported for
// message format v0/v1, errc::corrupt for a malformed batch (messages of the
// batches before it stay in `out`; *stopped_at tells where to resume).
// Decompressed sections go to buffers.decompressed; messages share `owner`,
// which must keep `buffers`, `records` and `topic` alive. With verify_crc
// (check.crcs) a batch whose CRC-32C does not match is corrupt.
result<decoded_records> decode_fetched_records(
    bytes_view records, std::string_view topic, int32_t partition, int64_t position,
    fetched_buffers& buffers, const std::shared_ptr<const void>& owner, std::vector<message>& out,
    int64_t* stopped_at = nullptr, bool verify_crc = false);

}  // namespace cs::client
