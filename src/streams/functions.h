#pragma once

// The scalar function registry: every built-in function of the SQL engine
// (SUBSTRING, CONCAT, PARSE_TIMESTAMP, URL_EXTRACT_HOST, ...), looked up by
// upper-case name and bound once per call site to its argument types.
//
// Binding resolves the overload and computes the return type at plan time,
// so the per-row call does no type dispatch beyond what the function itself
// needs. A bound_function is immutable after binding and may be called from
// several threads at once; functions with a cache (compiled regexes, time
// formats) keep it per thread (see functions_support.h).

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams {

class bound_function {  // one call site, argument types known
  public:
    virtual ~bound_function() = default;
    virtual const sql_type& return_type() const = 0;
    // args[i] has the type given at bind time. NULL handling is the function's own
    // (most return NULL on NULL input; COALESCE/IFNULL/CONCAT do not).
    virtual result<value> call(std::span<const value> args) const = 0;
};

// name is upper-case. Errors: errc::not_found (unknown function), errc::invalid_argument
// (wrong arity/types: message lists the accepted signatures).
result<std::unique_ptr<bound_function>> bind_function(std::string_view name,
                                                      std::span<const sql_type> arg_types);

// The same, with the clock UNIX_TIMESTAMP() reads (the overload above uses
// the system clock); the clock must outlive the bound function.
result<std::unique_ptr<bound_function>> bind_function(std::string_view name,
                                                      std::span<const sql_type> arg_types,
                                                      const cs::clock& clock);

// Every registered function name, upper-case and sorted (for "did you mean" and
// SHOW FUNCTIONS).
std::vector<std::string> function_names();

// One line per accepted signature of a function, e.g. "SUBSTRING(STRING, INTEGER)",
// for DESCRIBE FUNCTION; empty when the name is unknown.
std::vector<std::string> function_signatures(std::string_view name);

}  // namespace cs::streams
