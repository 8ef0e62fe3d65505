#include "formats/parquet/rle.h"

#include <cassert>

#include "base/varint.h"

namespace cs::formats::parquet {

namespace {

constexpr size_t kMinRleRun = 8;

template <class T>
void put_bit_packed(std::span<const T> values, size_t begin, size_t end, int width, bytes& out) {
    if (begin == end) {
        return;
    }
    size_t count = end - begin;
    size_t groups = (count + 7) / 8;
    append_uvarint(out, (groups << 1) | 1);
    if (width == 0) {
        return;
    }
    size_t at = out.size();
    out.resize(at + groups * static_cast<size_t>(width));
    std::byte* p = out.data() + at;
    uint64_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < groups * 8; ++i) {
        uint64_t v = begin + i < end ? static_cast<uint64_t>(values[begin + i]) : 0;  // zero pad
        acc |= v << bits;
        bits += width;
        while (bits >= 8) {
            *p++ = static_cast<std::byte>(acc & 0xFF);
            acc >>= 8;
            bits -= 8;
        }
    }
    assert(bits == 0);  // groups of 8 values always end on a byte boundary
}

void put_rle(uint64_t value, size_t count, int width, bytes& out) {
    append_uvarint(out, count << 1);
    for (int b = 0; b < (width + 7) / 8; ++b) {
        out.push_back(static_cast<std::byte>((value >> (8 * b)) & 0xFF));
    }
}

template <class T>
void encode(std::span<const T> values, int width, bytes& out) {
    assert(width >= 0 && width <= 32);
    const size_t n = values.size();
    size_t packed_begin = 0;  // start of the pending bit-packed values
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && values[j] == values[i]) {
            ++j;
        }
        size_t run = j - i;
        if (run < kMinRleRun) {
            i = j;  // joins the pending bit-packed values
            continue;
        }
        // Complete the pending bit-packed run's last group from this run.
        size_t pending = i - packed_begin;
        size_t borrow = pending % 8 == 0 ? 0 : 8 - pending % 8;
        if (run - borrow < kMinRleRun) {
            i = j;  // too short once borrowed from: bit-pack all of it
            continue;
        }
        put_bit_packed(values, packed_begin, i + borrow, width, out);
        put_rle(static_cast<uint64_t>(values[i]), run - borrow, width, out);
        i = j;
        packed_begin = j;
    }
    put_bit_packed(values, packed_begin, n, width, out);
}

}  // namespace

void rle_encode(std::span<const uint32_t> values, int width, bytes& out) {
    encode(values, width, out);
}

void rle_encode(std::span<const uint8_t> values, int width, bytes& out) {
    encode(values, width, out);
}

}  // namespace cs::formats::parquet
