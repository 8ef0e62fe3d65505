#pragma once

// Kafka RecordBatch v2 (magic 2): the unit the broker receives in Produce,
// stores byte-for-byte in log segments and serves in Fetch.
//
// Layout (all integers big-endian; transcribed from the Kafka spec,
// DefaultRecordBatch), header = 61 bytes:
//
//   0  baseOffset            int64   rewritten by the broker on append
//   8  batchLength           int32   bytes after this field (total = 12 + batchLength)
//  12  partitionLeaderEpoch  int32   rewritten by the broker on append
//  16  magic                 int8    = 2
//  17  crc                   uint32  CRC-32C of bytes [21, end)
//  21  attributes            int16   bits 0-2 codec, 3 LogAppendTime, 4 txn, 5 control
//  23  lastOffsetDelta       int32
//  27  baseTimestamp         int64
//  35  maxTimestamp          int64
//  43  producerId            int64
//  51  producerEpoch         int16
//  53  baseSequence          int32
//  57  recordsCount          int32
//  61  records (compressed as one block when codec != none)
//
// Nothing here does I/O; storage and broker build on these functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/types.h"

namespace cs::kafka {

namespace batch_layout {
constexpr size_t base_offset = 0;
constexpr size_t batch_length = 8;
constexpr size_t partition_leader_epoch = 12;
constexpr size_t magic = 16;
constexpr size_t crc = 17;
constexpr size_t attributes = 21;
constexpr size_t last_offset_delta = 23;
constexpr size_t base_timestamp = 27;
constexpr size_t max_timestamp = 35;
constexpr size_t producer_id = 43;
constexpr size_t producer_epoch = 51;
constexpr size_t base_sequence = 53;
constexpr size_t records_count = 57;
constexpr size_t header_size = 61;
// baseOffset + batchLength: the bytes not counted by batchLength.
constexpr size_t log_overhead = 12;
// The CRC covers [crc_start, end of batch).
constexpr size_t crc_start = attributes;
// Smallest legal batchLength (a header with no records).
constexpr int32_t min_batch_length = static_cast<int32_t>(header_size - log_overhead);
}  // namespace batch_layout

constexpr int8_t record_batch_magic_v2 = 2;
constexpr int64_t no_timestamp = -1;
constexpr int64_t no_producer_id = -1;

enum class compression_codec : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
enum class timestamp_type : uint8_t { create_time = 0, log_append_time = 1 };

namespace batch_attr {
constexpr int16_t codec_mask = 0x07;
constexpr int16_t log_append_time = 0x08;
constexpr int16_t transactional = 0x10;
constexpr int16_t control = 0x20;
constexpr int16_t delete_horizon = 0x40;
}  // namespace batch_attr

struct batch_header {
    int64_t base_offset = 0;
    int32_t batch_length = 0;
    int32_t partition_leader_epoch = -1;
    int8_t magic = record_batch_magic_v2;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    int64_t base_timestamp = no_timestamp;
    int64_t max_timestamp = no_timestamp;
    int64_t producer_id = no_producer_id;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t records_count = 0;

