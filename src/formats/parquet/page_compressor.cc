#include "formats/parquet/page_compressor.h"

#include <climits>

#include <fmt/format.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

namespace cs::formats::parquet {

struct page_compressor::zstd_state {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~zstd_state() { ZSTD_freeCCtx(cctx); }
};

page_compressor::page_compressor(compression codec) : codec_(codec) {
    if (codec_ == compression::zstd) {
        zstd_ = std::make_unique<zstd_state>();
    }
}

page_compressor::~page_compressor() = default;

std::byte* page_compressor::room(size_t n) {
    if (n > capacity_) {
        buf_ = std::make_unique_for_overwrite<std::byte[]>(n);
        capacity_ = n;
    }
    return buf_.get();
}

result<bytes_view> page_compressor::compress(bytes_view in) {
    if (in.size() > INT_MAX) {
        return error{errc::too_large, fmt::format("parquet page of {} bytes", in.size())};
    }
    switch (codec_) {
        case compression::none:
            return in;
        case compression::snappy: {
            size_t n = snappy_max_compressed_length(in.size());
            std::byte* out = room(n);
            if (snappy_compress(reinterpret_cast<const char*>(in.data()), in.size(),
                                reinterpret_cast<char*>(out), &n) != SNAPPY_OK) {
                return error{errc::io, "parquet snappy: compression failed"};
            }
            return bytes_view(out, n);
        }
        case compression::gzip: {
            z_stream zs{};
            if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16 /* gzip header */, 8,
                             Z_DEFAULT_STRATEGY) != Z_OK) {
                return error{errc::io, "parquet gzip: deflateInit2 failed"};
            }
            size_t bound = deflateBound(&zs, static_cast<uLong>(in.size())) + 32;
            std::byte* out = room(bound);
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
            zs.avail_in = static_cast<uInt>(in.size());
            zs.next_out = reinterpret_cast<Bytef*>(out);
            zs.avail_out = static_cast<uInt>(bound);
            int rc = deflate(&zs, Z_FINISH);
            size_t n = zs.total_out;
            deflateEnd(&zs);
            if (rc != Z_STREAM_END) {
                return error{errc::io, fmt::format("parquet gzip: deflate failed ({})", rc)};
            }
            return bytes_view(out, n);
        }
        case compression::zstd: {
            size_t bound = ZSTD_compressBound(in.size());
            std::byte* out = room(bound);
            size_t n = ZSTD_compressCCtx(zstd_->cctx, out, bound, in.data(), in.size(),
                                         ZSTD_CLEVEL_DEFAULT);
            if (ZSTD_isError(n)) {
                return error{errc::io, fmt::format("parquet zstd: {}", ZSTD_getErrorName(n))};
            }
            return bytes_view(out, n);
        }
        case compression::lz4_raw: {
            int bound = LZ4_compressBound(static_cast<int>(in.size()));
            std::byte* out = room(static_cast<size_t>(bound));
            int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()),
                                         reinterpret_cast<char*>(out), static_cast<int>(in.size()),
                                         bound);
            if (n <= 0 && !in.empty()) {
                return error{errc::io, "parquet lz4_raw: compression failed"};
            }
            return bytes_view(out, static_cast<size_t>(n));
        }
    }
    return error{errc::unsupported,
                 fmt::format("parquet codec {} is not supported", static_cast<int>(codec_))};
}

}  // namespace cs::formats::parquet
