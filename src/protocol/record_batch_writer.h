#pragma once

// Writes one RecordBatch v2 a record at a time straight into its buffer: no
// copy or allocation per record (the buffer grows geometrically and keeps
// its memory across clear()). finish() fills the 61-byte header, compresses
// the record section when a codec is set and sets the CRC.
//
// Timestamps: baseTimestamp is the first record's, each record stores its
// delta from it (negative when records are not in time order, as Kafka
// allows), maxTimestamp is the largest. Offset deltas are 0..n-1.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/record_batch.h"

namespace cs::kafka {

struct batch_meta {
    int64_t base_offset = 0;
    int32_t partition_leader_epoch = -1;
    int64_t producer_id = no_producer_id;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    // OR-ed into the attributes besides the codec bits (transactional, control).
    int16_t attributes = 0;
};

class record_batch_writer {
  public:
    struct header {
        std::string_view key;
        std::optional<std::string_view> value;  // nullopt: a null header value
    };

    explicit record_batch_writer(compression_codec codec = compression_codec::none)
        : codec_(codec) {}

    // Starts an empty batch (the buffer keeps its capacity).
    void clear();
    // The base for the timestamp deltas, before the first append (default:
    // the first record's timestamp, as Java's producer does).
    void set_base_timestamp(int64_t ts) {
        base_ts_ = ts;
        base_set_ = true;
    }
    void append(int64_t timestamp_ms, std::optional<std::string_view> key,
                std::optional<std::string_view> value, std::span<const header> headers = {});

    int32_t record_count() const { return count_; }
    bool empty() const { return count_ == 0; }
    // Bytes so far, header included, before compression.
    size_t size() const { return buf_.empty() ? batch_layout::header_size : buf_.size(); }
    // What append() would add for a record of these sizes (within a few bytes).
    static size_t record_size_estimate(size_t key_bytes, size_t value_bytes, size_t header_bytes) {
        return key_bytes + value_bytes + header_bytes + 24;
    }
    compression_codec codec() const { return codec_; }

    // The finished batch; the writer is empty afterwards. Errors only from the
    // compressor.
    result<bytes> finish(const batch_meta& meta = {});

  private:
    compression_codec codec_;
    bytes buf_;
    // The uncompressed size of the last finished batch: the next one starts
    // with that much room, so a batch moved out by finish() is not regrown
    // from nothing by doubling (a copy of everything so far each time).
    size_t last_size_ = 0;
    int32_t count_ = 0;
    int64_t base_ts_ = 0;
    int64_t max_ts_ = 0;
    bool base_set_ = false;
};

}  // namespace cs::kafka
