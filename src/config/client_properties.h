#pragma once

// producer.properties / consumer.properties for the tools (--producer.config,
// --consumer.config): read with the same reader and ${ENV} substitution as the
// broker's file, but checked by no registry here; librdkafka validates its own
// keys when the tool hands them over.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "config/diagnostics.h"
#include "config/env_substitution.h"
#include "config/properties.h"

namespace cs::config {

// Reads and substitutes a client file. Problems (duplicate keys, unset
// variables) go to diags; the result is an error when the file cannot be read
// or any diagnostic is an error.
result<properties> load_client_properties(const std::filesystem::path& path, diagnostics& diags,
                                          const env_lookup& env = process_environment());

// key=value pairs in file order, ready for rd_kafka_conf_set.
std::vector<std::pair<std::string, std::string>> to_pairs(const properties& props);

}  // namespace cs::config
