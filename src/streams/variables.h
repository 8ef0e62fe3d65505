#pragma once

// Session variables: DEFINE name = 'value', then ${name} in later
// statements, with ksqlDB's VariableSubstitutor rules:
// - A ${name} in place of an identifier (a source, a column, a function,
//   an alias, PRINT's topic) takes the value as it is; it must be an
//   identifier ([A-Za-z_][A-Za-z0-9_@]*, or one in "..." or `...`), else
//   "Illegal argument at Line: L, Col: C. Identifier names cannot start
//   with '@' ...". An undefined variable fails that check.
// - A ${name} in place of a literal (an expression, a WITH property value)
//   takes a value that is a 'quoted string' (its quotes re-escaped), TRUE,
//   FALSE or a number; else "Illegal argument at Line: L, Col: C.".
// - Inside a 'string' (a literal, a DEFINE value, SET / UNSET, PRINT 'topic')
//   a defined ${name} is replaced by its value with quotes doubled; an
//   undefined one stays as written.
// - $${name} is the text ${name}, not substituted.
// - Names are case-insensitive. A value is not substituted again.
// The substituted text is parsed again; that is the statement that runs
// (and that the command topic records).

#include <map>
#include <string>
#include <string_view>

#include "base/ascii.h"
#include "base/result.h"
#include "streams/ast.h"

namespace cs::streams {

// Variable name -> value (the value of DEFINE's string, unquoted).
using variable_map = std::map<std::string, std::string, ascii_iless>;

// "ksql.variable.substitution.enable" (ksqlDB's; default true).
inline constexpr std::string_view variable_substitution_property =
    "ksql.variable.substitution.enable";

// Whether stmt has anything to substitute (a ${name} outside quotes, or
// "${" inside them).
bool has_variable_references(const ast::statement& stmt);

// stmt's text with the variables substituted (see the file comment).
result<std::string> substitute_variables_text(const ast::statement& stmt, const variable_map& vars);

// stmt with the variables substituted and parsed again; stmt itself when
// it has nothing to substitute. With substitution disabled, a ${name}
// outside quotes is an error and strings are left alone.
result<ast::statement> substitute_variables(const ast::statement& stmt, const variable_map& vars,
                                            bool enabled = true);

}  // namespace cs::streams
