#pragma once

// Discrete distributions with integer weights: a cumulative table and a
// binary search per draw (O(log n)), exact and identical on every machine.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tools/generate/random.h"

namespace cs::tools::gen {

class weighted_index {
  public:
    weighted_index() = default;
    // weights must not be empty and must not all be zero.
    explicit weighted_index(const std::vector<uint64_t>& weights);

    // An index i with probability weights[i] / total().
    size_t sample(rng& r) const;
    size_t size() const { return cumulative_.size(); }
    uint64_t total() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
    uint64_t weight(size_t i) const { return cumulative_[i] - (i == 0 ? 0 : cumulative_[i - 1]); }

  private:
    std::vector<uint64_t> cumulative_;
};

// Zipf's law with exponent 1 over ranks 0..n-1: rank k is drawn with
// probability proportional to 1/(k+1). Weights are floor(2^40/(k+1)), so the
// table is exact integers (a relative error below 2^-20 for n up to 10^6).
weighted_index make_zipf(size_t n);

}  // namespace cs::tools::gen
