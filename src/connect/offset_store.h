#pragma once

// Source offsets in the worker's offset topic (offset.storage.topic), in
// Kafka Connect's format so either worker can read the other's:
//   key   ["<connector>", {<source partition map>}]   (schemaless JSON)
//   value {<source offset map>}, or null (a tombstone: no offset)
// The topic is compacted; the latest record per key wins. Keys are
// partitioned with murmur2, as Java's producer does.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/producer.h"
#include "connect/task_runner.h"

namespace cs::connect {

std::string encode_offset_key(const std::string& connector, const data& partition);
std::optional<std::string> encode_offset_value(const data& offset);

// Creates the offset topic (compacted) when it does not exist.
status ensure_offset_topic(const worker_settings& worker);

// The latest offset of every source partition of the connector (partitions
// whose latest record is a tombstone are left out), read from the start of
// the topic up to its current end.
result<std::vector<connector_offset>> read_offset_topic(const worker_settings& worker,
                                                        const std::string& connector);

// Sends one offset record per entry (a null offset as a tombstone); the
// caller flushes the producer.
status send_offsets(client::producer& producer, const worker_settings& worker,
                    const std::string& connector, const std::vector<connector_offset>& offsets);

}  // namespace cs::connect
