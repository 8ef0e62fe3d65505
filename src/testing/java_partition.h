#pragma once

// Where Kafka's Java producer puts a key: Utils.murmur2 of the key bytes,
// masked positive, modulo the partition count (DefaultPartitioner /
// BuiltInPartitioner). Written from Kafka's Utils.java for tests that check
// our producers place keys as Java clients do.

#include <cstdint>
#include <string_view>

namespace cs::testing {

int32_t java_partition(std::string_view key, int32_t partitions);

}  // namespace cs::testing
