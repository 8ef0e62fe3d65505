#pragma once

// The broker's properties: every key of Kafka's server.properties that
// clickstream reads or knowingly ignores, with Kafka's names, types, defaults
// and bounds, so Apache Kafka's own config files load unchanged.

#include "config/registry.h"

namespace cs::config {

const registry& broker_registry();

}  // namespace cs::config
