#pragma once

// The vocabulary in which every Kafka message is described once.
//
// A message (or a nested struct of one) is a plain struct whose members hold
// the field values and whose member template
//
//     template <class V> void describe(V& v) {
//         v.field(transactional_id, "transactional_id", since(3));
//         v.field(acks, "acks");
//         v.tagged_field(0, supported_features, "supported_features", since(3));
//     }
//
// lists the fields in wire order with the versions they exist in. Visitors
// (codec.h: decoder, encoder; printer.h) walk that description; nothing else
// knows a message's layout. The C++ member type decides the wire type:
//
//   int8_t/int16_t/int32_t/int64_t/uint16_t   INT8..INT64, UINT16 (big-endian)
//   double / bool / uuid                      FLOAT64 / BOOLEAN / UUID
//   std::string                               STRING (compact in flexible versions)
//   std::optional<std::string>                NULLABLE_STRING
//   bytes / std::optional<bytes>              BYTES / NULLABLE_BYTES (also RECORDS)
//   std::vector<T>                            ARRAY of T (T a scalar or a described struct)
//   std::optional<std::vector<T>>             nullable ARRAY
//   a described struct                        its fields inline
//
// Tagged fields (flexible versions only) are std::optional<T> (written when
// engaged) or std::vector<T> (written when non-empty); they go into the tagged
// section at the end of their struct, in tag order.
//
// A field absent in the version being decoded keeps the value of the struct's
// default member initializer (Kafka's "default"); encoding at a version where
// a field is absent drops it silently.

#include <array>
#include <compare>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "protocol/api_keys.h"

namespace cs::kafka {

// An inclusive range of message versions.
struct versions {
    int16_t min = 0;
    int16_t max = INT16_MAX;
    constexpr bool contains(int16_t v) const { return v >= min && v <= max; }
    bool operator==(const versions&) const = default;
};

inline constexpr versions all_versions{};
inline constexpr versions no_versions{1, 0};
constexpr versions since(int16_t v) {
    return {v, INT16_MAX};
}
constexpr versions until(int16_t v) {
    return {0, v};
}
constexpr versions range(int16_t lo, int16_t hi) {
    return {lo, hi};
}

// Per-field options beyond type and presence.
struct field_opts {
    // Versions in which an optional<> field may be null on the wire. Outside
    // them a null is rejected on decode and written as empty on encode.
    versions nullable = all_versions;
    // Keep the classic int16/int32 length even in flexible versions (only the
    // request header's client_id does this).
    bool never_compact = false;
};

// A 128-bit UUID (topic ids), stored in wire byte order.
struct uuid {
    std::array<uint8_t, 16> bytes{};
    auto operator<=>(const uuid&) const = default;
};

// Satisfied by structs that describe their fields.
namespace detail {
struct describe_probe {
    template <class T>
    void field(T&, const char*, versions = {}, field_opts = {});
    template <class T>
    void tagged_field(uint32_t, T&, const char*, versions = {});
};
}  // namespace detail

template <class T>
concept described = requires(T& t, detail::describe_probe& p) {
    t.describe(p);
};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Whether version `v` of API `key` uses the flexible encoding.
constexpr bool is_flexible(api_key key, int16_t v) {
    return v >= flexible_from(key);
}

}  // namespace cs::kafka
