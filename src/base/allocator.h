#pragma once

#include <cstddef>
#include <new>

// Process-wide malloc settings for clickstream's processes (the binary and
// the benchmarks that measure its code), called first thing in main().
//
// Why: a Fetch response's record batches decompress into ~1 MB buffers, and
// so do Produce requests on the broker. With glibc's defaults such a buffer
// is either mmap'ed and munmap'ed every time, or the top of the heap is
// trimmed and grown again; either way each batch's memory is page-faulted
// in 4 KiB at a time, which on this paravirtualized VM cost our fetcher
// ~0.5 us per record (2/3 of its CPU; bench/RESULTS.md, "Broker consume
// with our own fetcher"). Here buffers up to 32 MiB come from the heap and
// up to 256 MiB of free heap is kept for reuse instead of being returned to
// the kernel at once.

namespace cs {

// Returns false when glibc refused a setting (nothing else changes then).
bool tune_allocator_for_streaming();

// Memory for large structures read at random (a join's table: its hash
// slots and rows), in transparent huge pages where the kernel allows them
// (`transparent_hugepage/enabled` is `madvise` on Debian's kernels, so
// nothing gets them unless it asks). A look-up in a 100k-row table touches
// two random cache lines among ~15 MB; with 4 KiB pages each also misses
// the TLB, and under a hypervisor's nested paging that walk costs more than
// the cache miss itself (bench/RESULTS.md, "Enrichment query: prefetches
// that exist, tables in huge pages"). Blocks below 2 MiB come from malloc as
// usual; larger ones are mmap'ed on a 2 MiB boundary and advised before
// their first touch.
// Throws std::bad_alloc when memory is exhausted, as operator new does.
void* allocate_huge(size_t bytes);
void deallocate_huge(void* p, size_t bytes) noexcept;

template <class T>
struct huge_page_allocator {
    using value_type = T;
    huge_page_allocator() = default;
    template <class U>
    huge_page_allocator(const huge_page_allocator<U>&) noexcept {}
    T* allocate(size_t n) { return static_cast<T*>(allocate_huge(n * sizeof(T))); }
    void deallocate(T* p, size_t n) noexcept { deallocate_huge(p, n * sizeof(T)); }
    template <class U>
    bool operator==(const huge_page_allocator<U>&) const noexcept {
        return true;
    }
};

}  // namespace cs
