#include "streams/value.h"

#include "base/deep_equal.h"

namespace cs::streams {

bool value::operator==(const value& other) const {
    return deep_equal(v_, other.v_);
}

bool value_struct::operator==(const value_struct& other) const {
    return fields == other.fields;
}

}  // namespace cs::streams
