#pragma once

// Shared by the Parquet writer's tests and DuckDB fixture tools (not part of
// cs_formats): a byte_sink that keeps what it gets, and a deterministic
// splitmix64 generator for fixture values.

#include <cstdint>

#include "formats/parquet/byte_sink.h"

namespace cs::formats::parquet::testing {

struct chunk_capture : byte_sink {
    bytes data;
    status append(bytes_view d) override {
        data.insert(data.end(), d.begin(), d.end());
        return {};
    }
    status finish() override { return {}; }
};

struct rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace cs::formats::parquet::testing
