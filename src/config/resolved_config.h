#pragma once

// A registry applied to a file (and optional overrides): every key of the
// scope with its typed value and where that value came from, so the broker can
// read settings and answer DescribeConfigs (config source, synonyms) from the
// same view.
//
// Resolution never stops at the first problem: unknown keys are warnings
// (with a "did you mean" when a known key is close), bad values are errors
// naming file:line, key, value and what was expected, and keys that mean
// nothing on one node get one info line each. A key whose value is bad keeps
// its default, so the rest of the view stays usable for reporting.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/properties.h"
#include "config/property.h"
#include "config/registry.h"

namespace cs::config {

enum class value_origin {
    default_value,   // the registry's default
    file,            // a line of a properties file
    override_value,  // given by the caller (command line, CreateTopics, ...)
};

const char* origin_name(value_origin o);

struct resolved_value {
    const property_def* def = nullptr;
    config_value value;
    value_origin origin = value_origin::default_value;
    std::string file;  // where it was set (file or override label); empty for defaults
    int line = 0;
    std::string raw;  // the text as written, after substitution; empty for defaults

    bool is_set() const { return origin != value_origin::default_value; }
    // "default", "server.properties:12" or "override"
    std::string source_text() const;
};

class resolved_config {
  public:
    explicit resolved_config(const registry& reg);

    const registry& reg() const { return *reg_; }
    const std::vector<resolved_value>& entries() const { return entries_; }

    // Looking up a key the registry does not define is a programming error
    // and throws std::out_of_range; so does asking for the wrong type.
    const resolved_value& entry(std::string_view name) const;
    const config_value& get(std::string_view name) const { return entry(name).value; }
    bool is_null(std::string_view name) const;
    bool is_set(std::string_view name) const { return entry(name).is_set(); }

    int32_t get_int(std::string_view name) const;
    int64_t get_long(std::string_view name) const;
    double get_double(std::string_view name) const;
    bool get_bool(std::string_view name) const;
    // string, password and class keys; nullopt when null
    std::optional<std::string> get_string(std::string_view name) const;
    std::vector<std::string> get_list(std::string_view name) const;

    // Replaces a value (used by resolution and by scope-specific fix-ups).
    void set(std::string_view name, resolved_value v);

  private:
    resolved_value& mutable_entry(std::string_view name);

    const registry* reg_;
    std::vector<resolved_value> entries_;  // parallel to reg_->properties()
};

// Applies reg to props, then overrides (which win, with origin
// override_value). Substitute environment references before calling.
resolved_config resolve(const registry& reg, const properties& props, diagnostics& diags,
                        const properties& overrides = {});

}  // namespace cs::config
