#pragma once

// Renders the configuration reference (docs/configuration.md) from the
// registries, so the docs cannot drift from the code; a CTest test fails when
// the checked-in file differs from what this renders.

#include <string>

#include "config/registry.h"

namespace cs::config {

// One registry as a markdown section: per key its type, default, valid values
// or bounds, dynamic or restart, synonyms, doc and single-node note.
std::string render_registry_docs(const registry& reg, const std::string& title,
                                 const std::string& intro);

// The whole reference: file syntax, environment substitution, client files,
// then the broker and topic registries.
std::string render_docs();

}  // namespace cs::config
