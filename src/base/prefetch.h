#pragma once

// A software prefetch the compiler keeps. GCC 12 at -O2 deletes
// __builtin_prefetch (and _mm_prefetch, built on it) when it sits under a
// branch in an inlined function: the join's look-ahead prefetches in
// table_store.h compiled to no instruction at all, which objdump showed and
// the profile confirmed (each look-up stalled on its slot and row;
// bench/RESULTS.md, "Enrichment query: prefetches that exist, tables in huge
// pages"). On x86-64 this is the instruction itself; it never faults, so
// any address may be passed.

namespace cs {

inline void prefetch_read(const void* p) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
    __builtin_prefetch(p);
#endif
}

}  // namespace cs
