#pragma once

// Plain JSON text of a Connect value, for people and files (REST bodies,
// JSON lines on S3, JSON columns in a database): structs and string-keyed
// maps as objects, other maps as arrays of [key, value] pairs, bytes as
// base64, NaN and infinities as null. JsonConverter's schema-aware writer is
// converters/json_codec.h.

#include <string>

#include "connect/data.h"

namespace cs::connect {

void append_plain_json(std::string& out, const data& v);

inline std::string plain_json(const data& v) {
    std::string out;
    append_plain_json(out, v);
    return out;
}

}  // namespace cs::connect
