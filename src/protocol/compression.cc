#include "protocol/compression.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

namespace cs::kafka {

namespace {

constexpr std::array<uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;  // magic + version + compatible version
constexpr size_t kXerialBlockSize = 32 * 1024;
constexpr size_t kChunk = 64 * 1024;

error too_large(const char* codec, size_t max_output) {
    return error{errc::too_large,
                 fmt::format("{} data decompresses to more than {} bytes", codec, max_output)};
}

// The most output a codec may write: one byte past the limit lets it show
// that more output exists.
size_t output_room(size_t max_output) {
    return max_output == SIZE_MAX ? SIZE_MAX : max_output + 1;
}

// Makes room past `used` bytes of `out` (doubling, at least one chunk)
// without passing the limit; false when `out` is already at the limit.
bool grow(decompress_buffer& out, size_t used, size_t max_output) {
    const size_t room = output_room(max_output);
    if (used >= room) {
        return false;
    }
    out.set_size(used);
    out.reserve(std::min(room, std::max(used + kChunk, used * 2)));
    return true;
}

// Writable bytes from `used` up to the capacity, within the limit.
size_t space(const decompress_buffer& out, size_t used, size_t max_output) {
    return std::min(out.capacity(), output_room(max_output)) - used;
}

// ---- gzip ----

result<bytes> gzip_compress(bytes_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return error{errc::io, "gzip: deflateInit2 failed"};
    }
    bytes out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        return error{errc::io, fmt::format("gzip: deflate failed ({})", rc)};
    }
    out.resize(n);
    return out;
}

// One inflate stream per thread, reset before each use.
struct inflate_context {
    z_stream zs{};
    bool ready = false;
    inflate_context() { ready = inflateInit2(&zs, 15 + 32) == Z_OK; }  // +32: gzip or zlib
    ~inflate_context() {
        if (ready) {
            inflateEnd(&zs);
        }
    }
    inflate_context(const inflate_context&) = delete;
    inflate_context& operator=(const inflate_context&) = delete;
};

status gzip_decompress(bytes_view in, size_t max_output, decompress_buffer& out) {
    thread_local inflate_context ctx;
    if (!ctx.ready || inflateReset(&ctx.zs) != Z_OK) {
        return error{errc::io, "gzip: cannot initialise an inflate stream"};
    }
    z_stream& zs = ctx.zs;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    size_t used = 0;
    while (true) {
        if (space(out, used, max_output) == 0 && !grow(out, used, max_output)) {
            return too_large("gzip", max_output);
        }
        size_t avail = std::min<size_t>(space(out, used, max_output), UINT32_MAX);
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        zs.avail_out = static_cast<uInt>(avail);
        int rc = inflate(&zs, Z_NO_FLUSH);
        used += avail - zs.avail_out;
        if (rc == Z_STREAM_END) {
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return error{errc::corrupt, fmt::format("gzip: corrupt input ({})",
                                                    zs.msg ? zs.msg : "inflate error")};
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            return error{errc::corrupt, "gzip: truncated input"};
        }
    }
    if (used > max_output) {
        return too_large("gzip", max_output);
    }
    out.set_size(used);
    return {};
}

// ---- snappy ----

status snappy_raw_append(bytes_view in, decompress_buffer& out, size_t max_output) {
    size_t n = 0;
    auto* src = reinterpret_cast<const char*>(in.data());
    if (snappy_uncompressed_length(src, in.size(), &n) != SNAPPY_OK) {
        return error{errc::corrupt, "snappy: corrupt block header"};
    }
    if (n > max_output - out.size()) {
        return too_large("snappy", max_output);
    }
    size_t at = out.size();
    out.reserve(at + n);
    size_t got = n;
    if (snappy_uncompress(src, in.size(), reinterpret_cast<char*>(out.data() + at), &got) !=
            SNAPPY_OK ||
        got != n) {
        return error{errc::corrupt, "snappy: corrupt block"};
    }
    out.set_size(at + n);
    return {};
}

