#include "base/varint.h"

#include <limits>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(Varint, ZigZagMatchesProtobufTable) {
    EXPECT_EQ(zigzag_encode(0), 0u);
    EXPECT_EQ(zigzag_encode(-1), 1u);
    EXPECT_EQ(zigzag_encode(1), 2u);
    EXPECT_EQ(zigzag_encode(-2), 3u);
    EXPECT_EQ(zigzag_encode(std::numeric_limits<int64_t>::max()), ~uint64_t{1});
    EXPECT_EQ(zigzag_encode(std::numeric_limits<int64_t>::min()), ~uint64_t{0});
}

TEST(Varint, RoundTrip) {
    for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{64},
                      int64_t{300}, int64_t{-300}, std::numeric_limits<int64_t>::max(),
                      std::numeric_limits<int64_t>::min()}) {
        bytes b;
        append_varint(b, v);
        EXPECT_EQ(b.size(), varint_size(v));
        auto d = decode_uvarint(b);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->length, b.size());
        EXPECT_EQ(zigzag_decode(d->value), v);
    }
}

TEST(Varint, KnownEncoding) {
    bytes b;
    append_uvarint(b, 300);
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0], std::byte{0xac});
    EXPECT_EQ(b[1], std::byte{0x02});
}

TEST(Varint, RejectsTruncatedAndOverlong) {
    bytes truncated{std::byte{0x80}, std::byte{0x80}};
    EXPECT_FALSE(decode_uvarint(truncated).has_value());
    bytes six(6, std::byte{0x80});
    six.push_back(std::byte{0x01});
    EXPECT_FALSE(decode_uvarint(six, kMaxVarintBytes).has_value());
    EXPECT_FALSE(decode_uvarint(bytes_view{}).has_value());
}

}  // namespace
}  // namespace cs
