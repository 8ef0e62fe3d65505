#pragma once

// A registry: every property of one scope (broker, topic), in the order they
// are documented. Registries are built once and live for the process; the
// resolved views point into them.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/property.h"

namespace cs::config {

class registry {
  public:
    // scope names the registry in docs and messages ("broker", "topic").
    registry(std::string scope, std::vector<property_def> defs);

    const std::string& scope() const { return scope_; }
    std::span<const property_def> properties() const { return defs_; }
    const property_def* find(std::string_view name) const;

    // The known key closest to an unknown one, when it is close enough to be
    // a likely typo (a few edits, relative to the key's length).
    std::optional<std::string> suggest(std::string_view unknown) const;

  private:
    std::string scope_;
    std::vector<property_def> defs_;
    std::unordered_map<std::string, size_t> index_;
};

}  // namespace cs::config
