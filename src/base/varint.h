#pragma once

// Variable-length integers of the Kafka protocol: unsigned LEB128 varints
// (compact lengths, tagged fields) and zig-zag signed varints/varlongs
// (record fields in RecordBatch v2). Decoders never read past the end of the
// input and reject encodings longer than the type allows.

#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace cs {

constexpr size_t kMaxVarintBytes = 5;
constexpr size_t kMaxVarlongBytes = 10;

struct decoded_u64 {
    uint64_t value;
    size_t length;  // bytes consumed
};

// Unsigned varint (at most `max_bytes` long). nullopt when truncated or over-long.
std::optional<decoded_u64> decode_uvarint(bytes_view in, size_t max_bytes = kMaxVarlongBytes);

inline uint64_t zigzag_encode(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t zigzag_decode(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Writes an unsigned varint to `out` (room for kMaxVarlongBytes); returns bytes written.
size_t encode_uvarint(uint64_t v, std::byte* out);
void append_uvarint(bytes& out, uint64_t v);
void append_varint(bytes& out, int64_t v);  // zig-zag
size_t uvarint_size(uint64_t v);
inline size_t varint_size(int64_t v) {
    return uvarint_size(zigzag_encode(v));
}

}  // namespace cs
