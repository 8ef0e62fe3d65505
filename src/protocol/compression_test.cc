#include "protocol/compression.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace cs::kafka {
namespace {

bytes sample(size_t n) {
    bytes b(n);
    uint32_t x = 7;
    for (size_t i = 0; i < n; ++i) {
        // Compressible but not trivial: runs of text with a varying counter.
        x = x * 1103515245u + 12345u;
        b[i] = static_cast<std::byte>(i % 64 < 48 ? 'a' + (i / 64) % 26 : (x >> 16) & 0xff);
    }
    return b;
}

constexpr compression_codec kCodecs[] = {compression_codec::none, compression_codec::gzip,
                                         compression_codec::snappy, compression_codec::lz4,
                                         compression_codec::zstd};

TEST(compression, every_codec_round_trips) {
    for (auto codec : kCodecs) {
        for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
            SCOPED_TRACE(std::to_string(static_cast<int>(codec)) + " n=" + std::to_string(n));
            bytes in = sample(n);
            auto c = compress(codec, bytes_view(in));
            ASSERT_TRUE(c.ok());
            if (codec != compression_codec::none && n == 300000) {
                EXPECT_LT(c->size(), n);
            }
            auto d = decompress(codec, bytes_view(*c), n);
            ASSERT_TRUE(d.ok()) << d.err().message;
            EXPECT_EQ(*d, in);
        }
    }
}

TEST(compression, output_limit_stops_decompression_bombs) {
    bytes zeros(4 << 20);  // 4 MiB of zeros compress to a few KiB
    for (auto codec : kCodecs) {
        SCOPED_TRACE(static_cast<int>(codec));
        auto c = compress(codec, bytes_view(zeros));
        ASSERT_TRUE(c.ok());
        auto d = decompress(codec, bytes_view(*c), 1 << 20);
        ASSERT_FALSE(d.ok());
        EXPECT_EQ(d.err().code, errc::too_large);
        // Exactly at the limit is fine.
        auto exact = decompress(codec, bytes_view(*c), zeros.size());
        ASSERT_TRUE(exact.ok()) << exact.err().message;
        EXPECT_EQ(exact->size(), zeros.size());
    }
}

TEST(compression, corrupt_and_truncated_input_is_an_error) {
    bytes in = sample(20000);
    for (auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                       compression_codec::zstd}) {
        SCOPED_TRACE(static_cast<int>(codec));
        auto c = compress(codec, bytes_view(in));
        ASSERT_TRUE(c.ok());
        bytes half(c->begin(), c->begin() + static_cast<std::ptrdiff_t>(c->size() / 2));
        EXPECT_FALSE(decompress(codec, bytes_view(half), 1 << 20).ok());
        bytes garbage(64, std::byte{0x5a});
        EXPECT_FALSE(decompress(codec, bytes_view(garbage), 1 << 20).ok());
        EXPECT_FALSE(decompress(codec, bytes_view(), 1 << 20).ok());
    }
}

TEST(compression, xerial_framed_snappy_decodes) {
    bytes in = sample(100000);  // four 32 KiB blocks
    bytes framed = compress_snappy_xerial(bytes_view(in));
    // Framing per snappy-java: magic, version 1, compatible 1, then blocks.
    ASSERT_GT(framed.size(), 20u);
    EXPECT_EQ(static_cast<uint8_t>(framed[0]), 0x82);
    EXPECT_EQ(as_string_view(bytes_view(framed).subspan(1, 6)), "SNAPPY");
    EXPECT_EQ(load_be<int32_t>(framed.data() + 8), 1);
    EXPECT_EQ(load_be<int32_t>(framed.data() + 12), 1);
    auto d = decompress(compression_codec::snappy, bytes_view(framed), in.size());
    ASSERT_TRUE(d.ok()) << d.err().message;
    EXPECT_EQ(*d, in);
    // The limit applies across blocks.
    EXPECT_FALSE(decompress(compression_codec::snappy, bytes_view(framed), in.size() - 1).ok());
    // A block length past the end is corrupt.
    bytes cut(framed.begin(), framed.end() - 10);
    EXPECT_FALSE(decompress(compression_codec::snappy, bytes_view(cut), in.size()).ok());
}

TEST(compression, raw_snappy_is_what_we_write) {
    bytes in = sample(5000);
    auto c = compress(compression_codec::snappy, bytes_view(in));
    ASSERT_TRUE(c.ok());
    EXPECT_NE(static_cast<uint8_t>((*c)[0]), 0x82);  // no xerial header
}

TEST(compression, concatenated_zstd_frames_decode) {
    bytes a = sample(1000), b = sample(3000);
    auto ca = compress(compression_codec::zstd, bytes_view(a));
    auto cb = compress(compression_codec::zstd, bytes_view(b));
    ASSERT_TRUE(ca.ok() && cb.ok());
    bytes both = *ca;
    both.insert(both.end(), cb->begin(), cb->end());
    auto d = decompress(compression_codec::zstd, bytes_view(both), 4000);
    ASSERT_TRUE(d.ok()) << d.err().message;
    bytes expect = a;
    expect.insert(expect.end(), b.begin(), b.end());
    EXPECT_EQ(*d, expect);
    EXPECT_FALSE(decompress(compression_codec::zstd, bytes_view(both), 3999).ok());
}

TEST(compression, decompress_into_reuses_its_buffer_and_recovers_after_errors) {
    bytes big = sample(300000);
    bytes small = sample(1000);
    for (auto codec : kCodecs) {
        SCOPED_TRACE(static_cast<int>(codec));
        auto cbig = compress(codec, bytes_view(big));
        auto csmall = compress(codec, bytes_view(small));
        ASSERT_TRUE(cbig.ok() && csmall.ok());
        decompress_buffer buf;
        ASSERT_TRUE(decompress_into(codec, bytes_view(*cbig), big.size(), buf).ok());
        EXPECT_TRUE(std::equal(big.begin(), big.end(), buf.view().begin(), buf.view().end()));
        const std::byte* memory = buf.view().data();
        const size_t capacity = buf.capacity();
        // A smaller output reuses the same memory.
        ASSERT_TRUE(decompress_into(codec, bytes_view(*csmall), big.size(), buf).ok());
        EXPECT_TRUE(std::equal(small.begin(), small.end(), buf.view().begin(), buf.view().end()));
        EXPECT_EQ(buf.view().data(), memory);
        EXPECT_EQ(buf.capacity(), capacity);
        if (codec == compression_codec::none) {
            continue;
        }
        // A failed decode (this thread's codec context left mid-stream) does
        // not spoil the next one.
        bytes half(cbig->begin(), cbig->begin() + static_cast<std::ptrdiff_t>(cbig->size() / 2));
        EXPECT_FALSE(decompress_into(codec, bytes_view(half), big.size(), buf).ok());
        EXPECT_FALSE(decompress_into(codec, bytes_view(*cbig), big.size() - 1, buf).ok());
        ASSERT_TRUE(decompress_into(codec, bytes_view(*csmall), big.size(), buf).ok());
        EXPECT_TRUE(std::equal(small.begin(), small.end(), buf.view().begin(), buf.view().end()));
        buf.release();
        EXPECT_EQ(buf.capacity(), 0u);
        ASSERT_TRUE(decompress_into(codec, bytes_view(*cbig), big.size(), buf).ok());
        EXPECT_EQ(buf.size(), big.size());
    }
}

}  // namespace
}  // namespace cs::kafka
