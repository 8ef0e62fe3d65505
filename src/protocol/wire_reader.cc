#include "protocol/wire_reader.h"

#include <bit>

#include <fmt/format.h>

#include "base/varint.h"

namespace cs::kafka {

double wire_reader::read_float64() {
    return std::bit_cast<double>(read_int<uint64_t>());
}

uint32_t wire_reader::read_uvarint32() {
    if (failed_) {
        return 0;
    }
    auto d = decode_uvarint(in_.subspan(pos_), kMaxVarintBytes);
    if (!d || d->value > UINT32_MAX) {
        fail("truncated or over-long unsigned varint");
        return 0;
    }
    pos_ += d->length;
    return static_cast<uint32_t>(d->value);
}

int32_t wire_reader::read_varint() {
    if (failed_) {
        return 0;
    }
    auto d = decode_uvarint(in_.subspan(pos_), kMaxVarintBytes);
    if (!d || d->value > UINT32_MAX) {
        fail("truncated or over-long varint");
        return 0;
    }
    pos_ += d->length;
    return static_cast<int32_t>(zigzag_decode(d->value));
}

int64_t wire_reader::read_varlong() {
    if (failed_) {
        return 0;
    }
    auto d = decode_uvarint(in_.subspan(pos_), kMaxVarlongBytes);
    if (!d) {
        fail("truncated or over-long varlong");
        return 0;
    }
    pos_ += d->length;
    return zigzag_decode(d->value);
}

bytes_view wire_reader::read_raw(size_t n) {
    if (!need(n, "bytes")) {
        return {};
    }
    bytes_view v = in_.subspan(pos_, n);
    pos_ += n;
    return v;
}

void wire_reader::fail(std::string_view why) {
    if (failed_) {
        return;
    }
    failed_ = true;
    error_ = fmt::format("{} at byte {} of {}", why, pos_, in_.size());
}

void wire_reader::fail_truncated(size_t n, const char* what) {
    fail(fmt::format("truncated {}: need {} bytes, {} left", what, n, in_.size() - pos_));
}

}  // namespace cs::kafka
