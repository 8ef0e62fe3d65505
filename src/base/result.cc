#include "base/result.h"

namespace cs {

const char* errc_name(errc code) {
    switch (code) {
        case errc::ok:
            return "ok";
        case errc::invalid_argument:
            return "invalid argument";
        case errc::not_found:
            return "not found";
        case errc::already_exists:
            return "already exists";
        case errc::corrupt:
            return "corrupt";
        case errc::io:
            return "i/o error";
        case errc::out_of_range:
            return "out of range";
        case errc::too_large:
            return "too large";
        case errc::unsupported:
            return "unsupported";
        case errc::timed_out:
            return "timed out";
        case errc::shutting_down:
            return "shutting down";
    }
    return "unknown";
}

}  // namespace cs
