#include "connect/data.h"

namespace cs::connect {

const char* schema_type_name(schema_type t) {
    switch (t) {
        case schema_type::int8:
            return "int8";
        case schema_type::int16:
            return "int16";
        case schema_type::int32:
            return "int32";
        case schema_type::int64:
            return "int64";
        case schema_type::float32:
            return "float";
        case schema_type::float64:
            return "double";
        case schema_type::boolean:
            return "boolean";
        case schema_type::string:
            return "string";
        case schema_type::bytes:
            return "bytes";
        case schema_type::array:
            return "array";
        case schema_type::map:
            return "map";
        case schema_type::struct_:
            return "struct";
    }
    return "unknown";
}

namespace {

template <class T>
bool deep_equal(const std::shared_ptr<const T>& a, const std::shared_ptr<const T>& b) {
    return a == b || (a && b && *a == *b);
}

}  // namespace

bool data::operator==(const data& other) const {
    if (v_.index() != other.v_.index()) {
        return false;
    }
    return std::visit(
        [&](const auto& mine) -> bool {
            using T = std::decay_t<decltype(mine)>;
            const auto& theirs = std::get<T>(other.v_);
            if constexpr (std::is_same_v<T, std::shared_ptr<const data_list>> ||
                          std::is_same_v<T, std::shared_ptr<const data_map>> ||
                          std::is_same_v<T, std::shared_ptr<const struct_data>>) {
                return deep_equal(mine, theirs);
            } else {
                return mine == theirs;
            }
        },
        v_);
}

bool struct_data::operator==(const struct_data& other) const {
    return values == other.values;
}

}  // namespace cs::connect
