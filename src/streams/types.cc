#include "streams/types.h"

#include <fmt/format.h>

namespace cs::streams {

const char* type_kind_name(type_kind k) {
    switch (k) {
        case type_kind::boolean:
            return "BOOLEAN";
        case type_kind::integer:
            return "INTEGER";
        case type_kind::bigint:
            return "BIGINT";
        case type_kind::double_:
            return "DOUBLE";
        case type_kind::decimal:
            return "DECIMAL";
        case type_kind::string:
            return "STRING";
        case type_kind::bytes:
            return "BYTES";
        case type_kind::timestamp:
            return "TIMESTAMP";
        case type_kind::date:
            return "DATE";
        case type_kind::time:
            return "TIME";
        case type_kind::array:
            return "ARRAY";
        case type_kind::map:
            return "MAP";
        case type_kind::struct_:
            return "STRUCT";
    }
    return "UNKNOWN";
}

std::string sql_type::to_string() const {
    switch (kind) {
        case type_kind::boolean:
        case type_kind::integer:
        case type_kind::bigint:
        case type_kind::double_:
        case type_kind::string:
        case type_kind::bytes:
        case type_kind::timestamp:
        case type_kind::date:
        case type_kind::time:
            return type_kind_name(kind);
        case type_kind::decimal:
            return fmt::format("DECIMAL({}, {})", precision, scale);
        case type_kind::array:
            return fmt::format("ARRAY<{}>", children.at(0).to_string());
        case type_kind::map:
            return fmt::format("MAP<STRING, {}>", children.at(0).to_string());
        case type_kind::struct_: {
            std::string out = "STRUCT<";
            for (size_t i = 0; i < children.size(); ++i) {
                if (i > 0) {
                    out += ", ";
                }
                out += fmt::format("`{}` {}", field_names.at(i), children[i].to_string());
            }
            return out + ">";
        }
    }
    return "UNKNOWN";
}

}  // namespace cs::streams
