#pragma once

// Appends Kafka wire primitives to a growing buffer. Encoding cannot fail:
// values that do not fit the wire type (a string longer than 32767 bytes in
// a non-compact string) are the caller's bug and are asserted in debug builds.

#include <bit>
#include <cassert>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/varint.h"

namespace cs::kafka {

class wire_writer {
  public:
    explicit wire_writer(bytes& out) : out_(out) {}

    template <class T>
    requires std::is_integral_v<T>
    void write_int(T v) {
        size_t at = out_.size();
        out_.resize(at + sizeof(T));
        store_be<T>(out_.data() + at, v);
    }
    void write_bool(bool v) { write_int<int8_t>(v ? 1 : 0); }
    void write_float64(double v) { write_int<uint64_t>(std::bit_cast<uint64_t>(v)); }
    void write_uvarint(uint64_t v) { append_uvarint(out_, v); }
    void write_varint(int64_t v) { append_varint(out_, v); }
    void write_raw(bytes_view b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void write_raw(std::string_view s) { write_raw(as_bytes(s)); }

    size_t size() const { return out_.size(); }
    bytes& buffer() { return out_; }

  private:
    bytes& out_;
};

}  // namespace cs::kafka
