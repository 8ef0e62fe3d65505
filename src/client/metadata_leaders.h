#pragma once

// Partition leaders from librdkafka's metadata: the leader_resolver that the
// fetcher (client/fetcher.h) uses wherever a librdkafka handle already knows
// the cluster (client::consumer's built-in fetch, the broker benchmark).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "base/result.h"
#include "client/fetcher.h"

namespace cs::client {

// The leader of each partition asked for, from one metadata request per
// topic on `rk` (any client type; it blocks the calling thread up to
// `timeout` per topic). Partitions without a leader, or that the topic does
// not have, are left out; a failed metadata request is errc::io.
result<std::vector<std::pair<topic_partition, broker_address>>> metadata_leaders(
    rd_kafka_t* rk, const std::vector<topic_partition>& parts,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{10'000});

// Every partition of `topic` with its leader (nullopt when it has none right
// now), from one metadata request on `rk` (a producer's request may create
// the topic where the broker allows it). errc::not_found for a topic the
// cluster does not know; errc::io for a failed request or a topic that is
// not ready (e.g. LEADER_NOT_AVAILABLE while it is being created).
result<std::vector<partition_leader>> topic_leaders(
    rd_kafka_t* rk, const std::string& topic,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{10'000});

}  // namespace cs::client
