#include "tools/generate/sampling.h"

#include <algorithm>
#include <cassert>

namespace cs::tools::gen {

weighted_index::weighted_index(const std::vector<uint64_t>& weights) {
    cumulative_.reserve(weights.size());
    uint64_t sum = 0;
    for (uint64_t w : weights) {
        sum += w;
        cumulative_.push_back(sum);
    }
    assert(sum > 0);
}

size_t weighted_index::sample(rng& r) const {
    uint64_t x = r.below(total());
    // The first bucket whose cumulative weight exceeds x (zero-weight buckets
    // share their predecessor's value and are never chosen).
    auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
    return static_cast<size_t>(it - cumulative_.begin());
}

weighted_index make_zipf(size_t n) {
    std::vector<uint64_t> weights(n);
    for (size_t k = 0; k < n; ++k) {
        weights[k] = (uint64_t{1} << 40) / (k + 1);
    }
    return weighted_index(weights);
}

}  // namespace cs::tools::gen
