#include "base/varint.h"

namespace cs {

std::optional<decoded_u64> decode_uvarint(bytes_view in, size_t max_bytes) {
    uint64_t value = 0;
    size_t limit = in.size() < max_bytes ? in.size() : max_bytes;
    for (size_t i = 0; i < limit; ++i) {
        auto b = static_cast<uint8_t>(in[i]);
        value |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            return decoded_u64{value, i + 1};
        }
    }
    return std::nullopt;
}

size_t encode_uvarint(uint64_t v, std::byte* out) {
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = static_cast<std::byte>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out[n++] = static_cast<std::byte>(v);
    return n;
}

void append_uvarint(bytes& out, uint64_t v) {
    std::byte tmp[kMaxVarlongBytes];
    size_t n = encode_uvarint(v, tmp);
    out.insert(out.end(), tmp, tmp + n);
}

void append_varint(bytes& out, int64_t v) {
    append_uvarint(out, zigzag_encode(v));
}

size_t uvarint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

}  // namespace cs
