#include "tools/generate/sampling.h"

#include <gtest/gtest.h>

namespace cs::tools::gen {
namespace {

TEST(Random, SameSeedSameStreamDifferentSeedDifferentStream) {
    rng a(7), b(7), c(8);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        uint64_t x = a.next();
        EXPECT_EQ(x, b.next());
        differs |= x != c.next();
    }
    EXPECT_TRUE(differs);
}

TEST(Random, BelowAndBetweenStayInRangeAndCoverIt) {
    rng r(1);
    std::vector<int> seen(7, 0);
    for (int i = 0; i < 7000; ++i) {
        uint64_t x = r.below(7);
        ASSERT_LT(x, 7u);
        ++seen[x];
        int64_t y = r.between(-3, 3);
        ASSERT_GE(y, -3);
        ASSERT_LE(y, 3);
    }
    for (int n : seen) {
        EXPECT_GT(n, 850);  // expected 1000 each
        EXPECT_LT(n, 1150);
    }
}

TEST(Random, RatioThresholdIsExactAtTheEnds) {
    EXPECT_EQ(ratio_threshold(0), 0u);
    EXPECT_EQ(ratio_threshold(-1), 0u);
    EXPECT_EQ(ratio_threshold(1), uint64_t{1} << 53);
    EXPECT_EQ(ratio_threshold(0.5), uint64_t{1} << 52);
}

TEST(WeightedIndex, FollowsTheWeightsAndNeverPicksZeroWeight) {
    weighted_index w({0, 1, 0, 3});
    rng r(3);
    int counts[4] = {};
    for (int i = 0; i < 40000; ++i) {
        ++counts[w.sample(r)];
    }
    EXPECT_EQ(counts[0], 0);
    EXPECT_EQ(counts[2], 0);
    EXPECT_NEAR(counts[3] / 40000.0, 0.75, 0.02);
    EXPECT_EQ(w.weight(3), 3u);
    EXPECT_EQ(w.total(), 4u);
}

TEST(Zipf, RankKHasProbabilityOneOverKTimesHarmonic) {
    const size_t n = 100;
    auto z = make_zipf(n);
    double harmonic = 0;
    for (size_t k = 1; k <= n; ++k) {
        harmonic += 1.0 / static_cast<double>(k);
    }
    rng r(11);
    std::vector<int> counts(n, 0);
    const int draws = 200'000;
    for (int i = 0; i < draws; ++i) {
        ++counts[z.sample(r)];
    }
    for (size_t k : {size_t{0}, size_t{1}, size_t{9}}) {
        double expected = 1.0 / (static_cast<double>(k + 1) * harmonic);
        EXPECT_NEAR(counts[k] / static_cast<double>(draws), expected, 0.1 * expected) << k;
    }
}

}  // namespace
}  // namespace cs::tools::gen
