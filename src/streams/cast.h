#pragma once

// CAST(x AS T) with ksqlDB's rules: which conversions exist (can_cast, checked
// at plan time) and how a value converts (cast_value, per row). A conversion
// that fails on a particular value (CAST('abc' AS INT), a DECIMAL that does not
// fit its precision) is an errc::invalid_argument naming the value and target
// type: the runtime sends such records to the dead-letter topic.

#include "base/result.h"
#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams {

bool can_cast(const sql_type& from, const sql_type& to);

// NULL casts to NULL. v holds a value of type `from`.
result<value> cast_value(const value& v, const sql_type& from, const sql_type& to);

}  // namespace cs::streams
