#pragma once

// The bytes of one click event, in the seeds' shape with a fixed field order:
//   {"timestamp":"2026-01-05T09:30:00.250Z","user_id":"u0001234",
//    "url":"/products/shoes/1042","device_id":"d0004567",
//    "event_type":"page_view","session_id":"s3f9c0a7e12b4d655"}
// and the deliberately broken variants that exercise a pipeline's DLQ.

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/generate/random.h"

namespace cs::tools::gen {

struct event_fields {
    int64_t time_ms = 0;
    std::string_view user_id;
    std::string_view url;
    std::string_view device_id;
    std::string_view event_type;
    std::string_view session_id;
};

// Appends the event as one compact JSON object (no newline).
void append_event_json(std::string& out, const event_fields& e);

// How a malformed record is broken. Every kind is either not JSON at all or
// JSON that is not a valid event (a required field missing or mistyped).
enum class malformed_kind : uint8_t {
    truncated,      // the event's JSON cut short
    wrong_type,     // timestamp as an object, or user_id as a number
    missing_field,  // one of timestamp, user_id, url, device_id left out
    not_json,       // a CSV line or key=value text
};
inline constexpr int malformed_kinds = 4;

// Appends a broken rendering of e of the given kind; r picks the details
// (where to cut, which field), so the output stays deterministic.
void append_malformed(std::string& out, const event_fields& e, malformed_kind kind, rng& r);

}  // namespace cs::tools::gen
