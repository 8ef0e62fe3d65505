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

#include <cstddef>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/record_batch.h"

namespace cs::kafka {

result<bytes> compress(compression_codec codec, bytes_view input);
result<bytes> decompress(compression_codec codec, bytes_view input, size_t max_output);

// The xerial/snappy-java stream framing, block size 32 KiB as snappy-java uses.
bytes compress_snappy_xerial(bytes_view input);

}  // namespace cs::kafka
