#include "base/allocator.h"

#include <cstdint>
#include <cstring>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(HugePageAllocator, LargeBlocksStartOnAHugePageBoundaryAndAreUsable) {
    for (size_t bytes : {size_t{2} << 20, (size_t{3} << 20) + 17, size_t{9} << 20}) {
        void* p = allocate_huge(bytes);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u) << bytes;
        std::memset(p, 0xab, bytes);
        EXPECT_EQ(static_cast<unsigned char*>(p)[bytes - 1], 0xab);
        deallocate_huge(p, bytes);
    }
}

TEST(HugePageAllocator, SmallBlocksComeFromMalloc) {
    void* p = allocate_huge(100);
    ASSERT_NE(p, nullptr);
    std::memset(p, 1, 100);
    deallocate_huge(p, 100);
    deallocate_huge(nullptr, 0);
}

TEST(HugePageAllocator, VectorsGrowAcrossTheThresholdKeepingTheirContents) {
    std::vector<uint64_t, huge_page_allocator<uint64_t>> v;
    for (uint64_t i = 0; i < 1'000'000; ++i) {  // 8 MB: several moves, small to large
        v.push_back(i);
    }
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), uint64_t{0}), 999'999ull * 1'000'000 / 2);
    v.clear();
    v.shrink_to_fit();
    EXPECT_EQ(v.capacity(), 0u);
}

}  // namespace
}  // namespace cs
