#include "base/gather.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <unistd.h>

namespace cs {
namespace {

status read_file_range(const external_chunk& c, std::byte* out) {
    uint64_t done = 0;
    while (done < c.length) {
        ssize_t n =
            ::pread(c.fd, out + done, c.length - done, static_cast<off_t>(c.position + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return error{errc::io, "pread of fd " + std::to_string(c.fd) + " at " +
                                       std::to_string(c.position + done) + ": " +
                                       std::strerror(errno)};
        }
        if (n == 0) {
            return error{errc::out_of_range, "fd " + std::to_string(c.fd) + " ends at " +
                                                 std::to_string(c.position + done) +
                                                 ", before the chunk's " +
                                                 std::to_string(c.length) + " bytes"};
        }
        done += static_cast<uint64_t>(n);
    }
    return {};
}

}  // namespace

result<bytes> gather_bytes::flatten() const {
    bytes out(size());
    size_t at = 0;
    auto copy = [&](const std::byte* src, size_t n) {
        if (n > 0) {  // memcpy wants non-null pointers even for 0 bytes
            std::memcpy(out.data() + at, src, n);
            at += n;
        }
    };
    size_t from = 0;
    for (const auto& s : splices) {
        copy(inline_bytes.data() + from, s.at - from);
        from = s.at;
        if (s.chunk.length == 0) {
            continue;
        }
        if (s.chunk.data != nullptr) {
            copy(s.chunk.data, s.chunk.length);
            continue;
        }
        if (auto st = read_file_range(s.chunk, out.data() + at); !st) {
            return st.err();
        }
        at += s.chunk.length;
    }
    copy(inline_bytes.data() + from, inline_bytes.size() - from);
    return out;
}

}  // namespace cs
