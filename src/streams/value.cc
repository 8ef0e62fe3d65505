#include "streams/value.h"

namespace cs::streams {

namespace {

template <class T>
bool deep_equal(const std::shared_ptr<const T>& a, const std::shared_ptr<const T>& b) {
    return a == b || (a && b && *a == *b);
}

}  // namespace

bool value::operator==(const value& other) const {
    if (v_.index() != other.v_.index()) {
        return false;
    }
    return std::visit(
        [&](const auto& mine) -> bool {
            using T = std::decay_t<decltype(mine)>;
            const auto& theirs = std::get<T>(other.v_);
            if constexpr (std::is_same_v<T, std::shared_ptr<const value_list>> ||
                          std::is_same_v<T, std::shared_ptr<const value_map>> ||
                          std::is_same_v<T, std::shared_ptr<const value_struct>>) {
                return deep_equal(mine, theirs);
            } else {
                return mine == theirs;
            }
        },
        v_);
}

bool value_struct::operator==(const value_struct& other) const {
    return fields == other.fields;
}

}  // namespace cs::streams
