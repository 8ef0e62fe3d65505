#include "client/java_partitioner.h"

#include <string>

#include <gtest/gtest.h>

namespace cs::client {
namespace {

// The expected values are Kafka's own (UtilsTest.testMurmur2 in
// apache/kafka's clients module).
TEST(JavaPartitioner, Murmur2MatchesKafkasTestVectors) {
    EXPECT_EQ(java_murmur2("21"), -973932308);
    EXPECT_EQ(java_murmur2("foobar"), -790332482);
    EXPECT_EQ(java_murmur2("a-little-bit-long-string"), -985981536);
    EXPECT_EQ(java_murmur2("a-little-bit-longer-string"), -1486304829);
    EXPECT_EQ(java_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
    EXPECT_EQ(java_murmur2("abc"), 479470107);
}

TEST(JavaPartitioner, PartitionIsThePositiveHashModuloTheCount) {
    for (std::string key : {"21", "foobar", "abc", "", "user-42"}) {
        auto h = static_cast<uint32_t>(java_murmur2(key)) & 0x7fffffffu;
        EXPECT_EQ(java_partition(key, 7), static_cast<int32_t>(h % 7)) << key;
        EXPECT_EQ(java_partition(key, 1), 0);
    }
}

}  // namespace
}  // namespace cs::client
