#pragma once

// The fundamental Kafka identifiers as distinct types, so an offset can never
// be passed where a partition id or an epoch is expected.

#include <cstdint>
#include <string>

#include "base/named_type.h"

namespace cs::kafka {

using offset = named_type<int64_t, struct offset_tag>;
using partition_id = named_type<int32_t, struct partition_id_tag>;
using leader_epoch = named_type<int32_t, struct leader_epoch_tag>;
using producer_id = named_type<int64_t, struct producer_id_tag>;
using producer_epoch = named_type<int16_t, struct producer_epoch_tag>;
using node_id = named_type<int32_t, struct node_id_tag>;

struct topic_partition {
    std::string topic;
    partition_id partition;
    auto operator<=>(const topic_partition&) const = default;
    // "topic-3", as Kafka names partition directories and logs partitions.
    std::string to_string() const;
};

}  // namespace cs::kafka

template <>
struct std::hash<cs::kafka::topic_partition> {
    size_t operator()(const cs::kafka::topic_partition& tp) const noexcept {
        return std::hash<std::string>{}(tp.topic) * 31 + std::hash<int32_t>{}(tp.partition.value());
    }
};
