#pragma once

// Test-only: reads generated records back with simdjson (an independent
// parser) and decides whether each is a valid click event.

#include <optional>
#include <string>
#include <string_view>

namespace cs::tools::gen::testing {

struct parsed_event {
    std::string timestamp, user_id, url, device_id, event_type, session_id;
};

// True when text is one well-formed JSON value.
bool is_json(std::string_view text);

// The event when text is a JSON object with exactly the six fields, each a
// string, and the timestamp is ISO-8601 UTC with milliseconds; else nullopt.
std::optional<parsed_event> parse_event(std::string_view text);

}  // namespace cs::tools::gen::testing
