#pragma once

// A distinct integer type per meaning (offset, partition id, epoch...), so a
// partition id can never be passed where an offset is expected. The tag makes
// each instantiation its own type; arithmetic stays explicit via value().

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace cs {

template <class T, class Tag>
class named_type {
  public:
    using value_type = T;
    constexpr named_type() = default;
    constexpr explicit named_type(T v) : v_(v) {}
    constexpr T value() const { return v_; }
    constexpr auto operator<=>(const named_type&) const = default;
    constexpr named_type operator+(T delta) const { return named_type(v_ + delta); }
    constexpr named_type operator-(T delta) const { return named_type(v_ - delta); }
    constexpr named_type& operator++() {
        ++v_;
        return *this;
    }
    friend std::ostream& operator<<(std::ostream& os, const named_type& n) { return os << n.v_; }

  private:
    T v_{};
};

}  // namespace cs

template <class T, class Tag>
struct std::hash<cs::named_type<T, Tag>> {
    size_t operator()(const cs::named_type<T, Tag>& n) const noexcept {
        return std::hash<T>{}(n.value());
    }
};
