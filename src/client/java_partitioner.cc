#include "client/java_partitioner.h"

namespace cs::client {

int32_t java_murmur2(std::string_view key) {
    const uint32_t m = 0x5bd1e995;
    const int r = 24;
    auto len = static_cast<uint32_t>(key.size());
    uint32_t h = 0x9747b28c ^ len;
    const auto* d = reinterpret_cast<const unsigned char*>(key.data());
    size_t i = 0;
    for (; i + 4 <= key.size(); i += 4) {
        uint32_t k =
            d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (static_cast<uint32_t>(d[i + 3]) << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (key.size() % 4) {
        case 3:
            h ^= static_cast<uint32_t>(d[i + 2]) << 16;
            [[fallthrough]];
        case 2:
            h ^= static_cast<uint32_t>(d[i + 1]) << 8;
            [[fallthrough]];
        case 1:
            h ^= d[i];
            h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return static_cast<int32_t>(h);
}

int32_t java_partition(std::string_view key, int32_t partitions) {
    const auto h = static_cast<uint32_t>(java_murmur2(key));
    return static_cast<int32_t>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

}  // namespace cs::client