    // Codec bits as stored; values above 4 are reported by validate_batch.
    uint8_t codec_bits() const { return static_cast<uint8_t>(attributes & batch_attr::codec_mask); }
    compression_codec compression() const { return static_cast<compression_codec>(codec_bits()); }
    timestamp_type ts_type() const {
        return (attributes & batch_attr::log_append_time) != 0 ? timestamp_type::log_append_time
                                                               : timestamp_type::create_time;
    }
    bool is_transactional() const { return (attributes & batch_attr::transactional) != 0; }
    bool is_control() const { return (attributes & batch_attr::control) != 0; }
    // Whole batch on the wire/disk: baseOffset + batchLength fields + batchLength.
    size_t total_size() const {
        return batch_layout::log_overhead + static_cast<size_t>(batch_length);
    }
    offset first_offset() const { return offset(base_offset); }
    offset last_offset() const { return offset(base_offset + last_offset_delta); }
};

// Decodes the 61-byte header. Precondition: in.size() >= header_size.
batch_header decode_header(bytes_view in);
// Same, checking the size first (no other check).
result<batch_header> read_header(bytes_view in);

// Which rules validate_batch applies.
struct batch_checks {
    // Rules Kafka applies to batches from producers (LogValidator): baseOffset
    // 0, recordsCount > 0, lastOffsetDelta + 1 == recordsCount, no control
    // batches, baseSequence >= 0 when a producer id is set.
    bool client_rules = true;
    bool verify_crc = true;
};

// Checks one batch that starts at in[0]: enough bytes, batchLength within
// [49, rest of buffer], magic 2, known codec, CRC-32C, and (client_rules)
// the producer rules above. Trailing bytes after the batch are allowed.
// Errors: errc::corrupt for length/magic/CRC, errc::invalid_argument for
// rule violations; the message names the failed check.
result<batch_header> validate_batch(bytes_view in, batch_checks checks = {});

// CRC-32C of a whole batch as stored in its crc field (over [21, end)).
uint32_t compute_batch_crc(bytes_view batch);

// A buffer of concatenated batches cut at batch boundaries (headers not
// validated beyond batchLength). `trailing` holds an incomplete last batch
// (a fetch cut at max bytes, a torn segment tail); it is empty otherwise.
struct batch_split {
    std::vector<bytes_view> batches;
    bytes_view trailing;
};
// errc::corrupt when a batchLength is below the minimum (not a partial batch
// but a malformed one); the message gives the byte position.
result<batch_split> split_batches(bytes_view in);

// In-place rewrites of a stored batch (precondition: batch.size() >= 61).
// baseOffset and partitionLeaderEpoch lie outside the CRC.
void set_base_offset(mutable_bytes_view batch, offset base);
void set_partition_leader_epoch(mutable_bytes_view batch, leader_epoch epoch);
// LogAppendTime: sets the timestamp-type bit and maxTimestamp, then
// recomputes the CRC (both fields are inside it). Kafka leaves the records'
// own timestamps alone; readers use maxTimestamp for every record.
void set_log_append_time(mutable_bytes_view batch, int64_t timestamp_ms);

// ---- Records (uncompressed record sections) ----

struct record_header_view {
    std::string_view key;
    std::optional<bytes_view> value;
};

struct record_view {
    int8_t attributes = 0;
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    std::vector<record_header_view> headers;
    // The header section after its count, still encoded (checked like the
    // rest), and the count: for readers that parse headers lazily.
    bytes_view raw_headers;
    int32_t header_count = 0;
};

// Walks the records of an uncompressed record section (the bytes after the
// 61-byte header). Compressed sections must be decompressed first (the
// compression module does that). Views point into the input buffer.
class record_reader {
  public:
    // collect_headers=false leaves record_view::headers empty (no allocation
    // per record); the headers are still checked and raw_headers is set.
    record_reader(bytes_view records, int32_t count, bool collect_headers = true)
        : in_(records), remaining_(count), collect_headers_(collect_headers) {}
    // The next record, nullopt after the last one, errc::corrupt on bad bytes
    // (the message says which field at which position).
    result<std::optional<record_view>> next();
    // Bytes left unread after the declared records (should be 0).
    size_t unread() const { return in_.size() - pos_; }

  private:
    bytes_view in_;
    size_t pos_ = 0;
    int32_t remaining_;
    int32_t index_ = 0;
    bool collect_headers_ = true;
};

// All records of one uncompressed batch (header included in `batch`).
// errc::unsupported for compressed batches.
result<std::vector<record_view>> decode_records(bytes_view batch);

// ---- Building batches (tests, benchmarks, the broker's internal topics) ----

struct record_header_spec {
    std::string key;
    std::optional<std::string> value;
};

struct record_spec {
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp = 0;
    std::vector<record_header_spec> headers;
};

// Writes one valid uncompressed v2 batch (CRC set).
class batch_builder {
  public:
    batch_builder& base_offset(offset o) {
        base_offset_ = o.value();
        return *this;
    }
    batch_builder& partition_leader_epoch(int32_t e) {
        leader_epoch_ = e;
        return *this;
    }
    batch_builder& producer(int64_t id, int16_t epoch, int32_t base_sequence) {
        producer_id_ = id;
        producer_epoch_ = epoch;
        base_sequence_ = base_sequence;
        return *this;
    }
    batch_builder& attributes(int16_t a) {
        attributes_ = a;
        return *this;
    }
    batch_builder& add(record_spec r) {
        records_.push_back(std::move(r));
        return *this;
    }
    batch_builder& add(std::optional<std::string> key, std::optional<std::string> value,
                       int64_t timestamp) {
        return add(record_spec{std::move(key), std::move(value), timestamp, {}});
    }
    size_t record_count() const { return records_.size(); }
    bytes build() const;

  private:
    int64_t base_offset_ = 0;
    int32_t leader_epoch_ = -1;
    int64_t producer_id_ = no_producer_id;
    int16_t producer_epoch_ = -1;
    int32_t base_sequence_ = -1;
    int16_t attributes_ = 0;
    std::vector<record_spec> records_;
};

}  // namespace cs::kafka
