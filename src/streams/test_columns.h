#pragma once

// A column for a test's source_def. Test code only.

#include <string>
#include <utility>

#include "streams/catalog_types.h"

namespace cs::streams::testing {

inline column_def col(std::string name, sql_type t, column_origin o = column_origin::value) {
    return column_def{.name = std::move(name),
                      .type = std::move(t),
                      .origin = o,
                      .header_key = {},
                      .not_null = false};
}

}  // namespace cs::streams::testing
