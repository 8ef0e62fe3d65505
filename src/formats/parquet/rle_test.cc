#include "formats/parquet/rle.h"

#include <vector>

#include <gtest/gtest.h>

namespace cs::formats::parquet {
namespace {

std::vector<int> encode(const std::vector<uint32_t>& values, int width) {
    bytes out;
    rle_encode(std::span<const uint32_t>(values), width, out);
    std::vector<int> r;
    for (std::byte b : out) {
        r.push_back(std::to_integer<int>(b));
    }
    return r;
}

TEST(ParquetRle, BitWidth) {
    EXPECT_EQ(bit_width(0), 0);
    EXPECT_EQ(bit_width(1), 1);
    EXPECT_EQ(bit_width(7), 3);
    EXPECT_EQ(bit_width(8), 4);
    EXPECT_EQ(bit_width(0xFFFFFFFF), 32);
}

// Encodings.md: 0..7 at width 3 pack to 10001000 11000110 11111010.
TEST(ParquetRle, BitPackedExampleFromEncodingsMd) {
    EXPECT_EQ(encode({0, 1, 2, 3, 4, 5, 6, 7}, 3),
              (std::vector<int>{0x03 /* 1 group << 1 | 1 */, 0x88, 0xC6, 0xFA}));
}

TEST(ParquetRle, RleRun) {
    // 10 times 5: header 10 << 1, value in one byte.
    EXPECT_EQ(encode(std::vector<uint32_t>(10, 5), 3), (std::vector<int>{0x14, 0x05}));
    // 300 ones at width 1: header 600 as ULEB128 (0xD8 0x04).
    EXPECT_EQ(encode(std::vector<uint32_t>(300, 1), 1), (std::vector<int>{0xD8, 0x04, 0x01}));
    // Width 17 repeats the value in 3 bytes, little-endian.
    EXPECT_EQ(encode(std::vector<uint32_t>(8, 0x10203), 17),
              (std::vector<int>{0x10, 0x03, 0x02, 0x01}));
}

TEST(ParquetRle, ShortRunsBorrowFromTheNextRleRun) {
    // 1,2,3 then ten 4s: completing the group would take five 4s and leave
    // five, too few for an RLE run, so all 13 values are bit-packed (2 groups).
    std::vector<uint32_t> v = {1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
    EXPECT_EQ(encode(v, 3)[0], 0x05);  // 2 groups << 1 | 1
    EXPECT_EQ(encode(v, 3).size(), 1u + 2 * 3);

    // 1,2,3 then thirteen 4s: group of (1,2,3,4,4,4,4,4), then RLE 8 x 4.
    // By hand, LSB first at width 3: byte0 = 1 | 2<<3 | (3&3)<<6 = 0xD1,
    // byte1 = 3>>2 | 4<<1 | 4<<4 | (4&1)<<7 = 0x48, byte2 = 4>>1 | 4<<2 | 4<<5 = 0x92.
    v = {1, 2, 3};
    v.insert(v.end(), 13, 4);
    EXPECT_EQ(encode(v, 3), (std::vector<int>{0x03, 0xD1, 0x48, 0x92, 0x10, 0x04}));
}

TEST(ParquetRle, DefinitionLevelsAndPadding) {
    // 1,1,0,1 at width 1: one group padded with zeros: 0b00001011.
    EXPECT_EQ(encode({1, 1, 0, 1}, 1), (std::vector<int>{0x03, 0x0B}));
    std::vector<uint8_t> levels(9, 1);
    levels[8] = 0;
    bytes out;
    rle_encode(std::span<const uint8_t>(levels), 1, out);
    // 8 ones make an RLE run; the lone 0 is a padded bit-packed group.
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(std::to_integer<int>(out[0]), 0x10);
    EXPECT_EQ(std::to_integer<int>(out[1]), 0x01);
    EXPECT_EQ(std::to_integer<int>(out[2]), 0x03);
    EXPECT_EQ(std::to_integer<int>(out[3]), 0x00);
}

TEST(ParquetRle, WidthZero) {
    // A one-entry dictionary: index 0 at width 0 has no value bytes.
    EXPECT_EQ(encode(std::vector<uint32_t>(20, 0), 0), (std::vector<int>{0x28}));
    EXPECT_EQ(encode({0, 0, 0}, 0), (std::vector<int>{0x03}));
    EXPECT_TRUE(encode({}, 5).empty());
}

TEST(ParquetRle, RoundTripsThroughADecoderWrittenFromTheSpec) {
    // Decode per Encodings.md and compare, for mixed runs at several widths.
    for (int width : {1, 2, 5, 8, 13, 20, 32}) {
        std::vector<uint32_t> v;
        uint64_t x = 12345;
        uint32_t mask = width == 32 ? 0xFFFFFFFF : (1u << width) - 1;
        for (int i = 0; i < 2000; ++i) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint32_t val = static_cast<uint32_t>(x >> 33) & mask;
            int repeat = (x >> 20) % 4 == 0 ? static_cast<int>((x >> 8) % 30) : 1;
            for (int k = 0; k < repeat; ++k) {
                v.push_back(val);
            }
        }
        bytes out;
        rle_encode(std::span<const uint32_t>(v), width, out);
        std::vector<uint32_t> back;
        size_t p = 0;
        while (back.size() < v.size()) {
            ASSERT_LT(p, out.size());
            uint64_t header = 0;
            int shift = 0;
            while (true) {
                uint8_t b = std::to_integer<uint8_t>(out[p++]);
                header |= static_cast<uint64_t>(b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (header & 1) {
                size_t n = (header >> 1) * 8;
                uint64_t acc = 0;
                int bits = 0;
                for (size_t i = 0; i < n; ++i) {
                    while (bits < width) {
                        acc |= static_cast<uint64_t>(std::to_integer<uint8_t>(out[p++])) << bits;
                        bits += 8;
                    }
                    uint32_t val = static_cast<uint32_t>(acc & mask);
                    acc >>= width;
                    bits -= width;
                    if (back.size() < v.size()) {
                        back.push_back(val);
                    }
                }
            } else {
                uint32_t val = 0;
                for (int b = 0; b < (width + 7) / 8; ++b) {
                    val |= static_cast<uint32_t>(std::to_integer<uint8_t>(out[p++])) << (8 * b);
                }
                back.insert(back.end(), header >> 1, val);
            }
        }
        EXPECT_EQ(p, out.size()) << "width " << width;
        EXPECT_EQ(back, v) << "width " << width;
    }
}

}  // namespace
}  // namespace cs::formats::parquet
