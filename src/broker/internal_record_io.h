#pragma once

// Reading and writing the records of the broker's internal topics
// (__consumer_offsets, __transaction_state) in Kafka's classic layout:
// big-endian integers, int16-length strings (-1 = null), int32-length bytes,
// int32-count arrays.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::broker {

inline void put_string(byte_writer& w, std::string_view s) {
    w.put<int16_t>(static_cast<int16_t>(s.size()));
    w.put_bytes(s);
}

inline void put_nullable_string(byte_writer& w, const std::optional<std::string>& s) {
    if (!s) {
        w.put<int16_t>(-1);
        return;
    }
    put_string(w, *s);
}

inline void put_bytes_field(byte_writer& w, const bytes& b) {
    w.put<int32_t>(static_cast<int32_t>(b.size()));
    w.put_bytes(bytes_view(b));
}

// Bounds-checked big-endian reader; the first failure sticks so a decoder can
// read a whole field group and check once.
class internal_record_reader {
  public:
    internal_record_reader(bytes_view in, const char* what) : in_(in), what_(what) {}

    template <class T>
    T get() {
        if (!need(sizeof(T))) {
            return T{};
        }
        T v = load_be<T>(in_.data() + pos_);
        pos_ += sizeof(T);
        return v;
    }

    std::optional<std::string> nullable_string() {
        auto len = get<int16_t>();
        if (failed_ || len < 0) {
            if (len < -1) {
                fail(fmt::format("negative string length {}", len));
            }
            return std::nullopt;
        }
        if (!need(static_cast<size_t>(len))) {
            return std::nullopt;
        }
        std::string s(reinterpret_cast<const char*>(in_.data() + pos_), static_cast<size_t>(len));
        pos_ += static_cast<size_t>(len);
        return s;
    }

    std::string string() {
        auto s = nullable_string();
        if (!s && !failed_) {
            fail("null in a non-nullable string");
        }
        return s.value_or(std::string{});
    }

    bytes bytes_field() {
        auto len = get<int32_t>();
        if (failed_) {
            return {};
        }
        if (len < 0) {
            // Kafka's schema marks these non-nullable; read a null as empty.
            return {};
        }
        if (!need(static_cast<size_t>(len))) {
            return {};
        }
        bytes b(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                in_.begin() + static_cast<std::ptrdiff_t>(pos_ + static_cast<size_t>(len)));
        pos_ += static_cast<size_t>(len);
        return b;
    }

    size_t remaining() const { return in_.size() - pos_; }
    bool failed() const { return failed_; }

    error err() const {
        return error{errc::corrupt,
                     fmt::format("{}: {} at byte {} of {}", what_, message_, pos_, in_.size())};
    }

  private:
    bool need(size_t n) {
        if (failed_) {
            return false;
        }
        if (in_.size() - pos_ < n) {
            fail(fmt::format("truncated (needs {} more bytes)", n));
            return false;
        }
        return true;
    }
    void fail(std::string m) {
        if (!failed_) {
            failed_ = true;
            message_ = std::move(m);
        }
    }

    bytes_view in_;
    const char* what_;
    size_t pos_ = 0;
    bool failed_ = false;
    std::string message_;
};

}  // namespace cs::broker
