#pragma once

// Rows in PostgreSQL's COPY text format (tab-separated, \N for NULL,
// backslash escapes), for the sink's COPY bulk path. Every value gets the
// same text the multi-row INSERT path sends as a parameter (param_text), so
// the server applies the same input function either way; the one exception
// is blob, which the INSERT path sends in binary format: as COPY text it is
// bytea's hex form, identical only for bytea columns (callers check).

#include <span>
#include <string>

#include "connect/connectors/jdbc/db_connection.h"

namespace cs::connect::jdbc {

// The text a non-null, non-blob parameter is sent as ("t"/"f", integers,
// shortest round-trip doubles, NaN/Infinity/-Infinity, strings as is).
std::string param_text(const sql_param& p);

// Appends one COPY text row (fields escaped, tab-separated, '\n'-terminated).
void append_copy_row(std::string& out, std::span<const sql_param> values);

}  // namespace cs::connect::jdbc
