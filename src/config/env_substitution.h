#pragma once

// Environment references in property values, so files can keep secrets and
// host names out of version control:
//
//   ${NAME}            the value of NAME; an error when NAME is unset
//   ${NAME:-default}   the value of NAME, or "default" when NAME is unset or
//                      empty (as in the shell); default is taken literally up
//                      to the first '}'
//   $${                a literal "${" (so "$${HOME}" stays "${HOME}")
//
// Any other '$' is literal. NAME is letters, digits and '_', not starting with
// a digit. Substitution runs once over the parsed value (after escapes), and
// its output is not scanned again. Keys are never substituted.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/diagnostics.h"
#include "config/properties.h"

namespace cs::config {

// Looks a variable up; nullopt when it is unset. Injected so tests need not
// touch the process environment.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
env_lookup process_environment();

// Substitutes one value. The error names the variable (and, via the message,
// what to do); callers add file:line and key.
result<std::string> substitute_env(std::string_view value, const env_lookup& env);

// Substitutes every value in props in place; each failure becomes an error
// naming file:line, key and variable, and drops that entry (so no later step
// reads a half-substituted value).
void substitute_env(properties& props, const env_lookup& env, diagnostics& diags);

}  // namespace cs::config
