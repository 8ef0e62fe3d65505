#pragma once

// Where the group coordinator makes its state durable: the partitions of the
// internal compacted topic __consumer_offsets. The broker implements this over
// its partition logs; tests use an in-memory fake.

#include <cstdint>
#include <functional>
#include <vector>

#include "base/result.h"
#include "broker/group/offsets_records.h"

namespace cs::group {

class offset_log {
  public:
    virtual ~offset_log() = default;

    // Appends `records` (keys/values from offsets_records.h, a null value being
    // a tombstone) as one batch to __consumer_offsets partition `partition`.
    // `done` is called exactly once: success once the records are durable, or
    // the error that stopped them. It may be called before append() returns,
    // and must be called on the coordinator's strand.
    virtual void append(int32_t partition, std::vector<offsets_record> records,
                        std::function<void(status)> done) = 0;
};

}  // namespace cs::group
