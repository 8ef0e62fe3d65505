#include "base/allocator.h"

#include <malloc.h>

namespace cs {

namespace {

// glibc's largest M_MMAP_THRESHOLD on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX).
constexpr int mmap_threshold = 32 << 20;
constexpr int trim_threshold = 256 << 20;

}  // namespace

bool tune_allocator_for_streaming() {
    bool ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
    ok = mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1 && ok;
    return ok;
}

}  // namespace cs
