#pragma once

// The record-batch compression codecs Kafka uses (attributes bits 0-2):
//
//   gzip    RFC 1952 gzip stream (zlib); decode also accepts zlib streams.
//   snappy  decode accepts both raw snappy blocks (librdkafka, Go clients) and
//           the xerial/snappy-java framing Java clients write: magic
//           "\x82SNAPPY\0", int32 version, int32 min-compatible version, then
//           blocks of int32 length + raw snappy block. Encode writes raw snappy,
//           as librdkafka does; Java's SnappyInputStream reads raw snappy too.
//           compress_snappy_xerial() writes the Java framing (used in tests).
//   lz4     LZ4 frame format (as RecordBatch v2 requires; not the broken
//           pre-KIP-57 header checksum of magic v0).
//   zstd    zstd frame.
//
// Decompression stops with errc::too_large as soon as the output would
// exceed `max_output` bytes (defence against decompression bombs; callers
// pass e.g. the broker's max message size plus slack). Every failure is an
// error value; nothing throws.
//
// The gzip, lz4 and zstd decoder contexts are kept per thread and reset
// between uses, so decoding many small batches does not allocate a context
// (tens to hundreds of KiB for lz4 and zstd) per batch.

#include <cstddef>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/record_batch.h"

namespace cs::kafka {

result<bytes> compress(compression_codec codec, bytes_view input);
result<bytes> decompress(compression_codec codec, bytes_view input, size_t max_output);

// Output buffer for decompress_into: grows without zero-filling and keeps its
// memory between uses, so decoding into a warm buffer allocates nothing.
class decompress_buffer {
  public:
    bytes_view view() const { return {data_.get(), size_}; }
    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    // Frees the memory (callers do this after an unusually large output).
    void release();

    // For the codecs: room for at least `n` bytes, keeping the first size().
    void reserve(size_t n);
    std::byte* data() { return data_.get(); }
    void set_size(size_t n) { size_ = n; }

  private:
    std::unique_ptr<std::byte[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

// As decompress(), replacing the contents of `out`. On error out's contents
// are unspecified.
status decompress_into(compression_codec codec, bytes_view input, size_t max_output,
                       decompress_buffer& out);

// The xerial/snappy-java stream framing, block size 32 KiB as snappy-java uses.
bytes compress_snappy_xerial(bytes_view input);

}  // namespace cs::kafka
