#pragma once

// Where Kafka's Java producer puts a key: Utils.murmur2 of the key bytes,
// masked positive, modulo the partition count (DefaultPartitioner /
// BuiltInPartitioner; librdkafka's murmur2 and murmur2_random partitioners
// do the same). Written from Kafka's Utils.java. ksqlDB, Kafka Streams and
// Connect write with it, so our producers use it to land keys where they
// would.

#include <cstdint>
#include <string_view>

namespace cs::client {

// Utils.murmur2 (seed 0x9747b28c), as a signed int like Java's.
int32_t java_murmur2(std::string_view key);

// The partition of a key: (murmur2(key) & 0x7fffffff) % partitions.
// Precondition: partitions > 0.
int32_t java_partition(std::string_view key, int32_t partitions);

}  // namespace cs::client
