#include "base/edit_distance.h"

#include <algorithm>
#include <vector>

#include "base/ascii.h"

namespace cs {

size_t edit_distance(std::string_view a, std::string_view b, bool ignore_ascii_case) {
    auto same = [ignore_ascii_case](char x, char y) {
        return ignore_ascii_case ? ascii_lower(x) == ascii_lower(y) : x == y;
    };
    const size_t n = a.size();
    const size_t m = b.size();
    // Three rolling rows: two back (for transpositions), previous, current.
    std::vector<size_t> two_back(m + 1), prev(m + 1), cur(m + 1);
    for (size_t j = 0; j <= m; ++j) {
        prev[j] = j;
    }
    for (size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= m; ++j) {
            size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1])) {
                cur[j] = std::min(cur[j], two_back[j - 2] + 1);
            }
        }
        std::swap(two_back, prev);
        std::swap(prev, cur);
    }
    return prev[m];
}

}  // namespace cs
