#pragma once

// The generator's only source of randomness: xoshiro256** seeded through
// splitmix64, and integer-only helpers on top of it. Everything the generator
// draws goes through integer arithmetic (no std:: distributions, no libm), so
// a seed gives the same stream with every compiler, standard library and CPU.

#include <cstdint>

namespace cs::tools::gen {

// One step of splitmix64: advances state and returns a well-mixed value.
constexpr uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Mixes a seed with a stream number, so independent parts of the generator
// (population, sessions, faults) draw from unrelated streams of one seed.
constexpr uint64_t derive_seed(uint64_t seed, uint64_t stream) {
    uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    return splitmix64(s);
}

class rng {
  public:
    explicit constexpr rng(uint64_t seed) {
        for (auto& word : s_) {
            word = splitmix64(seed);
        }
    }

    constexpr uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n), unbiased (rejects the short top range). n > 0.
    constexpr uint64_t below(uint64_t n) {
        const uint64_t threshold = (0 - n) % n;
        for (;;) {
            uint64_t r = next();
            if (r >= threshold) {
                return r % n;
            }
        }
    }

    // Uniform in [lo, hi]. lo <= hi.
    constexpr int64_t between(int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
    }

    // True with probability per_mille / 1000.
    constexpr bool chance(uint32_t per_mille) { return below(1000) < per_mille; }

    // 53 uniform bits, compared against a threshold from ratio_threshold().
    constexpr uint64_t bits53() { return next() >> 11; }

  private:
    static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4]{};
};

// A probability in [0, 1] as a threshold for rng::bits53(): exact for every
// double (scaling by 2^53 and truncating is exact IEEE arithmetic).
constexpr uint64_t ratio_threshold(double ratio) {
    if (ratio <= 0) {
        return 0;
    }
    if (ratio >= 1) {
        return uint64_t{1} << 53;
    }
    return static_cast<uint64_t>(ratio * 9007199254740992.0);
}

}  // namespace cs::tools::gen
