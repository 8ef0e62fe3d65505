#include "base/clock.h"

namespace cs {

int64_t system_clock::now_ms() const {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t system_clock::monotonic_ms() const {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    return duration_cast<milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

system_clock& system_clock::instance() {
    static system_clock c;
    return c;
}

}  // namespace cs
