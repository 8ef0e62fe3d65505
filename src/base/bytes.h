#pragma once

// Byte views and big-endian (network order) integer access, as the Kafka wire
// format and the on-disk batch format use. All helpers are bounds-unchecked:
// callers check sizes first (decoders do so once per field group).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cs {

using bytes = std::vector<std::byte>;
using bytes_view = std::span<const std::byte>;
using mutable_bytes_view = std::span<std::byte>;

template <class T>
requires std::is_integral_v<T>
constexpr T byte_swap(T v) {
    using U = std::make_unsigned_t<T>;
    U u = static_cast<U>(v);
    if constexpr (sizeof(T) == 2) {
        u = __builtin_bswap16(u);
    } else if constexpr (sizeof(T) == 4) {
        u = __builtin_bswap32(u);
    } else if constexpr (sizeof(T) == 8) {
        u = __builtin_bswap64(u);
    }
    return static_cast<T>(u);
}

template <class T>
requires std::is_integral_v<T>
inline T load_be(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        v = byte_swap(v);
    }
    return v;
}

template <class T>
requires std::is_integral_v<T>
inline void store_be(std::byte* p, T v) {
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        v = byte_swap(v);
    }
    std::memcpy(p, &v, sizeof(T));
}

inline bytes_view as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string_view as_string_view(bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Appends big-endian integers and raw bytes to a growing buffer.
class byte_writer {
  public:
    explicit byte_writer(bytes& out) : out_(out) {}

    template <class T>
    requires std::is_integral_v<T>
    void put(T v) {
        size_t at = out_.size();
        out_.resize(at + sizeof(T));
        store_be<T>(out_.data() + at, v);
    }
    void put_bytes(bytes_view b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void put_bytes(std::string_view s) { put_bytes(as_bytes(s)); }
    size_t size() const { return out_.size(); }
    bytes& buffer() { return out_; }

  private:
    bytes& out_;
};

}  // namespace cs
