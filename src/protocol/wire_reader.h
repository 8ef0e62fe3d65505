#pragma once

// A bounds-checked cursor over one received frame. Every read checks the
// remaining length first; the first failure makes the reader "failed" (sticky):
// later reads return zero values and consume nothing, so decoders can read a
// whole field group and check failed() once. Never throws, never reads past
// the end of the input.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace cs::kafka {

class wire_reader {
  public:
    explicit wire_reader(bytes_view in) : in_(in) {}

    template <class T>
    requires std::is_integral_v<T> T read_int() {
        if (!need(sizeof(T), "integer")) {
            return 0;
        }
        T v = load_be<T>(in_.data() + pos_);
        pos_ += sizeof(T);
        return v;
    }
    bool read_bool() { return read_int<int8_t>() != 0; }
    double read_float64();
    // Unsigned LEB128 varint of at most 5 bytes (a uint32), as compact lengths
    // and tagged-field headers use.
    uint32_t read_uvarint32();
    // Zig-zag signed varint (int32) / varlong (int64).
    int32_t read_varint();
    int64_t read_varlong();
    // The next n bytes, a view into the input.
    bytes_view read_raw(size_t n);

    size_t remaining() const { return failed_ ? 0 : in_.size() - pos_; }
    size_t position() const { return pos_; }
    bool failed() const { return failed_; }
    // The first failure, with the byte position where it happened.
    const std::string& error_message() const { return error_; }
    // Marks the input malformed (for checks above the byte level, e.g. a null
    // where the version does not allow one).
    void fail(std::string_view why);

  private:
    bool need(size_t n, const char* what) {
        if (failed_) {
            return false;
        }
        if (in_.size() - pos_ < n) {
            fail_truncated(n, what);
            return false;
        }
        return true;
    }
    void fail_truncated(size_t n, const char* what);

    bytes_view in_;
    size_t pos_ = 0;
    bool failed_ = false;
    std::string error_;
};

}  // namespace cs::kafka
