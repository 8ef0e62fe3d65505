#pragma once

// Equality of two values of one std::variant type whose shared_ptr
// alternatives (lists, maps, structs held by pointer so copies are cheap)
// compare what they point to, and every other alternative with its own ==.
// The value types of the SQL engine and of Connect both use it.

#include <memory>
#include <type_traits>
#include <variant>

namespace cs {

template <class T>
struct is_shared_ptr : std::false_type {};
template <class T>
struct is_shared_ptr<std::shared_ptr<T>> : std::true_type {};

template <class... Ts>
bool deep_equal(const std::variant<Ts...>& a, const std::variant<Ts...>& b) {
    if (a.index() != b.index()) {
        return false;
    }
    return std::visit(
        [&](const auto& mine) -> bool {
            using T = std::decay_t<decltype(mine)>;
            const auto& theirs = std::get<T>(b);
            if constexpr (is_shared_ptr<T>::value) {
                return mine == theirs || (mine && theirs && *mine == *theirs);
            } else {
                return mine == theirs;
            }
        },
        a);
}

}  // namespace cs
