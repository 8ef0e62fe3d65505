#pragma once

// Shared helpers for the storage tests: a temporary directory and batch makers.

#include <filesystem>
#include <string>

#include <stdlib.h>

#include "protocol/record_batch.h"
#include "testing/temp_dir.h"

namespace cs::storage::testing {

using cs::testing::temp_dir;

// A producer batch of `count` records "<tag>-<i>" (value padded to
// value_size) with timestamps ts, ts+1, ...
inline bytes make_batch(int count, int64_t ts, const std::string& tag = "r",
                        size_t value_size = 16) {
    kafka::batch_builder b;
    for (int i = 0; i < count; ++i) {
        std::string v = tag + "-" + std::to_string(i);
        if (v.size() < value_size) {
            v.resize(value_size, '.');
        }
        b.add("key-" + std::to_string(i), v, ts + i);
    }
    return b.build();
}

}  // namespace cs::storage::testing
