#include "base/allocator.h"

#include <cstdint>
#include <cstdlib>

#include <malloc.h>
#include <sys/mman.h>

namespace cs {

namespace {

// glibc's largest M_MMAP_THRESHOLD on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX).
constexpr int mmap_threshold = 32 << 20;
constexpr int trim_threshold = 256 << 20;

constexpr size_t huge_page = size_t{2} << 20;

size_t round_up_to_huge(size_t bytes) {
    return (bytes + huge_page - 1) & ~(huge_page - 1);
}

}  // namespace

bool tune_allocator_for_streaming() {
    bool ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
    ok = mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1 && ok;
    return ok;
}

void* allocate_huge(size_t bytes) {
    if (bytes < huge_page) {
        void* p = std::malloc(bytes == 0 ? 1 : bytes);
        if (p == nullptr) {
            throw std::bad_alloc();
        }
        return p;
    }
    const size_t size = round_up_to_huge(bytes);
    // One huge page more than needed, so that a 2 MiB boundary is inside;
    // the slack on either side goes back at once.
    const size_t span = size + huge_page;
    void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        throw std::bad_alloc();
    }
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + huge_page - 1) & ~(uintptr_t{huge_page} - 1);
    if (aligned > start) {
        munmap(raw, aligned - start);
    }
    if (const uintptr_t tail = start + span - (aligned + size); tail > 0) {
        munmap(reinterpret_cast<void*>(aligned + size), tail);
    }
    void* p = reinterpret_cast<void*>(aligned);
    // Advice only: where the kernel has no huge pages (or THP is "never")
    // the block stays in 4 KiB pages and works the same.
    (void)madvise(p, size, MADV_HUGEPAGE);
    return p;
}

void deallocate_huge(void* p, size_t bytes) noexcept {
    if (p == nullptr) {
        return;
    }
    if (bytes < huge_page) {
        std::free(p);
        return;
    }
    munmap(p, round_up_to_huge(bytes));
}

}  // namespace cs
