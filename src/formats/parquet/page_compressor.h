#pragma once

// Compresses page bodies with the file's codec, as Parquet's Compression.md
// specifies: raw codec output, no framing. SNAPPY is a raw snappy block, GZIP
// an RFC 1952 gzip member (not zlib), ZSTD one zstd frame, LZ4_RAW a raw LZ4
// block (not the LZ4 frame format, and not Hadoop's framing of codec 5).
// One compressor per writer; it keeps its zstd context between pages.

#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "formats/parquet/types.h"

namespace cs::formats::parquet {

class page_compressor {
  public:
    explicit page_compressor(compression codec);
    ~page_compressor();
    page_compressor(const page_compressor&) = delete;
    page_compressor& operator=(const page_compressor&) = delete;

    compression codec() const { return codec_; }
    // The compressed form of `in` (`in` itself for none), valid until the
    // next call. The output buffer is reused and never zero-filled.
    result<bytes_view> compress(bytes_view in);

  private:
    std::byte* room(size_t n);

    compression codec_;
    std::unique_ptr<std::byte[]> buf_;
    size_t capacity_ = 0;
    struct zstd_state;
    std::unique_ptr<zstd_state> zstd_;
};

}  // namespace cs::formats::parquet