bytes snappy_raw_compress(bytes_view in) {
    size_t n = snappy_max_compressed_length(in.size());
    bytes out(n);
    snappy_compress(reinterpret_cast<const char*>(in.data()), in.size(),
                    reinterpret_cast<char*>(out.data()), &n);
    out.resize(n);
    return out;
}

bool is_xerial(bytes_view in) {
    return in.size() >= kXerialHeaderSize &&
           std::memcmp(in.data(), kXerialMagic.data(), kXerialMagic.size()) == 0;
}

status snappy_decompress(bytes_view in, size_t max_output, decompress_buffer& out) {
    out.set_size(0);
    if (!is_xerial(in)) {
        return snappy_raw_append(in, out, max_output);
    }
    size_t pos = kXerialHeaderSize;  // version fields are not checked, as snappy-java does not
    while (pos < in.size()) {
        if (in.size() - pos < 4) {
            return error{errc::corrupt, "snappy (xerial): truncated block length"};
        }
        int32_t len = load_be<int32_t>(in.data() + pos);
        pos += 4;
        if (len < 0 || static_cast<size_t>(len) > in.size() - pos) {
            return error{errc::corrupt, "snappy (xerial): block length beyond the input"};
        }
        if (auto st = snappy_raw_append(in.subspan(pos, static_cast<size_t>(len)), out, max_output);
            !st) {
            return st;
        }
        pos += static_cast<size_t>(len);
    }
    return {};
}

// ---- lz4 ----

result<bytes> lz4_compress(bytes_view in) {
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
    size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
    if (LZ4F_isError(n)) {
        return error{errc::io, fmt::format("lz4: {}", LZ4F_getErrorName(n))};
    }
    out.resize(n);
    return out;
}

// One lz4 frame decoder per thread, reset before each use.
struct lz4_context {
    LZ4F_dctx* dctx = nullptr;
    lz4_context() {
        if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
            dctx = nullptr;
        }
    }
    ~lz4_context() {
        if (dctx != nullptr) {
            LZ4F_freeDecompressionContext(dctx);
        }
    }
    lz4_context(const lz4_context&) = delete;
    lz4_context& operator=(const lz4_context&) = delete;
};

status lz4_decompress(bytes_view in, size_t max_output, decompress_buffer& out) {
    thread_local lz4_context ctx;
    if (ctx.dctx == nullptr) {
        return error{errc::io, "lz4: cannot create a decompression context"};
    }
    LZ4F_resetDecompressionContext(ctx.dctx);
    size_t used = 0;
    size_t pos = 0;
    size_t hint = 1;
    while (hint != 0) {
        if (space(out, used, max_output) == 0 && !grow(out, used, max_output)) {
            return too_large("lz4", max_output);
        }
        size_t dst = space(out, used, max_output);
        size_t src = in.size() - pos;
        hint = LZ4F_decompress(ctx.dctx, out.data() + used, &dst, in.data() + pos, &src, nullptr);
        if (LZ4F_isError(hint)) {
            return error{errc::corrupt, fmt::format("lz4: {}", LZ4F_getErrorName(hint))};
        }
        if (hint != 0 && src == 0 && dst == 0 && pos == in.size()) {
            return error{errc::corrupt, "lz4: truncated frame"};
        }
        used += dst;
        pos += src;
        if (used > max_output) {
            return too_large("lz4", max_output);
        }
    }
    out.set_size(used);
    return {};
}

// ---- zstd ----

result<bytes> zstd_compress(bytes_view in) {
    bytes out(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), ZSTD_CLEVEL_DEFAULT);
    if (ZSTD_isError(n)) {
        return error{errc::io, fmt::format("zstd: {}", ZSTD_getErrorName(n))};
    }
    out.resize(n);
    return out;
}

// One zstd decoder per thread, reset before each use.
struct zstd_context {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~zstd_context() { ZSTD_freeDCtx(dctx); }
    zstd_context() = default;
    zstd_context(const zstd_context&) = delete;
    zstd_context& operator=(const zstd_context&) = delete;
};

