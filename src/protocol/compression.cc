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

// Grows `out` by up to one chunk without passing `max_output`; false when
// `out` is already at the limit.
bool grow(bytes& out, size_t used, size_t max_output) {
    if (used >= max_output + 1) {
        return false;
    }
    // One byte past the limit lets the codec show that more output exists.
    out.resize(std::min(used + kChunk, max_output + 1));
    return true;
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

result<bytes> gzip_decompress(bytes_view in, size_t max_output) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) {  // +32: gzip or zlib header
        return error{errc::io, "gzip: inflateInit2 failed"};
    }
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    bytes out;
    size_t used = 0;
    while (true) {
        if (!grow(out, used, max_output)) {
            return too_large("gzip", max_output);
        }
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        zs.avail_out = static_cast<uInt>(out.size() - used);
        int rc = inflate(&zs, Z_NO_FLUSH);
        used = out.size() - zs.avail_out;
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
    out.resize(used);
    return out;
}

// ---- snappy ----

status snappy_raw_append(bytes_view in, bytes& out, size_t max_output) {
    size_t n = 0;
    auto* src = reinterpret_cast<const char*>(in.data());
    if (snappy_uncompressed_length(src, in.size(), &n) != SNAPPY_OK) {
        return error{errc::corrupt, "snappy: corrupt block header"};
    }
    if (n > max_output - out.size()) {
        return too_large("snappy", max_output);
    }
    size_t at = out.size();
    out.resize(at + n);
    size_t got = n;
    if (snappy_uncompress(src, in.size(), reinterpret_cast<char*>(out.data() + at), &got) !=
            SNAPPY_OK ||
        got != n) {
        return error{errc::corrupt, "snappy: corrupt block"};
    }
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

result<bytes> snappy_decompress(bytes_view in, size_t max_output) {
    bytes out;
    if (!is_xerial(in)) {
        if (auto st = snappy_raw_append(in, out, max_output); !st) {
            return st.err();
        }
        return out;
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
            return st.err();
        }
        pos += static_cast<size_t>(len);
    }
    return out;
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

result<bytes> lz4_decompress(bytes_view in, size_t max_output) {
    LZ4F_dctx* dctx = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
        return error{errc::io, "lz4: cannot create a decompression context"};
    }
    std::unique_ptr<LZ4F_dctx, size_t (*)(LZ4F_dctx*)> guard(dctx, LZ4F_freeDecompressionContext);
    bytes out;
    size_t used = 0;
    size_t pos = 0;
    size_t hint = 1;
    while (hint != 0) {
        if (used == out.size() && !grow(out, used, max_output)) {
            return too_large("lz4", max_output);
        }
        size_t dst = out.size() - used;
        size_t src = in.size() - pos;
        hint = LZ4F_decompress(dctx, out.data() + used, &dst, in.data() + pos, &src, nullptr);
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
    out.resize(used);
    return out;
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

result<bytes> zstd_decompress(bytes_view in, size_t max_output) {
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!dctx) {
        return error{errc::io, "zstd: cannot create a decompression context"};
    }
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    bytes out;
    size_t used = 0;
    size_t rc = 1;
    while (rc != 0) {
        if (used == out.size() && !grow(out, used, max_output)) {
            return too_large("zstd", max_output);
        }
        ZSTD_outBuffer dst{out.data() + used, out.size() - used, 0};
        size_t before_in = src.pos;
        rc = ZSTD_decompressStream(dctx.get(), &dst, &src);
        if (ZSTD_isError(rc)) {
            return error{errc::corrupt, fmt::format("zstd: {}", ZSTD_getErrorName(rc))};
        }
        used += dst.pos;
        if (used > max_output) {
            return too_large("zstd", max_output);
        }
        if (rc != 0 && src.pos == in.size() && dst.pos == 0 && before_in == src.pos) {
            return error{errc::corrupt, "zstd: truncated frame"};
        }
    }
    if (src.pos != in.size()) {
        // Concatenated frames are legal zstd; keep decoding them.
        auto rest = zstd_decompress(in.subspan(src.pos), max_output - used);
        if (!rest) {
            return std::move(rest).take_error();
        }
        out.resize(used);
        out.insert(out.end(), rest->begin(), rest->end());
        return out;
    }
    out.resize(used);
    return out;
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

result<bytes> decompress(compression_codec codec, bytes_view input, size_t max_output) {
    switch (codec) {
        case compression_codec::none:
            if (input.size() > max_output) {
                return too_large("uncompressed", max_output);
            }
            return bytes(input.begin(), input.end());
        case compression_codec::gzip:
            return gzip_decompress(input, max_output);
        case compression_codec::snappy:
            return snappy_decompress(input, max_output);
        case compression_codec::lz4:
            return lz4_decompress(input, max_output);
        case compression_codec::zstd:
            return zstd_decompress(input, max_output);
    }
    return error{errc::unsupported,
                 fmt::format("unknown compression codec {}", static_cast<int>(codec))};
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
