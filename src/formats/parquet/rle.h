#pragma once

// The RLE / bit-packing hybrid of Parquet's Encodings.md, used here for
// definition levels (bit width 1) and dictionary indices.
//
//   run             := rle-run | bit-packed-run
//   rle-run         := uleb128(count << 1)        value in ceil(width/8) bytes LE
//   bit-packed-run  := uleb128(groups << 1 | 1)   groups * 8 values, `width` bits
//                                                 each, packed LSB-first
//
// The encoder sees a whole page of values at once: runs of 8 or more equal
// values become RLE runs, everything else is bit-packed. A bit-packed run
// always holds a multiple of 8 values, so before an RLE run it borrows the
// first values of that run to complete its last group; at the very end the
// last group is padded with zeros (readers stop at the page's value count).
// No length prefix is written: callers add one where the page kind needs it
// (v1 data-page levels) and omit it for dictionary indices.

#include <cstdint>
#include <span>

#include "base/bytes.h"

namespace cs::formats::parquet {

// Bits needed to store max_value (0 for 0).
inline int bit_width(uint64_t max_value) {
    return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value);
}

// Appends the hybrid encoding of `values` (each < 2^width, width <= 32).
void rle_encode(std::span<const uint32_t> values, int width, bytes& out);
void rle_encode(std::span<const uint8_t> values, int width, bytes& out);

}  // namespace cs::formats::parquet
