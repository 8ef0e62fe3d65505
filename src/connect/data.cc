#include "connect/data.h"

#include "base/deep_equal.h"

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

bool data::operator==(const data& other) const {
    return deep_equal(v_, other.v_);
}

bool struct_data::operator==(const struct_data& other) const {
    return values == other.values;
}

}  // namespace cs::connect
