#include "base/bytes.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(Bytes, BigEndianRoundTrip) {
    bytes buf;
    byte_writer w(buf);
    w.put<int16_t>(-2);
    w.put<int32_t>(0x01020304);
    w.put<int64_t>(-5);
    ASSERT_EQ(buf.size(), 14u);
    EXPECT_EQ(buf[2], std::byte{0x01});
    EXPECT_EQ(buf[5], std::byte{0x04});
    EXPECT_EQ(load_be<int16_t>(buf.data()), -2);
    EXPECT_EQ(load_be<int32_t>(buf.data() + 2), 0x01020304);
    EXPECT_EQ(load_be<int64_t>(buf.data() + 6), -5);
}

}  // namespace
}  // namespace cs
