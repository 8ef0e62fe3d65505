#pragma once

// Outgoing bytes that are partly "by reference": an inline buffer with
// external chunks spliced into it. A chunk is a range of an open file (the
// transport sends it with sendfile, so page-cache data never passes through
// user space) or of memory owned elsewhere (sent with writev, not copied).
// Used for Fetch responses, whose records stay in the segment files.
//
// Lifetime: a chunk holds `owner`, which keeps the file descriptor open or
// the memory alive until the chunk is destroyed: a segment deleted by
// retention while its bytes are being sent stays readable through the fd.
//
// A file chunk promises `length` bytes at `position`; if the file turns out
// shorter when sent (truncated meanwhile), the sender cannot keep the framing
// and must close the connection.

#include <cstdint>
#include <memory>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace cs {

struct external_chunk {
    std::shared_ptr<const void> owner;
    const std::byte* data = nullptr;  // memory chunk; nullptr for a file chunk
    int fd = -1;                      // file chunk: descriptor and offset
    uint64_t position = 0;
    uint64_t length = 0;

    bool is_file() const { return data == nullptr && length > 0; }

    static external_chunk file_range(std::shared_ptr<const void> owner, int fd, uint64_t position,
                                     uint64_t length) {
        return external_chunk{std::move(owner), nullptr, fd, position, length};
    }
    static external_chunk memory(std::shared_ptr<const bytes> buf) {
        const std::byte* d = buf->data();
        const uint64_t n = buf->size();
        return external_chunk{std::move(buf), d, -1, 0, n};
    }
};

// `inline_bytes` with chunks inserted: a splice at `at` goes before
// inline_bytes[at] (at == size() appends). Splices are in ascending `at`;
// several at the same offset follow each other in order.
struct gather_bytes {
    struct splice {
        size_t at;
        external_chunk chunk;
    };
    bytes inline_bytes;
    std::vector<splice> splices;

    uint64_t size() const {
        uint64_t n = inline_bytes.size();
        for (const auto& s : splices) {
            n += s.chunk.length;
        }
        return n;
    }

    // The whole content as one buffer, file chunks read with pread: for tests
    // and for transports that cannot send by reference. errc::io if a file
    // read fails, errc::out_of_range if a file is shorter than its chunk.
    result<bytes> flatten() const;
};

}  // namespace cs
