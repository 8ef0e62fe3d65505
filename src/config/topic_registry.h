#pragma once

// Topic-level properties with Kafka's names (CreateTopics configs,
// kafka-configs --entity-type topics). Each names the broker keys behind it,
// in precedence order, which supply its value when a topic does not set it.

#include "config/registry.h"

namespace cs::config {

const registry& topic_registry();

}  // namespace cs::config