status zstd_decompress(bytes_view in, size_t max_output, decompress_buffer& out) {
    thread_local zstd_context ctx;
    if (ctx.dctx == nullptr || ZSTD_isError(ZSTD_DCtx_reset(ctx.dctx, ZSTD_reset_session_only))) {
        return error{errc::io, "zstd: cannot create a decompression context"};
    }
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    size_t used = 0;
    size_t rc = 1;
    // Concatenated frames are legal zstd: after a frame ends (rc == 0) the
    // decoder starts the next one with the remaining input.
    while (rc != 0 || src.pos < in.size()) {
        if (space(out, used, max_output) == 0 && !grow(out, used, max_output)) {
            return too_large("zstd", max_output);
        }
        ZSTD_outBuffer dst{out.data(), used + space(out, used, max_output), used};
        size_t before_in = src.pos;
        rc = ZSTD_decompressStream(ctx.dctx, &dst, &src);
        if (ZSTD_isError(rc)) {
            return error{errc::corrupt, fmt::format("zstd: {}", ZSTD_getErrorName(rc))};
        }
        size_t produced = dst.pos - used;
        used = dst.pos;
        if (used > max_output) {
            return too_large("zstd", max_output);
        }
        if (rc != 0 && src.pos == in.size() && produced == 0 && before_in == src.pos) {
            return error{errc::corrupt, "zstd: truncated frame"};
        }
    }
    out.set_size(used);
    return {};
}

}  // namespace

result<bytes> compress(compression_codec codec, bytes_view input) {
    switch (codec) {
        case compression_codec::none:
            return bytes(input.begin(), input.end());
        case compression_codec::gzip:
            return gzip_compress(input);
        case compression_codec::snappy:
            return snappy_raw_compress(input);
        case compression_codec::lz4:
            return lz4_compress(input);
        case compression_codec::zstd:
            return zstd_compress(input);
    }
    return error{errc::unsupported,
                 fmt::format("unknown compression codec {}", static_cast<int>(codec))};
}

void decompress_buffer::reserve(size_t n) {
    if (n <= capacity_) {
        return;
    }
    auto bigger = std::make_unique_for_overwrite<std::byte[]>(n);
    if (size_ > 0) {
        std::memcpy(bigger.get(), data_.get(), size_);
    }
    data_ = std::move(bigger);
    capacity_ = n;
}

void decompress_buffer::release() {
    data_.reset();
    size_ = 0;
    capacity_ = 0;
}

status decompress_into(compression_codec codec, bytes_view input, size_t max_output,
                       decompress_buffer& out) {
    out.set_size(0);
    switch (codec) {
        case compression_codec::none:
            if (input.size() > max_output) {
                return too_large("uncompressed", max_output);
            }
            out.reserve(input.size());
            if (!input.empty()) {
                std::memcpy(out.data(), input.data(), input.size());
            }
            out.set_size(input.size());
            return {};
        case compression_codec::gzip:
            return gzip_decompress(input, max_output, out);
        case compression_codec::snappy:
            return snappy_decompress(input, max_output, out);
        case compression_codec::lz4:
            return lz4_decompress(input, max_output, out);
        case compression_codec::zstd:
            return zstd_decompress(input, max_output, out);
    }
    return error{errc::unsupported,
                 fmt::format("unknown compression codec {}", static_cast<int>(codec))};
}

result<bytes> decompress(compression_codec codec, bytes_view input, size_t max_output) {
    decompress_buffer out;
    if (auto st = decompress_into(codec, input, max_output, out); !st) {
        return st.err();
    }
    bytes_view v = out.view();
    return bytes(v.begin(), v.end());
}

bytes compress_snappy_xerial(bytes_view input) {
    bytes out(kXerialMagic.size());
    std::memcpy(out.data(), kXerialMagic.data(), kXerialMagic.size());
    byte_writer w(out);
    w.put<int32_t>(1);  // version
    w.put<int32_t>(1);  // minimum compatible version
    for (size_t pos = 0; pos < input.size(); pos += kXerialBlockSize) {
        bytes block =
            snappy_raw_compress(input.subspan(pos, std::min(kXerialBlockSize, input.size() - pos)));
        w.put<int32_t>(static_cast<int32_t>(block.size()));
        w.put_bytes(bytes_view(block));
    }
    return out;
}

}  // namespace cs::kafka
