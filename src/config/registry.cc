#include "config/registry.h"

#include <algorithm>
#include <stdexcept>

#include "base/edit_distance.h"

namespace cs::config {

registry::registry(std::string scope, std::vector<property_def> defs)
    : scope_(std::move(scope)), defs_(std::move(defs)) {
    for (size_t i = 0; i < defs_.size(); ++i) {
        if (!index_.emplace(defs_[i].name, i).second) {
            throw std::logic_error("duplicate property " + defs_[i].name + " in registry " +
                                   scope_);
        }
    }
}

const property_def* registry::find(std::string_view name) const {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? nullptr : &defs_[it->second];
}

std::optional<std::string> registry::suggest(std::string_view unknown) const {
    // Up to one edit per five characters (at least two), and never more than
    // a third of the key: "log.retention.hour" finds "log.retention.hours",
    // "log_segment_bytes" finds "log.segment.bytes", "foo" finds nothing.
    const size_t limit = std::min(std::max<size_t>(2, unknown.size() / 5), unknown.size() / 3);
    const property_def* best = nullptr;
    size_t best_distance = limit + 1;
    for (const auto& def : defs_) {
        size_t d = edit_distance(unknown, def.name);
        if (d < best_distance) {
            best_distance = d;
            best = &def;
        }
    }
    if (best == nullptr) {
        return std::nullopt;
    }
    return best->name;
}

}  // namespace cs::config
