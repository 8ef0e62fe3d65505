#include "broker/net/frame.h"

#include <limits>

#include <gtest/gtest.h>

namespace cs::broker::net {
namespace {

TEST(Frame, ChecksRequestLengths) {
    constexpr int32_t max = 1000;
    EXPECT_EQ(check_request_length(-1, max), frame_length_check::negative);
    EXPECT_EQ(check_request_length(std::numeric_limits<int32_t>::min(), max),
              frame_length_check::negative);
    EXPECT_EQ(check_request_length(0, max), frame_length_check::too_short);
    EXPECT_EQ(check_request_length(kMinRequestFrameBytes - 1, max), frame_length_check::too_short);
    EXPECT_EQ(check_request_length(kMinRequestFrameBytes, max), frame_length_check::ok);
    EXPECT_EQ(check_request_length(max, max), frame_length_check::ok);
    EXPECT_EQ(check_request_length(max + 1, max), frame_length_check::too_large);
    EXPECT_EQ(check_request_length(std::numeric_limits<int32_t>::max(), kDefaultMaxRequestBytes),
              frame_length_check::too_large);
}

}  // namespace
}  // namespace cs::broker::net
