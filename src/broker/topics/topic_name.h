#pragma once

#include <string_view>

#include "base/result.h"

namespace cs::broker {

// Kafka's rules for topic names (Topic.validate): 1 to 249 characters from
// [a-zA-Z0-9._-], and not "." or "..". The message says which rule failed.
status validate_topic_name(std::string_view name);

// Whether two names differ only in '.' versus '_' (Kafka's
// Topic.hasCollision): their metric names would be the same, so Kafka
// refuses to have both.
bool topic_names_collide(std::string_view a, std::string_view b);

// Internal topics (__consumer_offsets, __transaction_state) are flagged
// is_internal in Metadata and cannot be created or deleted by clients.
bool is_internal_topic(std::string_view name);

}  // namespace cs::broker
