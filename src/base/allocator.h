#pragma once

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

}  // namespace cs
